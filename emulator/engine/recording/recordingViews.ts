import type { EngineContext } from "../context.js";
import { recordingState } from "./recordingEvents.js";
import { recordedDurationMs } from "./recordingFiles.js";

/** The recordings of a call as `GET /emulator/calls` lists them: state, settings and stored file. */
export function recordingsOfCall(ctx: EngineContext, serverCallId: string): Array<Record<string, unknown>> {
  return [...ctx.recordings.recordings.values()]
    .filter((r) => r.serverCallId === serverCallId)
    .map((r) => ({
      recordingId: r.recordingId,
      recordingState: recordingState(r),
      paused: r.paused,
      stopped: r.stopped,
      content: r.content,
      channel: r.channel,
      format: r.format,
      callbackUri: r.callbackUri,
      durationMs: r.stopped ? recordedDurationMs(r) : undefined,
      documentId: r.documentId,
      sessionEndReason: r.sessionEndReason,
    }));
}
