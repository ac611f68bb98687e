import { after, takeFault, type EngineContext } from "../context.js";
import { InvalidCallStateError, MissingConfigurationError } from "../errors.js";
import { resultInformation } from "../events.js";
import type { FaultableAction } from "../faults.js";
import type { CallConnection } from "../model.js";
import { optionalString, resultDestination } from "../validation.js";
import { ACTION_COMPLETED } from "./mediaResults.js";
import { emitMedia } from "./mediaQueue.js";
import { existingMedia, mediaOf, type StreamingSubscription } from "./mediaState.js";
import { mediaConnection } from "./mediaTargets.js";

/** Start/Stop/UpdateTranscription and Start/StopMediaStreaming requests. */
export interface StreamingRequest {
  locale?: string;
  speechModelEndpointId?: string;
  operationContext?: string;
  operationCallbackUri?: string;
}

type Kind = "transcription" | "mediaStreaming";
type Change = "start" | "stop" | "update";

const EVENTS = {
  transcription: { start: "TranscriptionStarted", stop: "TranscriptionStopped", update: "TranscriptionUpdated", failed: "TranscriptionFailed" },
  mediaStreaming: { start: "MediaStreamingStarted", stop: "MediaStreamingStopped", update: "MediaStreamingStarted", failed: "MediaStreamingFailed" },
} as const;

const STATUS = {
  transcription: {
    start: ["transcriptionStarted", "subscriptionStarted"],
    stop: ["transcriptionStopped", "subscriptionStopped"],
    update: ["transcriptionUpdated", "transcriptionLocaleUpdated"],
    failed: ["transcriptionFailed", "unspecifiedError"],
  },
  mediaStreaming: {
    start: ["mediaStreamingStarted", "subscriptionStarted"],
    stop: ["mediaStreamingStopped", "subscriptionStopped"],
    update: ["mediaStreamingStarted", "subscriptionStarted"],
    failed: ["mediaStreamingFailed", "unspecifiedError"],
  },
} as const;

const NAMES = { transcription: "Transcription", mediaStreaming: "MediaStreaming" } as const;
const OPTIONS = { transcription: "transcriptionOptions", mediaStreaming: "mediaStreamingOptions" } as const;

/**
 * Starts, stops or updates transcription or media streaming, each answered 202 and followed
 * by its event. The call must have been set up with transcriptionOptions / mediaStreamingOptions
 * (405, 8522 "missing configuration", ERROR-CODES.md §3). Rule (assumed): starting what is
 * running, or stopping or updating what is not, is a 400 (8585).
 * @see CallMedia_StartTranscription, CallMedia_StartMediaStreaming and their Stop/Update
 */
export function changeStreaming(ctx: EngineContext, callConnectionId: string, kind: Kind, change: Change, request: StreamingRequest = {}): void {
  const connection = mediaConnection(ctx, callConnectionId);
  const subscription = mediaOf(connection)[kind];
  // Stryker disable next-line StringLiteral: the spec's request validation refuses an operationContext that is not a string before the engine reads it (test/regressions/16-media-null-fields.test.ts)
  const operationContext = optionalString(request.operationContext, "operationContext");
  // Only StartTranscription and UpdateTranscription have a locale. The other three bodies do not,
  // so the spec check lets any locale through there: read as an unknown field, ignored (16-spec-gaps).
  const localeGiven = kind === "transcription" && change !== "stop" ? request.locale : undefined;
  // Stryker disable next-line StringLiteral: the spec's request validation refuses a locale that is not a string before the engine reads it (test/regressions/16-media-null-fields.test.ts)
  const locale = optionalString(localeGiven, "locale");
  const callbackUri = resultDestination(request);
  const name = NAMES[kind];
  if (!subscription.configured) {
    throw new MissingConfigurationError(`${change} ${name} needs ${OPTIONS[kind]}: set them when you create, answer or connect the call.`);
  }
  if (change === "start" && subscription.state === "active") throw new InvalidCallStateError(`${name} is already running. Stop it first, or update it.`);
  if (change !== "start" && subscription.state !== "active") throw new InvalidCallStateError(`${name} is not running. Start it first.`);
  const fault = takeFault(ctx, `${change}${name}` as FaultableAction);
  if (fault) {
    after(ctx, 0, () => send(ctx, connection, kind, "failed", operationContext, callbackUri, resultInformation(fault.status, fault.subCode, fault.message)));
    return;
  }
  apply(subscription, change, locale);
  after(ctx, 0, () => send(ctx, connection, kind, change, operationContext, callbackUri));
}

function apply(subscription: StreamingSubscription, change: Change, locale: string | undefined): void {
  subscription.state = change === "stop" ? "inactive" : "active";
  if (locale) subscription.locale = locale;
}

function send(
  ctx: EngineContext,
  connection: CallConnection,
  kind: Kind,
  what: Change | "failed",
  operationContext: string | undefined,
  callbackUri: string | undefined,
  result = ACTION_COMPLETED(),
): void {
  const [status, details] = STATUS[kind][what];
  const update =
    kind === "transcription"
      ? { transcriptionUpdate: { transcriptionStatus: status, transcriptionStatusDetails: details } }
      : { mediaStreamingUpdate: { contentType: "Audio", mediaStreamingStatus: status, mediaStreamingStatusDetails: details } };
  emitMedia(ctx, connection, EVENTS[kind][what], { ...update, operationContext, resultInformation: result }, callbackUri);
}

/**
 * The call is connected: transcription and media streaming whose options asked to start
 * with the call start now, each with its *Started event after CallConnected.
 */
export function startStreamingOnConnect(ctx: EngineContext, connection: CallConnection): void {
  const media = existingMedia(connection);
  if (!media) return;
  for (const kind of ["transcription", "mediaStreaming"] as const) {
    const subscription = media[kind];
    // Nothing can have started it yet: media actions on a leg still connecting are refused (8501), and a leg connects once.
    if (!subscription.startOnConnect) continue;
    apply(subscription, "start", undefined);
    after(ctx, 0, () => send(ctx, connection, kind, "start", undefined, undefined));
  }
}
