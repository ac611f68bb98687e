import type { Emulator } from "../emulator/index.js";
import type { AppBinding } from "./explorerApp.js";
import type { Step } from "./explorerRun.js";
import type { AppFingerprint } from "./explorerState.js";

type EventStep = Extract<Step, { kind: "event" }>;

/**
 * The steps the service may take next, the plain one first: held REST answers, then events in
 * emission order, then world time moving on, then (when nothing else is left) the end of the
 * run; at-least-once copies come last, from `duplicateFrom` on. Events of a connection may
 * come in any order and more than once, except that nothing follows CallDisconnected
 * [DOC-CODES]: it waits for the connection's other pending events, and is never repeated nor
 * followed by a copy.
 */
export function allowed(pool: Step[], delivered: Array<EventStep>, duplicatesLeft: number, advance: string | undefined): { candidates: Step[]; duplicateFrom: number } {
  const ended = new Set(delivered.filter((e) => e.type === "CallDisconnected").map((e) => e.callConnectionId));
  const responses = pool.filter((s) => s.kind === "response");
  const events = pool.filter((s) => {
    if (s.kind !== "event") return false;
    return s.type !== "CallDisconnected" || !pool.some((o) => o !== s && o.kind === "event" && o.callConnectionId === s.callConnectionId);
  });
  const plain: Step[] = [...responses, ...events];
  if (advance) plain.push({ kind: "advance", label: advance });
  const copies: Step[] =
    duplicatesLeft > 0 ? delivered.filter((e) => !ended.has(e.callConnectionId)).map((e) => ({ ...e, duplicate: true })) : [];
  if (plain.length === 0 && copies.length > 0) plain.push({ kind: "end" });
  return { candidates: [...plain, ...copies], duplicateFrom: plain.length };
}

/**
 * The fingerprint of a decision point: the app's state, the emulator's (its calls, the clock,
 * what it was asked), what is left to deliver in candidate order, and which events a copy may
 * repeat (a set: a copy's place among the candidates does not change its cost); with the copies
 * left on the side.
 */
export function stateOf(binding: AppBinding, emulator: Emulator, pool: Step[], delivered: Array<EventStep>, duplicatesLeft: number, history: string[], contexts: readonly string[]): AppFingerprint {
  const app = binding.fingerprint?.() ?? { why: "it runs behind a URL, where the explorer cannot see its state" };
  if (!("fingerprint" in app)) return app;
  const clock = emulator.clock!;
  const eventKey = (e: EventStep) => `${e.event.id} ${e.type} ${e.callConnectionId} ${e.destination}`;
  const world = JSON.stringify({
    calls: emulator.calls(),
    now: clock.now(),
    timers: clock.pending().map((t) => [t.at, t.label]),
    history,
    pool: pool.map((s) => (s.kind === "event" ? eventKey(s) : s.kind === "response" ? s.label : s.kind)),
    delivered: delivered.map(eventKey).sort(),
  });
  // The copies left are apart: a state with fewer left has a subset of the futures of the same state with more.
  return { fingerprint: renameContexts(`${app.fingerprint}\n${world}`, contexts), copiesLeft: duplicatesLeft };
}


const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Adds to `contexts` the random operation context of one of the app's requests, if it has one.
 * The SDK draws a random UUID when the app gives none (transfer, add participant, play...), so
 * without this every run would reach states of its own and none would be pruned.
 */
export function noteContexts(rawBody: string, contexts: string[]): void {
  // Stryker disable next-line ConditionalExpression,StringLiteral: a shortcut past parsing; a body that does not name operationContext has none once parsed
  if (!rawBody.includes("operationContext")) return;
  let context: unknown;
  try {
    context = (JSON.parse(rawBody) as { operationContext?: unknown } | null)?.operationContext;
  } catch {
    // Not JSON: no operation context.
  }
  if (typeof context === "string" && UUID.test(context) && !contexts.includes(context)) contexts.push(context);
}

/**
 * Names each random operation context by the order the app first sent it. Sound for an app that
 * treats a UUID operation context as an opaque token (compares it, never reads into it), as a
 * random value must be treated: two states that differ only in which random contexts were drawn
 * then have the same futures, up to the same renaming.
 */
function renameContexts(text: string, contexts: readonly string[]): string {
  return contexts.reduce((out, context, i) => out.split(context).join(`<context ${i}>`), text);
}
