import { after, emit, emitParticipantsUpdated, takeFault, type EngineContext } from "../context.js";
import { InvalidArgumentError } from "../errors.js";
import { resultInformation } from "../events.js";
import { optionalPhoneNumber, rawIdFromModel, toIdentifierModel } from "../identifiers.js";
import { invitationFailure, onInvitationSettled } from "../invitations.js";
import { inviteTarget } from "./incomingCall.js";
import { disconnectLeg, join } from "../lifecycle.js";
import { customCallingContext, optionalString, resultDestination } from "../validation.js";
import { connectedConnection } from "./participants.js";

/** The TransferToParticipantRequest fields callsim acts on. */
export interface TransferRequest {
  targetParticipant: unknown;
  transferee?: unknown;
  operationContext?: string;
  operationCallbackUri?: string;
  customCallingContext?: unknown;
  sourceCallerIdNumber?: { value: string };
  [other: string]: unknown;
}

/**
 * Rule (assumed; Graph documents 7015 on the same back-end): a completed transfer is
 * reported as 200/7015, on CallTransferAccepted and on the app leg's CallDisconnected.
 */
export const TRANSFER_COMPLETED = () => resultInformation(200, 7015, "Call ended as the transfer completed successfully.");

/**
 * Transfers the call. In a 1:1 call the other party goes to the target and the app leaves
 * (CallTransferAccepted, then CallDisconnected); in a group call `transferee` leaves for the
 * target and the app stays (CallTransferAccepted, then a roster without the transferee).
 * @see CallConnection_TransferToParticipant
 */
export function transferCall(ctx: EngineContext, callConnectionId: string, request: TransferRequest) {
  const connection = connectedConnection(ctx, callConnectionId);
  const target = rawIdFromModel(request.targetParticipant, "targetParticipant");
  const call = ctx.store.callOf(connection);
  const others = [...call.participants.keys()].filter((rawId) => rawId !== connection.appRawId);
  let transferee: string;
  if (request.transferee !== undefined && request.transferee !== null) {
    transferee = rawIdFromModel(request.transferee, "transferee");
    ctx.store.participant(call, transferee, "transferee");
  } else if (others.length === 1) {
    transferee = others[0];
  } else {
    throw new InvalidArgumentError(
      "transferee",
      `The call has ${others.length} other participants, so transferee is required: name the participant to transfer.`,
    );
  }
  if (call.participants.has(target)) throw new InvalidArgumentError("targetParticipant", `${target} is already in the call.`);
  const callbackUri = resultDestination(request);
  // Stryker disable next-line StringLiteral: a non-string operationContext is refused by the spec's request validation with 400, naming it, before the engine runs (16-action-request-checks-more)
  const operationContext = optionalString(request.operationContext, "operationContext");
  // Stryker disable next-line StringLiteral: a customCallingContext (or header map, or header value) of the wrong type is refused by the spec's request validation with 400, naming it, before the engine runs; an api-version without the field drops it (16-action-request-checks-more)
  const context = customCallingContext(request.customCallingContext, "customCallingContext");
  const sourceCallerIdNumber = optionalPhoneNumber(request.sourceCallerIdNumber, "sourceCallerIdNumber");
  const fault = takeFault(ctx, "transferToParticipant");
  connection.state = "transferring";
  const invitation = inviteTarget(ctx, call, {
    target,
    purpose: "transfer",
    transferee,
    callConnectionId,
    operationContext,
    callbackUri,
    customCallingContext: context,
    sourceCallerIdNumber,
  }, sourceCallerIdNumber ? `4:${sourceCallerIdNumber}` : transferee);
  if (fault) {
    for (const timer of invitation.timers) ctx.clock.cancel(timer);
    invitation.state = "failed";
    after(ctx, 0, () => {
      connection.state = "connected";
      emit(ctx, connection, "CallTransferFailed", { operationContext, resultInformation: resultInformation(fault.status, fault.subCode, fault.message) }, callbackUri);
    });
  }
  return { operationContext };
}

onInvitationSettled("transfer", (ctx, invitation, outcome) => {
  // Stryker disable next-line StringLiteral: a transfer invitation always carries its callConnectionId; the fallback only satisfies the type.
  const connection = ctx.store.connections.get(invitation.callConnectionId ?? "");
  if (!connection || connection.state === "disconnecting" || connection.state === "disconnected") return;
  const call = ctx.store.call(invitation.serverCallId);
  const transferee = invitation.transferee!;
  if (outcome !== "accepted") {
    connection.state = "connected";
    if (outcome !== "canceled") {
      emit(ctx, connection, "CallTransferFailed", { operationContext: invitation.operationContext, resultInformation: invitationFailure(outcome, invitation, "transfer") }, invitation.callbackUri);
    }
    return;
  }
  connection.state = "transferAccepted";
  emit(
    ctx,
    connection,
    "CallTransferAccepted",
    {
      operationContext: invitation.operationContext,
      resultInformation: TRANSFER_COMPLETED(),
      transferTarget: toIdentifierModel(invitation.target),
      transferee: toIdentifierModel(transferee),
    },
    invitation.callbackUri,
  );
  // The target may have joined already: the app answered its IncomingCall.
  const others = [...call.participants.keys()].filter((rawId) => rawId !== connection.appRawId && rawId !== invitation.target);
  if (others.length <= 1) {
    // 1:1: the app hands the call over and leaves; the caller now talks to the target.
    call.participants.delete(connection.appRawId);
    join(call, invitation.target);
    disconnectLeg(ctx, connection, TRANSFER_COMPLETED());
    emitParticipantsUpdated(ctx, call);
  } else {
    // Group: the transferee leaves this call for a new one with the target.
    connection.state = "connected";
    call.participants.delete(transferee);
    emitParticipantsUpdated(ctx, call);
  }
});
