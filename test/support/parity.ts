import type { Recording, RecordedEvent } from "./recordings.js";

/** What a comparison looks at. */
export type Aspect = "types" | "order" | "results" | "keys" | "sequence" | "roster" | "onHold" | "incomingCall";

/** One difference between a recording and callsim's run of the same operations. */
export interface Finding {
  aspect: Aspect;
  /** `aspect:detail`, what DEVIATIONS explanations and known gaps are keyed by. */
  key: string;
  what: string;
}

/** An event as callsim sent it, reduced to what the comparison reads. */
export interface ObservedEvent {
  type: string;
  time: string;
  data: Record<string, any>;
}

/** What callsim sent during a replay: events per recorded leg label, and its IncomingCall events. */
export interface Observed {
  /** Recorded leg label → callsim's events on the leg playing that part; absent when no callsim leg plays it. */
  legs: Record<string, ObservedEvent[] | undefined>;
  incomingCalls: Array<Record<string, any>>;
}

/** API versions whose events carry no resultInformation, no isOnHold and (2023-10) eventSource (findings §d). */
const OLDER_VERSIONS = new Set(["2023-10-03-preview", "2024-01-22-preview"]);
const ROSTER = "ParticipantsUpdated";

/**
 * Compares a recording with callsim's run of its operations: per leg, the event types and
 * their counts, the order of the non-roster events (by service time), resultInformation
 * code/subCode/message, the keys of each event's data, the roster events and their
 * sequenceNumbers, the CallConnected/ParticipantsUpdated order, and the IncomingCall events.
 */
export function compareRecording(recording: Recording, observed: Observed): Finding[] {
  const findings: Finding[] = [];
  const add = (aspect: Aspect, detail: string, what: string) => findings.push({ aspect, key: `${aspect}:${detail}`, what });
  const older = OLDER_VERSIONS.has(recording.version ?? "");
  const legs = [...new Set(recording.events.filter((e) => !e.foreign).map((e) => e.leg))];

  for (const leg of legs) {
    const recorded = byTime(recording.events.filter((e) => !e.foreign && e.leg === leg));
    const mine = observed.legs[leg];
    if (!mine) {
      add("incomingCall", `leg ${leg}`, `leg ${leg} (${recorded.length} events) has no callsim leg: it is answered through an IncomingCall callsim does not raise`);
      continue;
    }
    const sent = byTime(mine);
    compareTypes(leg, recorded, sent, add);
    const nonRoster = (events: Array<{ type: string }>) => events.filter((e) => e.type !== ROSTER).map((e) => e.type);
    const [recordedOrder, sentOrder] = [nonRoster(recorded), nonRoster(sent)];
    if (sameMultiset(recordedOrder, sentOrder) && recordedOrder.join() !== sentOrder.join()) {
      add("order", `events ${leg}`, `leg ${leg} order ${sentOrder.join(" → ")}, recorded ${recordedOrder.join(" → ")}`);
    }
    const firstOf = (events: Array<{ type: string }>) => events.findIndex((e) => e.type === ROSTER) < events.findIndex((e) => e.type === "CallConnected");
    if (has(recorded, "CallConnected") && has(recorded, ROSTER) && has(sent, "CallConnected") && has(sent, ROSTER) && firstOf(recorded) !== firstOf(sent)) {
      add("order", `CallConnected ${leg}`, `leg ${leg} sends ${firstOf(sent) ? "ParticipantsUpdated" : "CallConnected"} first, the recording ${firstOf(recorded) ? "ParticipantsUpdated" : "CallConnected"}`);
    }
    for (const [type, pairs] of pairsByType(recorded, sent)) {
      for (const [r, s] of pairs) {
        const result = (e: { data: Record<string, any> }) => e.data.resultInformation as { code: number; subCode: number; message: string } | undefined;
        const [rr, sr] = [result(r), result(s)];
        if (rr && sr && (rr.code !== sr.code || rr.subCode !== sr.subCode || normalize(rr.message) !== normalize(sr.message))) {
          add("results", type, `${type}[${leg}] ${sr.code}/${sr.subCode} "${sr.message}", recorded ${rr.code}/${rr.subCode} "${rr.message}"`);
        }
        const kept = (k: string) => !older || !/^(resultInformation|eventSource|participants\[\]\.isOnHold)\b/.test(k);
        const [rk, sk] = [keyPaths(r.data).filter(kept), keyPaths(s.data).filter(kept)];
        const missing = rk.filter((k) => !sk.includes(k));
        const extra = sk.filter((k) => !rk.includes(k));
        if (missing.length + extra.length > 0) {
          add("keys", type, `${type}[${leg}] data ${[...missing.map((k) => `lacks ${k}`), ...extra.map((k) => `adds ${k}`)].join(", ")}`);
        }
      }
    }
    const seqs = sent.filter((e) => e.type === ROSTER).map((e) => e.data.sequenceNumber as number);
    if (seqs.some((n, i) => i > 0 && n <= seqs[i - 1])) add("sequence", `increasing ${leg}`, `leg ${leg} sequenceNumbers ${seqs.join(",")} do not increase`);
  }
  compareSharedSequence(recording, observed, legs, add);
  compareIncomingCalls(recording, observed, add);
  return dedupe(findings);
}

type Add = (aspect: Aspect, detail: string, what: string) => void;

function compareTypes(leg: string, recorded: RecordedEvent[], sent: ObservedEvent[], add: Add): void {
  const count = (events: Array<{ type: string }>) => events.reduce((m, e) => m.set(e.type, (m.get(e.type) ?? 0) + 1), new Map<string, number>());
  const [r, s] = [count(recorded), count(sent)];
  for (const type of new Set([...r.keys(), ...s.keys()])) {
    const [rn, sn] = [r.get(type) ?? 0, s.get(type) ?? 0];
    if (rn === sn) continue;
    if (type !== ROSTER) {
      add("types", `${type}`, `leg ${leg} ${type} ×${sn}, recorded ×${rn}`);
      continue;
    }
    // Roster events the recording has and callsim not: hold during play (issue item 4) or unexplained bursts.
    const held = recorded.filter((e) => e.type === ROSTER && e.data.participants?.some((p: any) => p.isOnHold)).length;
    const heldSent = sent.filter((e) => e.type === ROSTER && e.data.participants?.some((p: any) => p.isOnHold)).length;
    // Each hold the recording shows is a roster going on hold and one coming back.
    const holdGap = Math.max(0, held - heldSent) * 2;
    if (holdGap > 0) add("onHold", `${leg}`, `leg ${leg} has no roster with isOnHold true during the play, nor the one after it (recorded ×${held})`);
    if (rn - holdGap !== sn) add("roster", `${leg}`, `leg ${leg} ParticipantsUpdated ×${sn}, recorded ×${rn}${holdGap ? ` (${holdGap} of them for the hold)` : ""}`);
  }
}

function compareSharedSequence(recording: Recording, observed: Observed, legs: string[], add: Add): void {
  const recordedSeqs = legs.map((leg) => new Set(recording.events.filter((e) => !e.foreign && e.leg === leg && e.type === ROSTER).map((e) => e.data.sequenceNumber)));
  const shared = recordedSeqs.length > 1 && [...recordedSeqs[0]].some((n) => recordedSeqs.slice(1).some((s) => s.has(n)));
  if (!shared) return;
  const sentSeqs = legs.map((leg) => (observed.legs[leg] ?? []).filter((e) => e.type === ROSTER).map((e) => e.data.sequenceNumber as number)).filter((s) => s.length > 0);
  if (sentSeqs.length < 2) return;
  // Legs that saw the same roster changes carry the same numbers; others share at least one.
  const agrees = (s: number[]) => (s.length === sentSeqs[0].length ? s.join() === sentSeqs[0].join() : s.some((n) => sentSeqs[0].includes(n)));
  if (!sentSeqs.slice(1).every(agrees)) {
    add("sequence", "shared", `legs number the same roster change ${sentSeqs.map((s) => s.join(",")).join(" / ")}; recorded ${recordedSeqs.map((s) => [...s].join(",")).join(" / ")} (one number per change, shared by every leg)`);
  }
}

function compareIncomingCalls(recording: Recording, observed: Observed, add: Add): void {
  const recorded = recording.incomingCalls;
  if (recorded.length === 0) return;
  if (observed.incomingCalls.length < recorded.length) {
    add("incomingCall", "count", `IncomingCall ×${observed.incomingCalls.length}, recorded ×${recorded.length} (the app's own invitation)`);
    return;
  }
  const [rk, sk] = [Object.keys(recorded[0]).sort(), Object.keys(observed.incomingCalls[0]).sort()];
  if (rk.join() !== sk.join()) add("incomingCall", "keys", `IncomingCall data keys ${sk.join(",")}, recorded ${rk.join(",")}`);
}

/** Recorded and sent events of each non-roster type, paired by occurrence. */
function pairsByType(recorded: RecordedEvent[], sent: ObservedEvent[]): Map<string, Array<[RecordedEvent, ObservedEvent]>> {
  const out = new Map<string, Array<[RecordedEvent, ObservedEvent]>>();
  for (const type of new Set(recorded.map((e) => e.type))) {
    const [r, s] = [recorded.filter((e) => e.type === type), sent.filter((e) => e.type === type)];
    out.set(type, r.slice(0, s.length).map((e, i) => [e, s[i]]));
  }
  return out;
}

/** The data's keys, one level into objects and arrays of objects (identifiers are not opened). */
export function keyPaths(data: Record<string, any>): string[] {
  const paths: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    paths.push(key);
    if (key === "participant" || key === "identifier") continue;
    const nested = Array.isArray(value) ? value.find((v) => v && typeof v === "object") : value && typeof value === "object" ? value : undefined;
    if (nested) for (const sub of Object.keys(nested)) paths.push(`${key}${Array.isArray(value) ? "[]" : ""}.${sub}`);
  }
  return paths.sort();
}

/** Ids in messages differ between runs (and are sanitized in recordings). */
function normalize(message: string): string {
  return message.replace(/\b8:acs:[\w-]+/g, "<rawId>").replace(/\b4:\+\d+/g, "<rawId>");
}

function byTime<T extends { time: string }>(events: T[]): T[] {
  return events.map((e, i) => [e, i] as const).sort(([a, i], [b, j]) => a.time.localeCompare(b.time) || i - j).map(([e]) => e);
}

function has(events: Array<{ type: string }>, type: string): boolean {
  return events.some((e) => e.type === type);
}

function sameMultiset(a: string[], b: string[]): boolean {
  return [...a].sort().join() === [...b].sort().join();
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => (seen.has(f.what) ? false : (seen.add(f.what), true)));
}
