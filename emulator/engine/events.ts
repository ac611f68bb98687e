import { formatEventTime } from "./clock.js";
import { toIdentifierModel, type IdentifierModel } from "./identifiers.js";
import type { CallConnection, Participant } from "./model.js";

/** Callback event names (without the `Microsoft.Communication.` prefix) callsim emits. */
export type CallbackEventName =
  | "CallConnected"
  | "CallDisconnected"
  | "CreateCallFailed"
  | "AnswerFailed"
  | "ConnectFailed"
  | "CallTransferAccepted"
  | "CallTransferFailed"
  | "AddParticipantSucceeded"
  | "AddParticipantFailed"
  | "RemoveParticipantSucceeded"
  | "RemoveParticipantFailed"
  | "CancelAddParticipantSucceeded"
  | "CancelAddParticipantFailed"
  | "MoveParticipantSucceeded"
  | "MoveParticipantFailed"
  | "ParticipantsUpdated"
  | "RecordingStateChanged"
  | "StartRecordingFailed"
  | "PlayStarted"
  | "PlayCompleted"
  | "PlayFailed"
  | "PlayCanceled"
  | "RecognizeCompleted"
  | "RecognizeFailed"
  | "RecognizeCanceled"
  | "ContinuousDtmfRecognitionToneReceived"
  | "ContinuousDtmfRecognitionToneFailed"
  | "ContinuousDtmfRecognitionStopped"
  | "SendDtmfTonesCompleted"
  | "SendDtmfTonesFailed"
  | "HoldFailed"
  | "TranscriptionStarted"
  | "TranscriptionStopped"
  | "TranscriptionUpdated"
  | "TranscriptionFailed"
  | "MediaStreamingStarted"
  | "MediaStreamingStopped"
  | "MediaStreamingFailed";

/** The prefix of every Call Automation event type. */
export const EVENT_TYPE_PREFIX = "Microsoft.Communication.";

const FULL_EVENT_TYPES = new Map<string, string>();

/** `Microsoft.Communication.<name>`, made once per name and shared by every event of that type. */
function fullEventType(name: CallbackEventName): string {
  let type = FULL_EVENT_TYPES.get(name);
  // Stryker disable next-line ConditionalExpression: storing the same text again changes nothing but the memory it saves
  if (type === undefined) FULL_EVENT_TYPES.set(name, (type = EVENT_TYPE_PREFIX + name));
  return type;
}

/** `ResultInformation` of the spec. */
export interface ResultInformation {
  code: number;
  subCode: number;
  message: string;
}

/**
 * Builds a ResultInformation. Real failure and disconnect messages end with
 * `DiagCode: <code>#<subCode>.@`, where a 2xx code is written as 0 (REC-NET recordings).
 */
export function resultInformation(code: number, subCode: number, message: string, diag = true): ResultInformation {
  if (!diag) return { code, subCode, message };
  const diagCode = code >= 200 && code < 300 ? 0 : code;
  return { code, subCode, message: `${message} DiagCode: ${diagCode}#${subCode}.@` };
}

const NOTES = new WeakMap<ResultInformation, string>();

/**
 * Attaches an explanation to a result: the event keeps the service's message verbatim, and
 * the explanation goes to the event log (`GET /emulator/events`, `note`), where users look.
 */
export function withNote(result: ResultInformation, note: string): ResultInformation {
  NOTES.set(result, note);
  return result;
}

/** The explanation attached to a result, if any. */
export function noteOf(result: unknown): string | undefined {
  // WeakMap.get answers undefined for a key that is no object, so any value may be asked about.
  return NOTES.get(result as ResultInformation);
}

/** Success with an empty message, as CallConnected and ParticipantsUpdated carry it. */
export const RESULT_OK: ResultInformation = { code: 200, subCode: 0, message: "" };

/** A CloudEvents 1.0 event as callsim POSTs it (inside a one-element JSON array). */
export interface CallbackCloudEvent {
  id: string;
  source: string;
  type: string;
  data: Record<string, unknown>;
  time: string;
  specversion: "1.0";
  datacontenttype: "application/json";
  subject: string;
}

/** The `source` and `subject` of a call connection's events. */
export function connectionEventSource(callConnectionId: string): string {
  return `calling/callConnections/${callConnectionId}`;
}

/** What an event's envelope and common data take from its connection. */
export type EventEnvelope = Pick<CallConnection, "callConnectionId" | "serverCallId" | "correlationId" | "apiVersion" | "eventSource">;

/**
 * Builds a callback event for `connection`, in the envelope of the 2025 recordings:
 * `source` and `subject` name the connection, `data` carries the common ids plus the
 * `version` and `publicEventType` that real payloads have although the spec does not.
 */
export function buildCallbackEvent(
  name: CallbackEventName,
  connection: EventEnvelope,
  fields: Record<string, unknown>,
  id: string,
  now: number,
): CallbackCloudEvent {
  const type = fullEventType(name);
  const source = connection.eventSource;
  // One object, filled in the order the fields appear on the wire; unset fields left out.
  const data: Record<string, unknown> = { version: connection.apiVersion };
  for (const key in fields) if (fields[key] !== undefined) data[key] = fields[key];
  data.callConnectionId = connection.callConnectionId;
  data.serverCallId = connection.serverCallId;
  data.correlationId = connection.correlationId;
  data.publicEventType = type;
  return { id, source, type, data, time: formatEventTime(now), specversion: "1.0", datacontenttype: "application/json", subject: source };
}

/** The wire form of a participant (`CallParticipant`). */
export function participantModel(participant: Participant): { identifier: IdentifierModel; isMuted: boolean; isOnHold: boolean } {
  return { identifier: toIdentifierModel(participant.rawId), isMuted: participant.isMuted, isOnHold: participant.isOnHold };
}

