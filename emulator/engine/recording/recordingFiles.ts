import { formatEventTime } from "../clock.js";
import type { EngineContext } from "../context.js";
import { encodeWav, RECORDING_SAMPLE_RATE } from "./wav.js";
import type { Recording, RecordingDocument } from "./model.js";

/**
 * Rule (assumed): recording files live at `https://callsim.asm.skype.com/v1/objects/{documentId}`,
 * the path shape of the service's recording storage (`…/content/audio`, `…/content/acsmetadata`).
 * The SDK's download and delete methods only accept `*.asm.skype.com` hosts, so this host is one
 * they accept; callsim serves the same paths on its own endpoint too.
 */
export const DEFAULT_RECORDING_STORAGE_ORIGIN = "https://callsim.asm.skype.com";

/** Rule (assumed): the files are announced this long after the recording stops (the service takes longer). */
export const RECORDING_FILE_DELAY_MS = 0;

/** The file part a location names: the audio (or audioVideo) content, or its metadata. */
export type RecordingFilePart = "audio" | "video" | "acsmetadata";

/** Channels of an unmixed recording: the pinned ones (channelAffinity), then the lowest free one for each other participant, at most {@link MAX_UNMIXED_CHANNELS}. */
export function channelAssignment(recording: Recording): Map<string, number> {
  const assigned = new Map(recording.channelAffinity);
  let next = 0;
  for (const rawId of recording.participants) {
    if (assigned.has(rawId)) continue;
    while ([...assigned.values()].includes(next)) next++;
    assigned.set(rawId, Math.min(next, MAX_UNMIXED_CHANNELS - 1));
  }
  return assigned;
}

/** The spec bounds ChannelAffinity.channel to 0..4. */
export const MAX_UNMIXED_CHANNELS = 5;

/** Audio channels of a recording: one when mixed; one per channel in use (up to 5) when unmixed. */
export function recordingChannels(recording: Recording): number {
  if (recording.channel === "mixed") return 1;
  return Math.min(MAX_UNMIXED_CHANNELS, Math.max(1, ...[...channelAssignment(recording).values()].map((c) => c + 1)));
}

/** `recordingStorageInfo.recordingChunks[]` of RecordingFileStatusUpdated: one chunk per recording. */
export function recordingChunk(document: RecordingDocument, origin: string): Record<string, unknown> {
  const object = `${origin}/v1/objects/${document.documentId}`;
  return {
    documentId: document.documentId,
    index: 0,
    endReason: "SessionEnded",
    contentLocation: `${object}/content/${document.recording.content === "audioVideo" ? "video" : "audio"}`,
    metadataLocation: `${object}/content/acsmetadata`,
    deleteLocation: object,
  };
}

/** The recording's metadata document, in the shape the service stores next to each chunk. */
export function recordingMetadata(ctx: EngineContext, document: RecordingDocument): Record<string, unknown> {
  const { recording } = document;
  const channels = recordingChannels(recording);
  const assignment = channelAssignment(recording);
  return {
    resourceId: ctx.resourceId,
    callId: recording.correlationId,
    chunkDocumentId: document.documentId,
    chunkIndex: 0,
    chunkStartTime: formatEventTime(recording.startedAt),
    chunkDuration: document.durationMs,
    pauseResumeIntervals: recording.pauses.map((p) => ({ startTime: formatEventTime(p.startedAt), duration: (p.endedAt ?? recording.stoppedAt ?? p.startedAt) - p.startedAt })),
    recordingInfo: {
      contentType: recording.content,
      channelType: recording.channel,
      format: recording.format,
      audioConfiguration: { sampleRate: RECORDING_SAMPLE_RATE, bitRate: RECORDING_SAMPLE_RATE * 16 * channels, channels },
      ...(recording.content === "audioVideo" ? { videoConfiguration: { longerSideLength: 1920, shorterSideLength: 1080, framerate: 8, bitRate: 1_000_000 } } : {}),
    },
    participants: recording.participants.map((participantId) =>
      recording.channel === "unmixed" ? { participantId, channel: assignment.get(participantId) } : { participantId },
    ),
  };
}

/**
 * The bytes of a file part. Rule (assumed): every format is served as WAV (RIFF, PCM 16 kHz),
 * also for mp3 and mp4, since callsim carries no audio codec; the content type says so.
 */
export function recordingFileContent(ctx: EngineContext, document: RecordingDocument, part: RecordingFilePart): { contentType: string; bytes: Uint8Array } {
  if (part === "acsmetadata") {
    return { contentType: "application/json", bytes: new TextEncoder().encode(JSON.stringify(recordingMetadata(ctx, document))) };
  }
  return { contentType: "audio/wav", bytes: encodeWav(document.durationMs, recordingChannels(document.recording)) };
}

/** Audio kept by a stopped recording: start to stop, less the pauses. */
export function recordedDurationMs(recording: Recording): number {
  const end = recording.stoppedAt ?? recording.startedAt;
  const paused = recording.pauses.reduce((sum, p) => sum + ((p.endedAt ?? end) - p.startedAt), 0);
  return Math.max(0, end - recording.startedAt - paused);
}
