import { after, takeFault, type EngineContext } from "../context.js";
import { DuplicateRecordingError, InvalidArgumentError, NotFoundError, RecordingStateError } from "../errors.js";
import { resultInformation } from "../events.js";
import { rawIdFromModel } from "../identifiers.js";
import type { CallConnection, ServerCall } from "../model.js";
import type { Recording, RecordingChannel, RecordingContent, RecordingFormat, SessionEndReason } from "../recording/model.js";
import { emitRecordingStateChanged, emitStartRecordingFailed, publishRecordingFile, recordingState } from "../recording/recordingEvents.js";
import { RECORDING_FILE_DELAY_MS, recordedDurationMs } from "../recording/recordingFiles.js";
import { checkCallbackUri, optionalString } from "../validation.js";
import { connectedConnection } from "./participants.js";

/** The StartCallRecordingRequest fields callsim acts on. */
export interface StartRecordingRequest {
  callLocator?: { kind?: string; serverCallId?: string; groupCallId?: string; roomId?: string };
  callConnectionId?: string;
  recordingStateCallbackUri?: string;
  recordingContentType?: RecordingContent;
  recordingChannelType?: RecordingChannel;
  recordingFormatType?: RecordingFormat;
  channelAffinity?: Array<{ channel?: number; participant: unknown }>;
  audioChannelParticipantOrdering?: unknown[];
  pauseOnStart?: boolean;
  externalStorage?: unknown;
}

/**
 * Rule (documented by the Call Recording concept page): content, channel and format combine as
 * audioVideo+mixed+mp4, audio+mixed+mp3|wav, audio+unmixed+wav. Absent fields take the
 * service's defaults: audioVideo, mixed, mp4.
 */
export const RECORDING_COMBINATIONS: ReadonlyArray<[RecordingContent, RecordingChannel, RecordingFormat]> = [
  ["audioVideo", "mixed", "mp4"],
  ["audio", "mixed", "mp3"],
  ["audio", "mixed", "wav"],
  ["audio", "unmixed", "wav"],
];

/** The wire form of a recording (`RecordingStateResponse`). */
export interface RecordingStateResponse {
  recordingId: string;
  recordingState: "active" | "inactive";
  recordingKind: "azureCommunicationServices";
}

/**
 * Starts recording a call found by locator or callConnectionId. Answers 202 with the recording
 * `inactive`; RecordingStateChanged (or StartRecordingFailed) follows. A call records once at a
 * time: a second start is a 400 (8559, documented for duplicate StartRecording).
 * @see CallRecording_StartRecording
 */
export function startRecording(ctx: EngineContext, request: StartRecordingRequest, apiVersion: string): RecordingStateResponse {
  const { call, connection } = recordedCall(ctx, request);
  const content = request.recordingContentType ?? "audioVideo";
  const channel = request.recordingChannelType ?? "mixed";
  const format = request.recordingFormatType ?? (content === "audio" ? "wav" : "mp4");
  if (!RECORDING_COMBINATIONS.some(([c, ch, f]) => c === content && ch === channel && f === format)) {
    throw new InvalidArgumentError(
      "recordingFormatType",
      `Recording ${content} ${channel} as ${format} is not supported. Use one of: ${RECORDING_COMBINATIONS.map((c) => c.join("+")).join(", ")}.`,
    );
  }
  // Stryker disable next-line StringLiteral: a non-string recordingStateCallbackUri is refused by the spec's request validation with 400, naming it, before the engine runs (16-action-request-checks-more)
  const explicitCallbackUri = optionalString(request.recordingStateCallbackUri, "recordingStateCallbackUri");
  if (explicitCallbackUri !== undefined) checkCallbackUri(explicitCallbackUri, "recordingStateCallbackUri");
  const channelAffinity = readChannelAffinity(call, request.channelAffinity);
  const existing = ctx.recordings.liveOfCall(call.serverCallId);
  if (existing) throw new DuplicateRecordingError(call.serverCallId, existing.recordingId);
  const fault = takeFault(ctx, "startRecording");

  const now = ctx.clock.now();
  const pinned = [...channelAffinity.keys()];
  const recording: Recording = {
    recordingId: recordingIdFor(ctx),
    serverCallId: call.serverCallId,
    correlationId: call.correlationId,
    callConnectionId: connection?.callConnectionId,
    callbackUri: explicitCallbackUri ?? connection?.callbackUri,
    explicitCallbackUri: explicitCallbackUri !== undefined,
    apiVersion,
    content,
    channel,
    format,
    recordingKind: "azureCommunicationServices",
    started: false,
    paused: request.pauseOnStart === true,
    stopped: false,
    startedAt: now,
    pauses: request.pauseOnStart === true ? [{ startedAt: now }] : [],
    participants: participantOrder(call, pinned, request.audioChannelParticipantOrdering),
    channelAffinity,
  };
  ctx.recordings.recordings.set(recording.recordingId, recording);
  after(ctx, 0, () => {
    if (recording.stopped) return;
    if (fault) {
      recording.stopped = true;
      emitStartRecordingFailed(ctx, recording, resultInformation(fault.status, fault.subCode, fault.message));
      return;
    }
    recording.started = true;
    emitRecordingStateChanged(ctx, recording);
  }, `RecordingStateChanged ${recording.recordingId}`);
  return stateResponse(recording);
}

/** The recording's state now. @see CallRecording_GetRecordingProperties */
export function getRecordingState(ctx: EngineContext, recordingId: string): RecordingStateResponse {
  const recording = ctx.recordings.live(recordingId);
  takeFault(ctx, "getRecordingState");
  return stateResponse(recording);
}

/**
 * Pauses a recording; RecordingStateChanged `inactive` follows. Pausing a paused recording is
 * a 400 (8573, "pause/resume method not allowed"; assumed for this case).
 * @see CallRecording_PauseRecording
 */
export function pauseRecording(ctx: EngineContext, recordingId: string): void {
  const recording = ctx.recordings.live(recordingId);
  if (recording.paused) throw new RecordingStateError(`Recording ${recordingId} is already paused. Resume it, or stop it.`);
  takeFault(ctx, "pauseRecording");
  recording.paused = true;
  recording.pauses.push({ startedAt: ctx.clock.now() });
  after(ctx, 0, () => recording.started && !recording.stopped && emitRecordingStateChanged(ctx, recording), `RecordingStateChanged ${recordingId}`);
}

/** Resumes a paused recording; RecordingStateChanged `active` follows. @see CallRecording_ResumeRecording */
export function resumeRecording(ctx: EngineContext, recordingId: string): void {
  const recording = ctx.recordings.live(recordingId);
  if (!recording.paused) throw new RecordingStateError(`Recording ${recordingId} is not paused, so it cannot be resumed. Pause it first.`);
  takeFault(ctx, "resumeRecording");
  recording.paused = false;
  const open = recording.pauses[recording.pauses.length - 1];
  // Stryker disable next-line ConditionalExpression: a paused recording's last pause is always open (pauseOnStart or pause pushed it), so the check always holds.
  if (open && open.endedAt === undefined) open.endedAt = ctx.clock.now();
  after(ctx, 0, () => recording.started && !recording.stopped && emitRecordingStateChanged(ctx, recording), `RecordingStateChanged ${recordingId}`);
}

/** Stops a recording: RecordingStateChanged `inactive`, then its files through Event Grid. @see CallRecording_StopRecording */
export function stopRecording(ctx: EngineContext, recordingId: string): void {
  const recording = ctx.recordings.live(recordingId);
  takeFault(ctx, "stopRecording");
  finish(ctx, recording, "RecordingStopped");
}

/** A call that ends stops its recording (the files are announced as for a stop). */
export function stopCallRecording(ctx: EngineContext, call: ServerCall): void {
  const recording = ctx.recordings.liveOfCall(call.serverCallId);
  if (recording) finish(ctx, recording, "CallEnded");
}

function finish(ctx: EngineContext, recording: Recording, reason: SessionEndReason): void {
  const wasStarted = recording.started;
  // Whoever joined while it recorded is in the recording too. A live recording's call is stored:
  // a call's end stops its recording before the call is retired (endCall).
  for (const rawId of ctx.store.call(recording.serverCallId).participants.keys()) {
    if (!recording.participants.includes(rawId)) recording.participants.push(rawId);
  }
  recording.stopped = true;
  recording.stoppedAt = ctx.clock.now();
  recording.sessionEndReason = reason;
  // Stryker disable next-line ArithmeticOperator: an open last pause is read as ending at stoppedAt (recordedDurationMs, the metadata), so closing it here changes no output.
  const open = recording.pauses[recording.pauses.length - 1];
  // Stryker disable next-line ConditionalExpression: as above, an open last pause already reads as ending at stoppedAt.
  if (open && open.endedAt === undefined) open.endedAt = recording.stoppedAt;
  // A recording stopped before it began still confirms its end, so the app hears of it.
  if (wasStarted || reason === "RecordingStopped") emitRecordingStateChanged(ctx, recording);
  const document = { documentId: documentIdFor(ctx), recording, durationMs: recordedDurationMs(recording), deleted: false };
  recording.documentId = document.documentId;
  ctx.recordings.documents.set(document.documentId, document);
  after(ctx, RECORDING_FILE_DELAY_MS, () => publishRecordingFile(ctx, document), `RecordingFileStatusUpdated ${recording.recordingId}`);
}

/** Deletes a stored recording file (the deleteLocation). */
export function deleteRecordingFile(ctx: EngineContext, documentId: string): void {
  ctx.recordings.document(documentId).deleted = true;
}

function recordedCall(ctx: EngineContext, request: StartRecordingRequest): { call: ServerCall; connection?: CallConnection } {
  const locator = request.callLocator;
  if (locator && request.callConnectionId) {
    throw new InvalidArgumentError("callConnectionId", "Give either callLocator or callConnectionId, not both.");
  }
  // A null callConnectionId, which the spec check lets through, reads as none, as for the other optional fields.
  // Stryker disable next-line StringLiteral: a non-string callConnectionId is refused by the spec's request validation with 400, naming it, before the engine runs; an api-version without the field drops it (16-action-request-checks-more)
  const callConnectionId = optionalString(request.callConnectionId, "callConnectionId");
  if (callConnectionId !== undefined) {
    const connection = connectedConnection(ctx, callConnectionId);
    return { call: ctx.store.callOf(connection), connection };
  }
  if (!locator) throw new InvalidArgumentError("callLocator", "callLocator or callConnectionId is required: say which call to record.");
  let call: ServerCall | undefined;
  if (locator.kind === "roomCallLocator" || (locator.kind === undefined && locator.roomId)) {
    throw new InvalidArgumentError("callLocator.roomId", "A room locator is not supported for StartRecording. Use the call's serverCallId or a callConnectionId.");
  } else if (locator.kind === "groupCallLocator") {
    if (!locator.groupCallId) throw new InvalidArgumentError("callLocator.groupCallId", "callLocator.groupCallId is required for a groupCallLocator.");
    call = ctx.store.findByGroupCallId(locator.groupCallId);
  } else {
    if (!locator.serverCallId) throw new InvalidArgumentError("callLocator.serverCallId", "callLocator.serverCallId is required for a serverCallLocator.");
    const found = ctx.store.calls.get(locator.serverCallId);
    call = found && !found.ended ? found : undefined;
  }
  if (!call) throw new NotFoundError("No live call matches callLocator. Record a call that is in progress (GET /emulator/calls lists them).", "callLocator");
  const connection = ctx.store.liveConnections(call).find((c) => c.state === "connected");
  return { call, connection };
}

function readChannelAffinity(call: ServerCall, affinity: StartRecordingRequest["channelAffinity"]): Map<string, number> {
  const pinned = new Map<string, number>();
  (affinity ?? []).forEach((entry, index) => {
    const rawId = rawIdFromModel(entry.participant, `channelAffinity[${index}].participant`);
    const channel = entry.channel ?? index;
    if ([...pinned.values()].includes(channel)) {
      throw new InvalidArgumentError(`channelAffinity[${index}].channel`, `Channel ${channel} is given to two participants; give each participant its own channel (0 to 4).`);
    }
    if (!call.participants.has(rawId)) {
      throw new InvalidArgumentError(`channelAffinity[${index}].participant`, `Participant ${rawId} is not in the call; channelAffinity may only name the call's participants.`);
    }
    pinned.set(rawId, channel);
  });
  return pinned;
}

/** Channel order: channelAffinity's participants, then audioChannelParticipantOrdering's, then the rest as they joined. */
function participantOrder(call: ServerCall, pinned: string[], ordering: unknown[] | undefined): string[] {
  const ordered = (ordering ?? []).map((model, index) => rawIdFromModel(model, `audioChannelParticipantOrdering[${index}]`));
  const order = [...pinned];
  for (const rawId of [...ordered, ...call.participants.keys()]) if (call.participants.has(rawId) && !order.includes(rawId)) order.push(rawId);
  return order;
}

function stateResponse(recording: Recording): RecordingStateResponse {
  return { recordingId: recording.recordingId, recordingState: recordingState(recording), recordingKind: recording.recordingKind };
}

/** Base64 of `{"PlatformEndpointId","ResourceSpecificId"}`, the shape of the spec's example recordingId. */
function recordingIdFor(ctx: EngineContext): string {
  const json = JSON.stringify({ PlatformEndpointId: ctx.ids.uuid(), ResourceSpecificId: ctx.ids.uuid() });
  let binary = "";
  for (const byte of new TextEncoder().encode(json)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** `0-<region>-d<n>-<32 hex>`, the shape of recorded documentIds. */
function documentIdFor(ctx: EngineContext): string {
  return `0-cs-d1-${ctx.ids.uuid().replace(/-/g, "")}`;
}
