import { after, emitParticipantsUpdated, takeFault, type EngineContext } from "../context.js";
import { MediaPreconditionError } from "../errors.js";
import { resultInformation, type ResultInformation } from "../events.js";
import { optionalString, resultDestination } from "../validation.js";
import { emitMedia } from "./mediaQueue.js";
import { mediaOf } from "./mediaState.js";
import { mediaConnection, otherParticipant } from "./mediaTargets.js";
import { prepareSources } from "./audio.js";
import { readPlaySource } from "./playSources.js";

/** HoldRequest and UnholdRequest. */
export interface HoldRequest {
  targetParticipant: unknown;
  playSourceInfo?: unknown;
  operationContext?: string;
  operationCallbackUri?: string;
}

/**
 * Puts a participant on hold, with music when `playSourceInfo` is given: 200, then the
 * roster with `isOnHold: true`, or HoldFailed (music that cannot be played, or a planted
 * fault) and the participant stays off hold. Rule (assumed): holding a participant while a
 * play or recognition is running or queued is refused with 412 (8583).
 * @see CallMedia_Hold
 */
export function hold(ctx: EngineContext, callConnectionId: string, request: HoldRequest): void {
  const connection = mediaConnection(ctx, callConnectionId);
  const participant = otherParticipant(ctx, connection, request.targetParticipant, "targetParticipant");
  const music = request.playSourceInfo === undefined || request.playSourceInfo === null ? [] : [readPlaySource(request.playSourceInfo, "playSourceInfo")];
  // Stryker disable next-line StringLiteral: the spec's request validation refuses an operationContext that is not a string before the engine reads it (test/regressions/16-media-null-fields.test.ts)
  const operationContext = optionalString(request.operationContext, "operationContext");
  const callbackUri = resultDestination(request);
  const busy = mediaOf(connection).queue.filter((op) => op.targets.length === 0 || op.targets.includes(participant.rawId));
  if (busy.length > 0) {
    throw new MediaPreconditionError(
      `A ${busy[0].kind} operation is running or queued for ${participant.rawId}. Wait for it to end, or cancel it with cancelAllMediaOperations, before putting the participant on hold.`,
      "targetParticipant",
    );
  }
  const fault = takeFault(ctx, "hold");
  const call = ctx.store.callOf(connection);
  const held = (failure: ResultInformation | undefined) => {
    if (failure) return emitMedia(ctx, connection, "HoldFailed", { operationContext, resultInformation: failure }, callbackUri);
    if (!call.participants.has(participant.rawId) || participant.isOnHold) return;
    participant.isOnHold = true;
    emitParticipantsUpdated(ctx, call);
  };
  after(ctx, 0, () => {
    if (fault) return held(resultInformation(fault.status, fault.subCode, fault.message));
    prepareSources(music, ctx.audio, (outcome) => held("result" in outcome ? outcome.result : undefined));
  });
}

/** Takes a participant off hold: 200, then the roster with `isOnHold: false`. @see CallMedia_Unhold */
export function unhold(ctx: EngineContext, callConnectionId: string, request: HoldRequest): void {
  const connection = mediaConnection(ctx, callConnectionId);
  const participant = otherParticipant(ctx, connection, request.targetParticipant, "targetParticipant");
  // Stryker disable next-line StringLiteral: the spec's request validation refuses an operationContext that is not a string before the engine reads it (test/regressions/16-media-null-fields.test.ts)
  optionalString(request.operationContext, "operationContext");
  resultDestination(request);
  takeFault(ctx, "unhold");
  const call = ctx.store.callOf(connection);
  after(ctx, 0, () => {
    if (!call.participants.has(participant.rawId) || !participant.isOnHold) return;
    participant.isOnHold = false;
    emitParticipantsUpdated(ctx, call);
  });
}
