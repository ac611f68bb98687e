import { after, emit, emitParticipantsUpdated, takeFault, type EngineContext } from "../context.js";
import { InvalidArgumentError, NotFoundError } from "../errors.js";
import { resultInformation, RESULT_OK } from "../events.js";
import { rawIdFromModel, toIdentifierModel } from "../identifiers.js";
import { join, leave } from "../lifecycle.js";
import type { ServerCall } from "../model.js";
import { optionalString, resultDestination } from "../validation.js";
import { connectedConnection } from "./participants.js";

/** The MoveParticipantsRequest fields callsim acts on. */
export interface MoveParticipantsRequest {
  targetParticipants: unknown[];
  fromCall: string;
  operationContext?: string;
  operationCallbackUri?: string;
}

/**
 * Moves participants from the call of connection `fromCall` into this connection's call.
 * Both connections must be connected (8501) and exist (404/8522, the error the docs' samples
 * name for a source call that ended). Each participant moved gets its own
 * MoveParticipantSucceeded (with `fromCall`), followed by this call's new roster; the source
 * call loses them as if they had left (its roster, or its end when one participant is left).
 * A participant is found by its identifier, or by the one the app invited when a redirect
 * put someone else behind it (the number dialled, answered by the user it was redirected to).
 * @see CallConnection_MoveParticipants
 */
export function moveParticipants(ctx: EngineContext, callConnectionId: string, request: MoveParticipantsRequest) {
  const connection = connectedConnection(ctx, callConnectionId);
  if (typeof request.fromCall !== "string" || request.fromCall.length === 0) {
    throw new InvalidArgumentError("fromCall", "fromCall is required: the callConnectionId of the call to move the participants from.");
  }
  if (request.fromCall === callConnectionId) {
    throw new InvalidArgumentError("fromCall", "fromCall is this call connection; name the call connection of another call to move participants from.");
  }
  const source = connectedConnection(ctx, request.fromCall);
  const from = ctx.store.callOf(source);
  const to = ctx.store.callOf(connection);
  if (from === to) throw new InvalidArgumentError("fromCall", `Call connection ${request.fromCall} is in this same call; its participants are already here.`);
  // A targetParticipants of null or [] passes the spec check: this check answers it (16-spec-gaps-participants).
  if (!Array.isArray(request.targetParticipants) || request.targetParticipants.length === 0) {
    throw new InvalidArgumentError("targetParticipants", "targetParticipants must list at least one participant of the fromCall call to move.");
  }
  const moving = request.targetParticipants.map((model, i) => {
    const field = `targetParticipants[${i}]`;
    const rawId = participantOf(ctx, from, rawIdFromModel(model, field), field);
    if (from.participants.get(rawId)?.callConnectionId) throw new InvalidArgumentError(field, `${rawId} is the app's own leg in the fromCall call; it cannot be moved. Hang that call connection up instead.`);
    if (to.participants.has(rawId)) throw new InvalidArgumentError(field, `${rawId} is already in this call.`);
    return { requested: rawIdFromModel(model, field), rawId };
  });
  const callbackUri = resultDestination(request);
  // Stryker disable next-line StringLiteral: a non-string operationContext is refused by the spec's request validation with 400, naming it, before the engine runs (16-action-request-checks-more)
  const operationContext = optionalString(request.operationContext, "operationContext");
  const fault = takeFault(ctx, "moveParticipants");
  after(ctx, 0, () => {
    for (const { requested, rawId } of moving) {
      const fields = { operationContext, participant: toIdentifierModel(requested), fromCall: request.fromCall };
      if (fault) {
        emit(ctx, connection, "MoveParticipantFailed", { ...fields, resultInformation: resultInformation(fault.status, fault.subCode, fault.message) }, callbackUri);
        continue;
      }
      if (to.ended || connection.state !== "connected") return;
      if (from.ended || !from.participants.has(rawId)) {
        // Rule (assumed): someone who left the source call before the move ran cannot be moved: 404/8522.
        const message = `moveParticipants failed for participant ${requested}: it is no longer in the call of ${request.fromCall}.`;
        emit(ctx, connection, "MoveParticipantFailed", { ...fields, resultInformation: resultInformation(404, 8522, message) }, callbackUri);
        continue;
      }
      leave(ctx, from, rawId);
      join(to, rawId);
      emit(ctx, connection, "MoveParticipantSucceeded", { ...fields, resultInformation: RESULT_OK }, callbackUri);
      emitParticipantsUpdated(ctx, to);
    }
  });
  return {
    // As the spec's example answers: the participants being moved, with the source named.
    participants: moving.map(({ requested }) => ({ identifier: toIdentifierModel(requested), isMuted: false, isOnHold: false })),
    operationContext,
    fromCall: request.fromCall,
  };
}

/** `rawId` as a participant of `call`, directly or as the identity an accepted redirect stood in for. */
function participantOf(ctx: EngineContext, call: ServerCall, rawId: string, field: string): string {
  if (call.participants.has(rawId)) return rawId;
  for (const invitation of ctx.store.invitations.values()) {
    if (invitation.serverCallId === call.serverCallId && invitation.state === "accepted" && invitation.invitedAs === rawId && call.participants.has(invitation.target)) {
      return invitation.target;
    }
  }
  throw new NotFoundError(`Participant ${rawId} is not in the fromCall call. List that call's participants to see who is.`, field);
}
