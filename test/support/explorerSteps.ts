/** Steps of an exploration made by hand, for tests of the explorer's parts. */
import type { Step } from "../../scenarios/explorerRun.js";

export type EventStep = Extract<Step, { kind: "event" }>;
export const event = (id: string, type: string, call: string | undefined, extra: Partial<EventStep> = {}): EventStep => ({
  kind: "event",
  type,
  callConnectionId: call,
  destination: "http://app/callbacks",
  event: { id },
  duplicate: false,
  ...extra,
});
export const response = (label: string): Step => ({ kind: "response", label, release: () => undefined });
export const kinds = (steps: Step[]) => steps.map((s) => (s.kind === "event" ? `${s.duplicate ? "copy" : "event"} ${s.event.id}` : s.kind === "response" || s.kind === "advance" ? `${s.kind} ${s.label}` : s.kind));
