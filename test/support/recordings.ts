import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Where the recordings live (contracts/recordings, see its README). */
export const RECORDINGS_DIR = fileURLToPath(new URL("../../contracts/recordings/", import.meta.url));

/** One recorded callback event, its leg labelled by first appearance (A, B, …). */
export interface RecordedEvent {
  leg: string;
  /** Without the `Microsoft.Communication.` prefix. */
  type: string;
  time: string;
  data: Record<string, any>;
  /** The event belongs to another call than the recording's IncomingCall (a leftover of an earlier run). */
  foreign: boolean;
}

/** A recording read into one shape, whatever its stored form. */
export interface Recording {
  /** `Class/Test`, e.g. `CallConnectionAutomatedLiveTests/RemoveAUserCallTest`. */
  name: string;
  provenance: { repo: string; path: string; commit: string; form: string };
  incomingCalls: Array<Record<string, any>>;
  /** The call's events, in the order the recorder got them. */
  events: RecordedEvent[];
  /** The API version the events carry. */
  version?: string;
}

interface Provenance {
  repo: string;
  recordings: Record<string, { path: string; commit: string; form: string }>;
}

const SANITIZED_ACS = { rawId: "Sanitized", kind: "communicationUser", communicationUser: { id: "Sanitized" } };

/** Every recording named in provenance.json, by name. */
export function recordingNames(): string[] {
  return Object.keys(provenance().recordings).map((file) => file.replace(/\.json$/, ""));
}

/** Reads a recording by name (`Class/Test`). */
export function loadRecording(name: string): Recording {
  const index = provenance();
  const entry = index.recordings[`${name}.json`];
  if (!entry) throw new Error(`${name} is not in contracts/recordings/provenance.json`);
  const stored = JSON.parse(readFileSync(`${RECORDINGS_DIR}${name}.json`, "utf8"));
  const raw = stored.transcribed === "events" ? expandTranscribed(stored) : unwrapVerbatim(stored);
  const incomingCalls = raw.filter((r): r is { incomingCall: Record<string, any> } => "incomingCall" in r).map((r) => r.incomingCall);
  const callId = incomingCalls[0]?.serverCallId;
  const labels = new Map<string, string>();
  const events: RecordedEvent[] = [];
  for (const item of raw) {
    if (!("event" in item)) continue;
    const { type, time, data } = item.event;
    const foreign = callId !== undefined && data.serverCallId !== callId;
    if (!foreign && !labels.has(data.callConnectionId)) labels.set(data.callConnectionId, String.fromCharCode(65 + labels.size));
    events.push({ leg: foreign ? "-" : labels.get(data.callConnectionId)!, type: type.replace(/^Microsoft\.Communication\./, ""), time, data, foreign });
  }
  const version = events.find((e) => !e.foreign)?.data.version;
  return { name, provenance: { repo: index.repo, path: entry.path, commit: entry.commit, form: entry.form }, incomingCalls, events, version };
}

type RawItem = { incomingCall: Record<string, any> } | { event: { type: string; time: string; data: Record<string, any> } };

/** The Service Bus form: each entry's `body` is an IncomingCall data object or an array of CloudEvents. */
function unwrapVerbatim(stored: { entries: Array<{ body: string }> }): RawItem[] {
  return stored.entries.flatMap((entry): RawItem[] => {
    const body = JSON.parse(entry.body);
    if (!Array.isArray(body)) return [{ incomingCall: body }];
    return body.map((e: any) => ({ event: { type: e.type, time: e.time, data: e.data } }));
  });
}

/** The transcribed form: placeholders stand for the values the file names once. */
function expandTranscribed(stored: any): RawItem[] {
  return stored.entries.map((entry: any): RawItem => {
    if (entry.incomingCall) return { incomingCall: expand(entry.incomingCall, stored, undefined, undefined) };
    const type = `Microsoft.Communication.${entry.type}`;
    return { event: { type, time: entry.time, data: expand(entry.data, stored, stored.legs[entry.leg], type) } };
  });
}

function expand(value: any, stored: any, leg: string | undefined, type: string | undefined): any {
  if (Array.isArray(value)) return value.map((v) => expand(v, stored, leg, type));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v, stored, leg, type)]));
  switch (value) {
    case "$serverCallId":
      return stored.serverCallId;
    case "$correlationId":
      return stored.correlationId;
    case "$leg":
      return leg;
    case "$type":
      return type;
    case "$acsUser":
      return { ...SANITIZED_ACS, communicationUser: { ...SANITIZED_ACS.communicationUser } };
    default:
      return value;
  }
}

let cached: Provenance | undefined;
function provenance(): Provenance {
  return (cached ??= JSON.parse(readFileSync(`${RECORDINGS_DIR}provenance.json`, "utf8")));
}
