import { formatEventTime } from "../clock.js";
import { sendCallbackEvent, type EngineContext } from "../context.js";
import { buildCallbackEvent, connectionEventSource, RESULT_OK, type CallbackEventName, type EventEnvelope, type ResultInformation } from "../events.js";
import type { RecordingDocument, Recording } from "./model.js";
import { recordingChunk } from "./recordingFiles.js";

/**
 * Sends a recording event to the recording's callback: its recordingStateCallbackUri, else the
 * callbackUri of the connection it was started through. Nothing follows that connection's
 * CallDisconnected unless the app named a recordingStateCallbackUri of its own.
 */
function emitRecordingEvent(ctx: EngineContext, recording: Recording, name: CallbackEventName, fields: Record<string, unknown>): void {
  if (!recording.callbackUri) return;
  const connection = recording.callConnectionId ? ctx.store.connections.get(recording.callConnectionId) : undefined;
  if (connection?.disconnectedEmitted && !recording.explicitCallbackUri) return;
  // The envelope needs only the ids and version of a connection; a locator start may have none.
  const envelope: EventEnvelope = {
    callConnectionId: recording.callConnectionId ?? "",
    serverCallId: recording.serverCallId,
    correlationId: recording.correlationId,
    apiVersion: recording.apiVersion,
    // Rule (assumed): without a connection the event names the recording (the 2022 SDK literal's shape).
    eventSource: recording.callConnectionId ? connectionEventSource(recording.callConnectionId) : `calling/recordings/${recording.recordingId}`,
  };
  const event = buildCallbackEvent(name, envelope, fields, ctx.ids.uuid(), ctx.clock.now());
  sendCallbackEvent(ctx, event, name, envelope, recording.callbackUri);
}

/** RecordingStateChanged with the recording's state as it is now. */
export function emitRecordingStateChanged(ctx: EngineContext, recording: Recording): void {
  emitRecordingEvent(ctx, recording, "RecordingStateChanged", {
    recordingId: recording.recordingId,
    state: recordingState(recording),
    startDateTime: formatEventTime(recording.startedAt),
    recordingKind: recording.recordingKind,
    resultInformation: RESULT_OK,
  });
}

/** StartRecordingFailed: the service accepted the start but could not record. */
export function emitStartRecordingFailed(ctx: EngineContext, recording: Recording, result: ResultInformation): void {
  emitRecordingEvent(ctx, recording, "StartRecordingFailed", { recordingId: recording.recordingId, resultInformation: result });
}

/** `active` while the service captures audio: started, not paused, not stopped. */
export function recordingState(recording: Recording): "active" | "inactive" {
  return recording.started && !recording.paused && !recording.stopped ? "active" : "inactive";
}

/** Publishes Microsoft.Communication.RecordingFileStatusUpdated to Event Grid for a stored file. */
export function publishRecordingFile(ctx: EngineContext, document: RecordingDocument): void {
  const { recording } = document;
  const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  ctx.eventGrid.publish(
    "RecordingFileStatusUpdated",
    `/recording/call/${recording.correlationId}/serverCallId/${recording.serverCallId}/recordingId/${recording.recordingId}`,
    {
      recordingStorageInfo: { recordingChunks: [recordingChunk(document, ctx.recordings.storageOrigin)] },
      recordingStartTime: formatEventTime(recording.startedAt),
      recordingDurationMs: document.durationMs,
      recordingContentType: capital(recording.content),
      recordingChannelType: capital(recording.channel),
      recordingFormatType: capital(recording.format),
      sessionEndReason: recording.sessionEndReason,
    },
    recording.serverCallId,
  );
}
