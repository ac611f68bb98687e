import { after, emit, emitParticipantsUpdated, takeFault, type EngineContext } from "../context.js";
import { InvalidArgumentError } from "../errors.js";
import { resultInformation } from "../events.js";
import { isPhoneNumber, optionalPhoneNumber, rawIdFromModel } from "../identifiers.js";
import { declinedCall } from "../callEndings.js";
import { invitationFailure, onInvitationSettled } from "../invitations.js";
import { learnNumber } from "../ownership.js";
import { inviteTarget } from "./incomingCall.js";
import { connectLeg, endCall, join, openCall, openConnection } from "../lifecycle.js";
import type { CallConnection } from "../model.js";
import { configureMedia } from "../media/mediaState.js";
import { checkCallbackUri, optionalString } from "../validation.js";

/** The CreateCallRequest fields callsim acts on. */
export interface CreateCallRequest {
  targets: unknown[];
  callbackUri: string;
  sourceCallerIdNumber?: { value: string };
  sourceDisplayName?: string;
  source?: { id: string };
  operationContext?: string;
  [other: string]: unknown;
}

/**
 * Places a call from the app to one target (1:1) or several (group).
 * @see CreateCall in the 2026-03-12 spec
 */
export function createCall(ctx: EngineContext, request: CreateCallRequest, apiVersion: string): CallConnection {
  const callbackUri = checkCallbackUri(request.callbackUri, "callbackUri");
  if (!Array.isArray(request.targets) || request.targets.length === 0) {
    throw new InvalidArgumentError("targets", "targets must list at least one participant to call.");
  }
  const targets = request.targets.map((t, i) => rawIdFromModel(t, `targets[${i}]`));
  const sourceCallerIdNumber = optionalPhoneNumber(request.sourceCallerIdNumber, "sourceCallerIdNumber");
  const pstn = targets.findIndex(isPhoneNumber);
  if (pstn >= 0 && !sourceCallerIdNumber) {
    throw new InvalidArgumentError(
      "sourceCallerIdNumber",
      `targets[${pstn}] is a phone number, so sourceCallerIdNumber is required: set it to a number your resource owns (e.g. +18005550100).`,
    );
  }
  const source = request.source?.id !== undefined ? rawIdFromModel({ communicationUser: request.source }, "source") : undefined;
  const fault = takeFault(ctx, "createCall");

  if (sourceCallerIdNumber) learnNumber(ctx, sourceCallerIdNumber);
  const call = openCall(ctx, "createCall");
  const appRawId = source ?? ctx.appIdentity;
  const connection = openConnection(ctx, call, {
    callbackUri,
    appRawId,
    apiVersion,
    targets,
    source: appRawId,
    sourceCallerIdNumber,
    // Stryker disable next-line StringLiteral: a non-string sourceDisplayName is refused by the spec's request validation with 400, naming it, before the engine runs (16-action-request-checks-more)
    sourceDisplayName: optionalString(request.sourceDisplayName, "sourceDisplayName"),
    // Stryker disable next-line StringLiteral: a non-string operationContext is refused by the spec's request validation with 400, naming it, before the engine runs (16-action-request-checks-more)
    operationContext: optionalString(request.operationContext, "operationContext"),
  });
  configureMedia(connection, request, () => ctx.ids.uuid());
  join(call, appRawId, connection.callConnectionId);

  if (fault) {
    after(ctx, 0, () => failCreateCall(ctx, connection, resultInformation(fault.status, fault.subCode, fault.message)));
    return connection;
  }
  for (const target of targets) {
    inviteTarget(ctx, call, {
      target,
      purpose: "createCall",
      callConnectionId: connection.callConnectionId,
      operationContext: connection.operationContext,
      sourceCallerIdNumber,
    }, sourceCallerIdNumber ? `4:${sourceCallerIdNumber}` : appRawId);
  }
  return connection;
}

/**
 * Rule (assumed; the docs leave it open): a call that cannot be established sends
 * CreateCallFailed and then CallDisconnected, both with the failure's resultInformation.
 */
function failCreateCall(ctx: EngineContext, connection: CallConnection, result: ReturnType<typeof resultInformation>): void {
  emit(ctx, connection, "CreateCallFailed", { operationContext: connection.operationContext, resultInformation: result });
  emit(ctx, connection, "CallDisconnected", { operationContext: connection.operationContext, resultInformation: result });
  const call = ctx.store.calls.get(connection.serverCallId);
  if (call) endCall(ctx, call);
}

onInvitationSettled("createCall", (ctx, invitation, outcome) => {
  const call = ctx.store.call(invitation.serverCallId);
  // Stryker disable next-line StringLiteral: a createCall invitation always carries its callConnectionId; the fallback only satisfies the type.
  const connection = ctx.store.connections.get(invitation.callConnectionId ?? "");
  if (!connection) return;
  if (outcome === "accepted") {
    join(call, invitation.target);
    if (connection.state === "connecting") connectLeg(ctx, call, connection, "createCall");
    else emitParticipantsUpdated(ctx, call);
    return;
  }
  if (outcome === "canceled") return;
  // A group call stands while any target has answered or still rings.
  const othersRinging = ctx.store.ringingInvitations(call).length > 0;
  if (connection.state !== "connecting" || othersRinging) return;
  // A decline is recorded (CreateCallAndReject, its Async twin); the other outcomes are assumed.
  const result = outcome === "decline" ? declinedCall(ctx.variants) : invitationFailure(outcome, invitation, "createCall");
  failCreateCall(ctx, connection, result);
});
