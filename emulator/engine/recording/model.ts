/** `RecordingContentType` of the spec. */
export type RecordingContent = "audio" | "audioVideo";
/** `RecordingChannelType` of the spec. */
export type RecordingChannel = "mixed" | "unmixed";
/** `RecordingFormatType` of the spec. */
export type RecordingFormat = "wav" | "mp3" | "mp4";
/** `RecordingState` of the spec: `active` while audio is being captured. */
export type RecordingState = "active" | "inactive";

/** A pause of a recording, from `pause` to `resume` (open while paused). */
export interface PauseInterval {
  startedAt: number;
  endedAt?: number;
}

/** Why a recording session ended, as `sessionEndReason` of RecordingFileStatusUpdated names it. */
export type SessionEndReason = "CallEnded" | "RecordingStopped";

/** A call recording: one per call at a time, from start to stop. */
export interface Recording {
  recordingId: string;
  serverCallId: string;
  correlationId: string;
  /** The app's connection whose events carry this recording, when there is one. */
  callConnectionId?: string;
  /** Where RecordingStateChanged and StartRecordingFailed go; none when neither a recordingStateCallbackUri nor a connection gives one. */
  callbackUri?: string;
  /** Set when the app named recordingStateCallbackUri: events go there even after its connection ended. */
  explicitCallbackUri: boolean;
  apiVersion: string;
  content: RecordingContent;
  channel: RecordingChannel;
  format: RecordingFormat;
  recordingKind: "azureCommunicationServices";
  /** True once the service began recording (RecordingStateChanged was sent). */
  started: boolean;
  /** True while the app has it paused (or it started paused). */
  paused: boolean;
  stopped: boolean;
  startedAt: number;
  stoppedAt?: number;
  pauses: PauseInterval[];
  /** rawIds in the call while recording, in channel order (channelAffinity first). */
  participants: string[];
  /** Channels the app pinned with channelAffinity: rawId → channel. */
  channelAffinity: Map<string, number>;
  /** The stored file's id, once the recording stopped. */
  documentId?: string;
  sessionEndReason?: SessionEndReason;
}

/** The stored result of a stopped recording: what RecordingFileStatusUpdated announces. */
export interface RecordingDocument {
  documentId: string;
  recording: Recording;
  /** Audio kept, in ms: the time between start and stop less the pauses. */
  durationMs: number;
  deleted: boolean;
}
