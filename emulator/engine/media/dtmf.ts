import { after, takeFault, type EngineContext } from "../context.js";
import { InvalidArgumentError, MediaConflictError } from "../errors.js";
import { resultInformation } from "../events.js";
import { optionalString, resultDestination } from "../validation.js";
import { ACTION_COMPLETED } from "./mediaResults.js";
import { emitMedia } from "./mediaQueue.js";
import { mediaOf } from "./mediaState.js";
import { mediaConnection, otherParticipant } from "./mediaTargets.js";
import { DTMF_TONE_MS } from "./recognitionRules.js";
import { readToneNames } from "./tones.js";

/** ContinuousDtmfRecognitionRequest. */
export interface ContinuousDtmfRequest {
  targetParticipant: unknown;
  operationContext?: string;
  operationCallbackUri?: string;
}

/**
 * Starts reporting every key `targetParticipant` presses as ContinuousDtmfRecognitionToneReceived,
 * numbered by sequenceId. Rule (assumed): starting it twice for the same participant is a 400
 * (8500, a media operation already active for the target).
 * @see CallMedia_StartContinuousDtmfRecognition
 */
export function startContinuousDtmfRecognition(ctx: EngineContext, callConnectionId: string, request: ContinuousDtmfRequest): void {
  const connection = mediaConnection(ctx, callConnectionId);
  const target = otherParticipant(ctx, connection, request.targetParticipant, "targetParticipant").rawId;
  // Stryker disable next-line StringLiteral: the spec's request validation refuses this body before the engine reads it (test/regressions/16-media-requests.test.ts, 16-recognition-requests.test.ts): optionalString names the field only for an operationContext that is not a string
  const operationContext = optionalString(request.operationContext, "operationContext");
  const callbackUri = resultDestination(request);
  const { continuousDtmf } = mediaOf(connection);
  if (continuousDtmf.has(target)) {
    throw new MediaConflictError(`Continuous DTMF recognition is already running for ${target}. Stop it before starting it again.`, "targetParticipant");
  }
  const fault = takeFault(ctx, "startContinuousDtmfRecognition");
  if (fault) {
    after(ctx, 0, () =>
      emitMedia(ctx, connection, "ContinuousDtmfRecognitionToneFailed", { operationContext, resultInformation: resultInformation(fault.status, fault.subCode, fault.message) }, callbackUri),
    );
    return;
  }
  continuousDtmf.set(target, { operationContext, callbackUri, sequenceId: 0 });
}

/**
 * Stops continuous DTMF recognition: ContinuousDtmfRecognitionStopped. Rule (assumed):
 * stopping one that is not running is a 400 (8500).
 * @see CallMedia_StopContinuousDtmfRecognition
 */
export function stopContinuousDtmfRecognition(ctx: EngineContext, callConnectionId: string, request: ContinuousDtmfRequest): void {
  const connection = mediaConnection(ctx, callConnectionId);
  const target = otherParticipant(ctx, connection, request.targetParticipant, "targetParticipant").rawId;
  // Stryker disable next-line StringLiteral: the spec's request validation refuses this body before the engine reads it (test/regressions/16-media-requests.test.ts, 16-recognition-requests.test.ts): optionalString names the field only for an operationContext that is not a string
  const operationContext = optionalString(request.operationContext, "operationContext");
  const callbackUri = resultDestination(request);
  const { continuousDtmf } = mediaOf(connection);
  const running = continuousDtmf.get(target);
  if (!running) throw new MediaConflictError(`No continuous DTMF recognition is running for ${target}. Start it first.`, "targetParticipant");
  takeFault(ctx, "stopContinuousDtmfRecognition");
  continuousDtmf.delete(target);
  after(ctx, 0, () =>
    emitMedia(ctx, connection, "ContinuousDtmfRecognitionStopped", { operationContext: operationContext ?? running.operationContext, resultInformation: ACTION_COMPLETED() }, callbackUri ?? running.callbackUri),
  );
}

/** SendDtmfTonesRequest. */
export interface SendDtmfTonesRequest {
  tones: unknown;
  targetParticipant: unknown;
  operationContext?: string;
  operationCallbackUri?: string;
}

/**
 * The app keys tones to a participant: SendDtmfTonesCompleted once they are sent, at
 * DTMF_TONE_MS a tone, or SendDtmfTonesFailed. @see CallMedia_SendDtmfTones
 */
export function sendDtmfTones(ctx: EngineContext, callConnectionId: string, request: SendDtmfTonesRequest): { operationContext?: string } {
  const connection = mediaConnection(ctx, callConnectionId);
  // Stryker disable next-line StringLiteral: the spec's request validation refuses this body before the engine reads it (test/regressions/16-media-requests.test.ts, 16-recognition-requests.test.ts): the field is named only for tones that are not a list of known tones (null reads as none, refused below with its own text)
  const tones = readToneNames(request.tones, "tones");
  if (tones.length === 0) throw new InvalidArgumentError("tones", "tones must list at least one tone, e.g. [\"one\", \"pound\"].");
  otherParticipant(ctx, connection, request.targetParticipant, "targetParticipant");
  // Stryker disable next-line StringLiteral: the spec's request validation refuses this body before the engine reads it (test/regressions/16-media-requests.test.ts, 16-recognition-requests.test.ts): optionalString names the field only for an operationContext that is not a string
  const operationContext = optionalString(request.operationContext, "operationContext");
  const callbackUri = resultDestination(request);
  const fault = takeFault(ctx, "sendDtmfTones");
  after(ctx, fault ? 0 : tones.length * DTMF_TONE_MS, () => {
    if (fault) emitMedia(ctx, connection, "SendDtmfTonesFailed", { operationContext, resultInformation: resultInformation(fault.status, fault.subCode, fault.message) }, callbackUri);
    else emitMedia(ctx, connection, "SendDtmfTonesCompleted", { operationContext, resultInformation: ACTION_COMPLETED() }, callbackUri);
  });
  return { operationContext };
}
