import type { TimerHandle } from "../clock.js";
import type { CallConnection } from "../model.js";

/** A play or recognize operation in a call connection's media queue. */
export interface MediaOperation {
  kind: "play" | "recognize";
  operationContext?: string;
  /** operationCallbackUri, else the connection's callbackUri. */
  callbackUri?: string;
  /** Participants it plays to or listens to; empty means everyone. */
  targets: string[];
  state: "queued" | "running" | "done";
  /** Timers of the running operation, cancelled when it ends early. */
  timers: TimerHandle[];
  /** Starts the operation (called when it reaches the head of the queue). */
  start(): void;
  /** Sends its *Canceled event; the queue has already dropped it. */
  canceled(): void;
  /** Undoes what it did to the call, without events for its own leg: the leg has ended. */
  stopped?(): void;
  /** Set on a recognition: hands it live input from its target participant. */
  listener?: InputListener;
}

/** Something a recognition can hear. */
export type HeardInput = { dtmf: string[] } | { speech: string };

/** A recognition's ear on one participant. */
export interface InputListener {
  target: string;
  /** Takes live input; false when the recognition is not listening (yet) or cannot hear that kind. */
  hear(input: HeardInput): boolean;
}

/** A continuous DTMF recognition on one participant. */
export interface ContinuousDtmf {
  operationContext?: string;
  callbackUri?: string;
  /** The sequenceId of the last ToneReceived (1 for the first tone). */
  sequenceId: number;
}

/** A transcription or media-streaming subscription of a call connection. */
export interface StreamingSubscription {
  /** Set when the call was created, answered or connected with its options. */
  configured: boolean;
  /** The options asked for it to start once the call is connected (`startTranscription`, `startMediaStreaming`). */
  startOnConnect?: boolean;
  state: "inactive" | "active";
  locale?: string;
  /** The subscription's id in CallConnectionProperties, drawn when the call was set up with its options. */
  id?: string;
  /** Transcription only: `final`, and `intermediate` when the options enabled intermediate results. */
  resultTypes?: Array<"final" | "intermediate">;
}

/** Everything the media side of one call connection holds. */
export interface ConnectionMedia {
  /** Play and recognize operations, run one at a time in order; the head is running. */
  queue: MediaOperation[];
  /** Continuous DTMF recognitions by participant rawId. */
  continuousDtmf: Map<string, ContinuousDtmf>;
  transcription: StreamingSubscription;
  mediaStreaming: StreamingSubscription;
}

// Keyed by the connection object, so a reset (which drops every connection) drops its media too.
const media = new WeakMap<CallConnection, ConnectionMedia>();

/** The media state of `connection`, created on first use. */
export function mediaOf(connection: CallConnection): ConnectionMedia {
  let state = media.get(connection);
  if (!state) {
    state = {
      queue: [],
      continuousDtmf: new Map(),
      transcription: { configured: false, state: "inactive" },
      mediaStreaming: { configured: false, state: "inactive" },
    };
    media.set(connection, state);
  }
  return state;
}

/** A connection's media state if any media action or option has made one; `undefined` otherwise. */
export function existingMedia(connection: CallConnection): ConnectionMedia | undefined {
  return media.get(connection);
}

/**
 * Records whether a call was set up with transcriptionOptions / mediaStreamingOptions
 * (CreateCall, AnswerCall, Connect): the start operations need them, and the call's
 * properties show each as a subscription with an id drawn from `newId`.
 */
export function configureMedia(connection: CallConnection, request: { [field: string]: unknown }, newId: () => string): void {
  const transcription = request.transcriptionOptions as { locale?: unknown; startTranscription?: unknown; enableIntermediateResults?: unknown } | undefined;
  const streaming = request.mediaStreamingOptions as { startMediaStreaming?: unknown } | undefined;
  // Most calls use no media at all: their media state is made when a media action first needs it.
  if (!transcription && !streaming) return;
  const state = mediaOf(connection);
  // transcriptionOptions of null passes the spec check and reads as not given (16-media-requests).
  if (
    transcription &&
    // Stryker disable next-line ConditionalExpression: the spec's request validation refuses transcriptionOptions that is not an object before the engine reads it (test/regressions/16-media-null-fields.test.ts)
    typeof transcription === "object"
  ) {
    state.transcription.configured = true;
    state.transcription.id = newId();
    state.transcription.resultTypes = transcription.enableIntermediateResults === true ? ["final", "intermediate"] : ["final"];
    state.transcription.startOnConnect = transcription.startTranscription === true;
    if (typeof transcription.locale === "string") state.transcription.locale = transcription.locale;
  }
  // mediaStreamingOptions of null passes the spec check and reads as not given (16-media-requests).
  if (
    streaming &&
    // Stryker disable next-line ConditionalExpression: the spec's request validation refuses mediaStreamingOptions that is not an object before the engine reads it (test/regressions/16-media-null-fields.test.ts)
    typeof streaming === "object"
  ) {
    state.mediaStreaming.configured = true;
    state.mediaStreaming.id = newId();
    state.mediaStreaming.startOnConnect = streaming.startMediaStreaming === true;
  }
}

/** A connection's media as `GET /emulator/calls` shows it. */
export interface MediaView {
  /** Play and recognize operations in order: the first is running, the rest wait for it. */
  operations: Array<{ kind: MediaOperation["kind"]; state: MediaOperation["state"]; operationContext?: string; targets: string[] }>;
  /** Continuous DTMF recognitions, with how many tones each has reported so far. */
  continuousDtmf: Array<{ participant: string; operationContext?: string; tonesReceived: number }>;
  transcription: { state: StreamingSubscription["state"]; locale?: string };
  mediaStreaming: { state: StreamingSubscription["state"] };
}

/**
 * What is playing, listening and streaming on `connection`, for the control plane: an IVR
 * test can see why a prompt has not finished or a key went unheard. `undefined` for a
 * connection no media action or option has touched.
 */
export function mediaView(connection: CallConnection): MediaView | undefined {
  const state = existingMedia(connection);
  if (!state) return undefined;
  return {
    operations: state.queue.map((operation) => ({ kind: operation.kind, state: operation.state, operationContext: operation.operationContext, targets: [...operation.targets] })),
    continuousDtmf: [...state.continuousDtmf].map(([participant, recognition]) => ({ participant, operationContext: recognition.operationContext, tonesReceived: recognition.sequenceId })),
    transcription: { state: state.transcription.state, locale: state.transcription.locale },
    mediaStreaming: { state: state.mediaStreaming.state },
  };
}
