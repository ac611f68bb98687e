import type { Engine } from "../engine/engine.js";

/** What a Call Automation handler gets: the parsed request, the engine and where it was reached. */
export interface OperationInput {
  engine: Engine;
  body: any;
  params: string[];
  query: URLSearchParams;
  apiVersion: string;
  /** `http(s)://host[:port]` the client used, for links in responses. */
  baseUrl: string;
  participantsPageSize: number;
}

/** A handler's answer: status and JSON body (none for 204). */
export interface OperationResult {
  status: number;
  body?: unknown;
}

/** One REST operation of the 2026-03-12 spec that callsim serves. */
export interface Operation {
  operationId: string;
  method: "GET" | "POST" | "DELETE";
  pattern: RegExp;
  /** Declares Repeatability-* headers in the spec. */
  repeatable: boolean;
  /** Whether a JSON body is part of the request. */
  hasBody: boolean;
  handle(input: OperationInput): OperationResult;
}

const ID = "([^/:]+)";
const CONNECTION = `^/calling/callConnections/${ID}`;
const RECORDING = `^/calling/recordings/${ID}`;

/**
 * The call-control operations, each a pattern and a few lines that call the engine.
 * @see reference/callautomation/CONTRACT.md §3
 */
export const OPERATIONS: Operation[] = [
  op("CreateCall", "POST", "^/calling/callConnections$", true, true, ({ engine, body, apiVersion }) => ({ status: 201, body: engine.createCall(body, apiVersion) })),
  op("AnswerCall", "POST", "^/calling/callConnections:answer$", true, true, ({ engine, body, apiVersion }) => ({ status: 200, body: engine.answerCall(body, apiVersion) })),
  op("RedirectCall", "POST", "^/calling/callConnections:redirect$", true, true, ({ engine, body }) => (engine.redirectCall(body), { status: 204 })),
  op("RejectCall", "POST", "^/calling/callConnections:reject$", true, true, ({ engine, body }) => (engine.rejectCall(body), { status: 204 })),
  op("Connect", "POST", "^/calling/callConnections:connect$", true, true, ({ engine, body, apiVersion }) => ({ status: 200, body: engine.connectCall(body, apiVersion) })),
  op("CallConnection_GetCall", "GET", `${CONNECTION}$`, false, false, ({ engine, params }) => ({ status: 200, body: engine.getCall(params[0]) })),
  op("CallConnection_HangupCall", "DELETE", `${CONNECTION}$`, false, false, ({ engine, params }) => (engine.hangUp(params[0]), { status: 204 })),
  op("CallConnection_TerminateCall", "POST", `${CONNECTION}:terminate$`, true, false, ({ engine, params }) => (engine.terminateCall(params[0]), { status: 204 })),
  op("CallConnection_TransferToParticipant", "POST", `${CONNECTION}:transferToParticipant$`, true, true, ({ engine, params, body }) => ({
    status: 202,
    body: engine.transferToParticipant(params[0], body),
  })),
  op("CallConnection_GetParticipants", "GET", `${CONNECTION}/participants$`, false, false, listParticipants),
  op("CallConnection_AddParticipant", "POST", `${CONNECTION}/participants:add$`, true, true, ({ engine, params, body }) => ({ status: 202, body: engine.addParticipant(params[0], body) })),
  op("CallConnection_RemoveParticipant", "POST", `${CONNECTION}/participants:remove$`, true, true, ({ engine, params, body }) => ({
    status: 202,
    body: engine.removeParticipant(params[0], body),
  })),
  op("CallConnection_Mute", "POST", `${CONNECTION}/participants:mute$`, true, true, ({ engine, params, body }) => ({ status: 200, body: engine.muteParticipants(params[0], body) })),
  op("CallConnection_CancelAddParticipant", "POST", `${CONNECTION}/participants:cancelAddParticipant$`, true, true, ({ engine, params, body }) => ({
    status: 202,
    body: engine.cancelAddParticipant(params[0], body),
  })),
  op("CallConnection_MoveParticipants", "POST", `${CONNECTION}/participants:moveHere$`, true, true, ({ engine, params, body }) => ({
    status: 202,
    body: engine.moveParticipants(params[0], body),
  })),
  op("CallConnection_GetParticipant", "GET", `${CONNECTION}/participants/([^/]+)$`, false, false, ({ engine, params }) => ({
    status: 200,
    body: engine.getParticipant(params[0], params[1]),
  })),
  op("CallRecording_StartRecording", "POST", "^/calling/recordings$", true, true, ({ engine, body, apiVersion }) => ({ status: 202, body: engine.startRecording(body, apiVersion) })),
  op("CallRecording_GetRecordingProperties", "GET", `${RECORDING}$`, false, false, ({ engine, params }) => ({ status: 200, body: engine.getRecordingState(params[0]) })),
  op("CallRecording_StopRecording", "DELETE", `${RECORDING}$`, false, false, ({ engine, params }) => (engine.stopRecording(params[0]), { status: 204 })),
  op("CallRecording_PauseRecording", "POST", `${RECORDING}:pause$`, false, false, ({ engine, params }) => (engine.pauseRecording(params[0]), { status: 202 })),
  op("CallRecording_ResumeRecording", "POST", `${RECORDING}:resume$`, false, false, ({ engine, params }) => (engine.resumeRecording(params[0]), { status: 202 })),
  ...mediaOperations(),
];

/** The CallMedia operations: 202 with no body, except where the spec says 200 or a body. */
function mediaOperations(): Operation[] {
  const media = (operationId: string, action: string, status: number, call: (engine: Engine, id: string, body: any) => unknown, repeatable = false): Operation =>
    // A handler's undefined result is an answer with no body (toResponse).
    op(`CallMedia_${operationId}`, "POST", `${CONNECTION}:${action}$`, repeatable, operationId !== "CancelAllMediaOperations", ({ engine, params, body }) => ({
      status,
      body: call(engine, params[0], body ?? {}),
    }));
  return [
    media("Play", "play", 202, (e, id, body) => e.media.play(id, body)),
    media("Recognize", "recognize", 202, (e, id, body) => e.media.recognize(id, body)),
    media("CancelAllMediaOperations", "cancelAllMediaOperations", 202, (e, id) => e.media.cancelAllMediaOperations(id)),
    media("StartContinuousDtmfRecognition", "startContinuousDtmfRecognition", 200, (e, id, body) => e.media.startContinuousDtmfRecognition(id, body)),
    media("StopContinuousDtmfRecognition", "stopContinuousDtmfRecognition", 200, (e, id, body) => e.media.stopContinuousDtmfRecognition(id, body)),
    media("SendDtmfTones", "sendDtmfTones", 202, (e, id, body) => e.media.sendDtmfTones(id, body), true),
    media("Hold", "hold", 200, (e, id, body) => e.media.hold(id, body)),
    media("Unhold", "unhold", 200, (e, id, body) => e.media.unhold(id, body)),
    media("StartTranscription", "startTranscription", 202, (e, id, body) => e.media.startTranscription(id, body)),
    media("StopTranscription", "stopTranscription", 202, (e, id, body) => e.media.stopTranscription(id, body)),
    media("UpdateTranscription", "updateTranscription", 202, (e, id, body) => e.media.updateTranscription(id, body)),
    media("StartMediaStreaming", "startMediaStreaming", 202, (e, id, body) => e.media.startMediaStreaming(id, body)),
    media("StopMediaStreaming", "stopMediaStreaming", 202, (e, id, body) => e.media.stopMediaStreaming(id, body)),
  ];
}

function listParticipants({ engine, params, query, apiVersion, baseUrl, participantsPageSize }: OperationInput): OperationResult {
  const skip = Math.max(0, Number.parseInt(query.get("skip") ?? "0", 10) || 0);
  const page = engine.listParticipants(params[0], skip, participantsPageSize);
  const body: { value: unknown[]; nextLink?: string } = { value: page.value };
  if (page.more) {
    const next = new URLSearchParams({ "api-version": apiVersion, skip: String(skip + participantsPageSize) });
    body.nextLink = `${baseUrl}/calling/callConnections/${encodeURIComponent(params[0])}/participants?${next}`;
  }
  return { status: 200, body };
}

function op(
  operationId: string,
  method: Operation["method"],
  pattern: string,
  repeatable: boolean,
  hasBody: boolean,
  handle: Operation["handle"],
): Operation {
  return { operationId, method, pattern: new RegExp(pattern), repeatable, hasBody, handle };
}
