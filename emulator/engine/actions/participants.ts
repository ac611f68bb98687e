import { after, emit, emitParticipantsUpdated, MEDIA_STATE_VERSION_STEP, takeFault, type EngineContext } from "../context.js";
import { CallNotEstablishedError, InvalidArgumentError, NotFoundError } from "../errors.js";
import { REMOVED_BY_PARTICIPANT, removedLastParticipant } from "../callEndings.js";
import { resultInformation, RESULT_OK, withNote } from "../events.js";
import { identifierKind, isPhoneNumber, optionalPhoneNumber, rawIdFromModel, toIdentifierModel } from "../identifiers.js";
import { DEFAULT_INVITATION_TIMEOUT_MS, invitationFailure, onInvitationSettled, settleInvitation } from "../invitations.js";
import { learnNumber } from "../ownership.js";
import { inviteTarget } from "./incomingCall.js";
import { join, leave } from "../lifecycle.js";
import type { CallConnection, Participant } from "../model.js";
import { admitToRoom } from "../rooms/roomAdmission.js";
import { customCallingContext, optionalString, resultDestination } from "../validation.js";

/** The connection, which must be connected for mid-call actions (8501 otherwise). */
export function connectedConnection(ctx: EngineContext, callConnectionId: string): CallConnection {
  const connection = ctx.store.activeConnection(callConnectionId);
  if (connection.state === "connecting") throw new CallNotEstablishedError(callConnectionId);
  return connection;
}

/** The AddParticipantRequest fields callsim acts on. */
export interface AddParticipantRequest {
  participantToAdd: unknown;
  sourceCallerIdNumber?: { value: string };
  invitationTimeoutInSeconds?: number | null;
  operationContext?: string;
  operationCallbackUri?: string;
  customCallingContext?: unknown;
  [other: string]: unknown;
}

/** The ringing time asked for, in seconds; null, which the spec check lets through, reads as none, as for the other optional fields. */
function invitationTimeout(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  // Stryker disable next-line ConditionalExpression,LogicalOperator,BlockStatement: a timeout that is no integer from 0 to 180 is refused by the spec's request validation with 400, naming it, before the engine runs (16-action-request-checks-more); the range's ends, 0 and 180, pass it and are accepted here (16-participants)
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 180) {
    // Stryker disable next-line StringLiteral: as above, the spec check answers first (16-action-request-checks-more)
    throw new InvalidArgumentError("invitationTimeoutInSeconds", "invitationTimeoutInSeconds must be an integer between 0 and 180.");
  }
  return value;
}

/** Invites someone into the call. @see CallConnection_AddParticipant */
export function addParticipant(ctx: EngineContext, callConnectionId: string, request: AddParticipantRequest) {
  const connection = connectedConnection(ctx, callConnectionId);
  const target = rawIdFromModel(request.participantToAdd, "participantToAdd");
  const sourceCallerIdNumber = optionalPhoneNumber(request.sourceCallerIdNumber, "sourceCallerIdNumber");
  if (isPhoneNumber(target) && !sourceCallerIdNumber) {
    throw new InvalidArgumentError(
      "sourceCallerIdNumber",
      "participantToAdd is a phone number, so sourceCallerIdNumber is required: set it to a number your resource owns.",
    );
  }
  const timeout = invitationTimeout(request.invitationTimeoutInSeconds);
  const callbackUri = resultDestination(request);
  // Stryker disable next-line StringLiteral: a non-string operationContext is refused by the spec's request validation with 400, naming it, before the engine runs (16-action-request-checks-more)
  const operationContext = optionalString(request.operationContext, "operationContext");
  // Stryker disable next-line StringLiteral: a customCallingContext (or header map, or header value) of the wrong type is refused by the spec's request validation with 400, naming it, before the engine runs; an api-version without the field drops it (16-action-request-checks-more)
  const context = customCallingContext(request.customCallingContext, "customCallingContext");
  const call = ctx.store.callOf(connection);
  if (call.participants.has(target)) {
    throw new InvalidArgumentError("participantToAdd", `${target} is already in the call.`);
  }
  if (call.roomId) admitToRoom(ctx, call.roomId, target, "participantToAdd");
  const fault = takeFault(ctx, "addParticipant");
  if (sourceCallerIdNumber) learnNumber(ctx, sourceCallerIdNumber);
  const invitation = inviteTarget(ctx, call, {
    target,
    purpose: "addParticipant",
    callConnectionId,
    operationContext,
    callbackUri,
    customCallingContext: context,
    sourceCallerIdNumber,
    timeoutMs: timeout ? timeout * 1000 : DEFAULT_INVITATION_TIMEOUT_MS,
  }, sourceCallerIdNumber ? `4:${sourceCallerIdNumber}` : connection.appRawId);
  if (fault) {
    for (const timer of invitation.timers) ctx.clock.cancel(timer);
    invitation.state = "failed";
    after(ctx, 0, () =>
      emit(ctx, connection, "AddParticipantFailed", { operationContext, participant: toIdentifierModel(target), resultInformation: resultInformation(fault.status, fault.subCode, fault.message) }, callbackUri),
    );
  }
  return {
    participant: { identifier: toIdentifierModel(target), isMuted: false, isOnHold: false },
    operationContext,
    invitationId: invitation.invitationId,
  };
}

onInvitationSettled("addParticipant", (ctx, invitation, outcome) => {
  // Stryker disable next-line StringLiteral: addParticipant always stores its callConnectionId, so the fallback key is never looked up.
  const connection = ctx.store.connections.get(invitation.callConnectionId ?? "");
  if (!connection || outcome === "canceled") return;
  const call = ctx.store.call(invitation.serverCallId);
  const fields = { operationContext: invitation.operationContext, participant: toIdentifierModel(invitation.target) };
  if (outcome === "accepted") {
    join(call, invitation.target);
    emit(ctx, connection, "AddParticipantSucceeded", { ...fields, resultInformation: RESULT_OK }, invitation.callbackUri);
    emitParticipantsUpdated(ctx, call);
  } else {
    emit(ctx, connection, "AddParticipantFailed", { ...fields, resultInformation: invitationFailure(outcome, invitation) }, invitation.callbackUri);
  }
});

/**
 * Withdraws a ringing invitation: CancelAddParticipantSucceeded with 200/5300 and no
 * AddParticipantFailed after it (CancelAddParticipantTestAsync, 2025-06-15).
 * @see CallConnection_CancelAddParticipant
 */
export function cancelAddParticipant(
  ctx: EngineContext,
  callConnectionId: string,
  request: { invitationId: string; operationContext?: string; operationCallbackUri?: string },
) {
  const connection = connectedConnection(ctx, callConnectionId);
  const invitation = ctx.store.invitations.get(request.invitationId);
  if (!invitation || invitation.purpose !== "addParticipant" || invitation.serverCallId !== connection.serverCallId) {
    throw new NotFoundError(`Invitation ${request.invitationId} was not found in this call. Use the invitationId addParticipant returned.`, "invitationId");
  }
  const callbackUri = resultDestination(request);
  // Stryker disable next-line StringLiteral: a non-string operationContext is refused by the spec's request validation with 400, naming it, before the engine runs (16-action-request-checks-more)
  const operationContext = optionalString(request.operationContext, "operationContext");
  const fault = takeFault(ctx, "cancelAddParticipant");
  after(ctx, 0, () => {
    const base = { invitationId: invitation.invitationId, operationContext };
    if (!fault && invitation.state === "ringing") {
      settleInvitation(ctx, invitation, "canceled");
      const message = `addParticipants failed for participant ${invitation.target}. Underlying reason: The conversation has ended.`;
      emit(ctx, connection, "CancelAddParticipantSucceeded", { ...base, resultInformation: resultInformation(200, 5300, message) }, callbackUri);
    } else {
      // Rule (assumed): an invitation that was already answered, declined or timed out cannot be cancelled.
      const result = fault
        ? resultInformation(fault.status, fault.subCode, fault.message)
        : withNote(resultInformation(400, 8585, "Action failed, the invitation is no longer ringing."), `Invitation ${invitation.invitationId} has already ${invitation.state === "accepted" ? "been answered" : "ended"}; there is nothing to cancel.`);
      emit(ctx, connection, "CancelAddParticipantFailed", { ...base, resultInformation: result }, callbackUri);
    }
  });
  return { invitationId: invitation.invitationId, operationContext };
}

/**
 * Removes a participant. RemoveParticipantSucceeded, then the roster without them; removing
 * one of the last two ends the call (DOC-ACTIONS, JS live tests): the remover's leg hears
 * 5002 (RemoveAUserCallTest; variant `removeLast`), a removed app leg 5300.
 * @see CallConnection_RemoveParticipant
 */
export function removeParticipant(
  ctx: EngineContext,
  callConnectionId: string,
  request: { participantToRemove: unknown; operationContext?: string; operationCallbackUri?: string },
) {
  const connection = connectedConnection(ctx, callConnectionId);
  const rawId = rawIdFromModel(request.participantToRemove, "participantToRemove");
  const call = ctx.store.callOf(connection);
  if (rawId === connection.appRawId) {
    throw new InvalidArgumentError("participantToRemove", "The app cannot remove itself; hang up the call connection instead.");
  }
  ctx.store.participant(call, rawId, "participantToRemove");
  const callbackUri = resultDestination(request);
  // Stryker disable next-line StringLiteral: a non-string operationContext is refused by the spec's request validation with 400, naming it, before the engine runs (16-action-request-checks-more)
  const operationContext = optionalString(request.operationContext, "operationContext");
  const fault = takeFault(ctx, "removeParticipant");
  after(ctx, 0, () => {
    const fields = { operationContext, participant: toIdentifierModel(rawId) };
    if (fault) {
      emit(ctx, connection, "RemoveParticipantFailed", { ...fields, resultInformation: resultInformation(fault.status, fault.subCode, fault.message) }, callbackUri);
      return;
    }
    if (!call.participants.has(rawId)) return;
    emit(ctx, connection, "RemoveParticipantSucceeded", { ...fields, resultInformation: RESULT_OK }, callbackUri);
    leave(ctx, call, rawId, { leaver: REMOVED_BY_PARTICIPANT(), by: { connection, result: removedLastParticipant(ctx.variants) } });
  });
  return { operationContext };
}

/** Mutes participants; synchronous, with a roster update that moves the version by 2 (REC-NET MuteParticipantTest). @see CallConnection_Mute */
export function muteParticipants(ctx: EngineContext, callConnectionId: string, request: { targetParticipants: unknown[]; operationContext?: string }) {
  const connection = connectedConnection(ctx, callConnectionId);
  // A targetParticipants of null or [] passes the spec check: this check answers it (16-spec-gaps-participants).
  if (!Array.isArray(request.targetParticipants) || request.targetParticipants.length === 0) {
    throw new InvalidArgumentError("targetParticipants", "targetParticipants must list the participant to mute.");
  }
  const call = ctx.store.callOf(connection);
  const targets: Participant[] = request.targetParticipants.map((model, i) => {
    const rawId = rawIdFromModel(model, `targetParticipants[${i}]`);
    if (identifierKind(rawId) !== "communicationUser") {
      throw new InvalidArgumentError(`targetParticipants[${i}]`, "Only ACS users (communicationUser) can be muted (spec: MuteParticipantsRequest).");
    }
    return ctx.store.participant(call, rawId, `targetParticipants[${i}]`);
  });
  takeFault(ctx, "muteParticipants");
  for (const participant of targets) participant.isMuted = true;
  after(ctx, 0, () => emitParticipantsUpdated(ctx, call, { step: MEDIA_STATE_VERSION_STEP }));
  // Stryker disable next-line StringLiteral: a non-string operationContext is refused by the spec's request validation with 400, naming it, before the engine runs (16-action-request-checks-more)
  return { operationContext: optionalString(request.operationContext, "operationContext") };
}

/** One participant by rawId. @see CallConnection_GetParticipant */
export function getParticipant(ctx: EngineContext, callConnectionId: string, rawId: string) {
  const connection = ctx.store.activeConnection(callConnectionId);
  takeFault(ctx, "getParticipant");
  return ctx.store.participant(ctx.store.callOf(connection), rawId, "participantRawId");
}

/** The call's participants, `skip` onwards, at most `top`. @see CallConnection_GetParticipants */
export function listParticipants(ctx: EngineContext, callConnectionId: string, skip: number, top: number) {
  const connection = ctx.store.activeConnection(callConnectionId);
  takeFault(ctx, "getParticipants");
  const all = [...ctx.store.callOf(connection).participants.values()];
  return { participants: all.slice(skip, skip + top), more: skip + top < all.length };
}
