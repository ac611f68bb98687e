import type { Step } from "./explorerRun.js";

/**
 * What an app asserts about its handlers: "perCall" when they keep state per call (and per
 * callback URL), so that delivering an event of one call, and what the app does about it,
 * neither enables nor disables nor changes what an event of another call does.
 */
export type Independence = "none" | "perCall";

/** A candidate step as the sleep sets of the search remember it. */
export interface Move {
  /** Names the same step in every run that reaches it: the event's id, copy or not. */
  key: string;
  event: boolean;
  copy: boolean;
  call?: string;
  destination?: string;
}

/** The move a candidate step makes. */
export function moveOf(step: Step): Move {
  if (step.kind === "event") return { key: `${step.duplicate ? "copy" : "event"} ${step.event.id}`, event: true, copy: step.duplicate, call: step.callConnectionId, destination: step.destination };
  return { key: step.kind === "end" ? "end" : `${step.kind} ${step.label}`, event: false, copy: false };
}

/**
 * Whether two moves commute, for an app that asserts `independence`. Only events are: a REST
 * answer resumes the app wherever it awaited it, and time moving on reaches every call. Two
 * copies never are, as they draw on one budget of copies.
 */
export function independent(a: Move, b: Move, independence: Independence): boolean {
  if (independence !== "perCall" || !a.event || !b.event || (a.copy && b.copy)) return false;
  if (a.call === undefined || b.call === undefined) return a.destination !== b.destination;
  return a.call !== b.call || a.destination !== b.destination;
}
