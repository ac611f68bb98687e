import { after, emit, takeFault, type EngineContext } from "../context.js";
import { ConflictError, InvalidArgumentError, InvalidCallStateError } from "../errors.js";
import { resultInformation } from "../events.js";
import { checkRawId, identifierKind, rawIdFromModel, toIdentifierModel } from "../identifiers.js";
import { invite, onInvitationSettled, ringInWorld, settleSoon, type InvitationOutcome } from "../invitations.js";
import { isResourceNumber, learnNumber, ownsNumber } from "../ownership.js";
import { connectLeg, endCall, join, openCall, openConnection } from "../lifecycle.js";
import type { CallConnection, IncomingCallRecord, Invitation, ServerCall } from "../model.js";
import { configureMedia } from "../media/mediaState.js";
import { checkCallbackUri, customCallingContext, optionalString } from "../validation.js";

/**
 * Rule (assumed): an IncomingCall nobody answers, rejects or redirects is abandoned after
 * 30 s (the docs name subcode 8587, "incoming call not answered within time", but no duration).
 */
export const INCOMING_CALL_TIMEOUT_MS = 30_000;

/**
 * AnswerFailed for an answer that lost the race to another endpoint (an emulated callee, or
 * another answer): the code and text the Learn call-end table gives every endpoint but the one
 * that accepted a call to a user (troubleshooting codes, 487/10003: "start call, add
 * participant, transfer"). That it arrives as AnswerFailed is assumed.
 */
export const ANSWERED_ELSEWHERE = () =>
  resultInformation(487, 10003, "Call was canceled for this user endpoint as it was accepted elsewhere, by another endpoint.");

/**
 * Rule (assumed): the 70th redirect of one call fails it with 483/8521 "Too many hops". The
 * docs name subcode 8521; 70 is SIP's recommended Max-Forwards (RFC 3261 §8.1.1.6), the hop
 * budget a SIP-based service gives a call.
 */
export const MAX_REDIRECT_HOPS = 70;

/** What the control plane's `POST /emulator/incoming-calls` takes. */
export interface IncomingCallInput {
  from: string;
  to: string;
  callerDisplayName?: string;
  customContext?: { voipHeaders?: Record<string, string>; sipHeaders?: Record<string, string> };
}

/** A caller in the world calls the app: IncomingCall goes to the Event Grid subscribers. */
export function placeIncomingCall(ctx: EngineContext, input: IncomingCallInput): IncomingCallRecord {
  for (const field of ["from", "to"] as const) {
    if (typeof input[field] !== "string" || input[field].length === 0) {
      throw new InvalidArgumentError(field, `${field} is required: a rawId such as 4:+14255550123 or 8:acs:<resource>_<user>.`);
    }
    checkRawId(input[field], field);
  }
  checkIncomingCallSubscriptions(ctx);
  // Checked before anything happens: they travel into the IncomingCall event as they are.
  const callerDisplayName = optionalString(input.callerDisplayName, "callerDisplayName");
  const customContext = customCallingContext(input.customContext, "customContext");
  // Stryker disable next-line ConditionalExpression: learning from any `to` is equivalent: a `to` of another kind leaves a value that is no E.164 number once its prefix is cut, and owned numbers are only ever looked up by a phone number's digits (ownsNumber). Its "false" is killed by 16-incoming-calls ("the number a call from the world went to becomes the resource's")
  if (identifierKind(input.to) === "phoneNumber") learnNumber(ctx, input.to.slice(2));
  const call = openCall(ctx, "incoming");
  join(call, input.from);
  const invitation = invite(ctx, call, { target: input.to, purpose: "incoming", timeoutMs: INCOMING_CALL_TIMEOUT_MS });
  return offer(ctx, call, invitation, input.from, { callerDisplayName, customContext }).record;
}

/**
 * Invites `fields.target` for an action of the app (createCall, addParticipant, transfer).
 * A number the resource was named with is offered to the app through IncomingCall, from
 * `from`, instead of ringing a party in the world; the action's events follow the app's
 * answer, rejection or redirect. A call to an ACS identity raises IncomingCall too (Learn
 * "Incoming call concepts": call, add participant, transfer; REC-NET: every ACS-to-ACS
 * recording starts with the IncomingCall of the test's own createCall) while the user's party
 * in the world still rings: the first answer wins, and an app answering later gets
 * AnswerFailed (ANSWERED_ELSEWHERE). A party left to apps rings only through IncomingCall.
 */
export function inviteTarget(ctx: EngineContext, call: ServerCall, fields: Pick<Invitation, "target" | "purpose"> & Partial<Invitation>, from: string): Invitation {
  const offeredToApp = isResourceNumber(ctx, fields.target);
  const invitation = invite(ctx, call, { ...fields, offeredToApp });
  if (offeredToApp || identifierKind(fields.target) === "communicationUser") {
    offer(ctx, call, invitation, from, { customContext: fields.customCallingContext });
  }
  return invitation;
}

/**
 * Rule (assumed): an incoming call is refused (409) while the app has Event Grid subscriptions
 * for IncomingCall and none of them is validated: Event Grid would deliver it to nobody, and
 * the app would never hear of it. With no subscription at all the call is placed, and the
 * answer's incomingCallContext is the way to answer it (a test that drives the app directly).
 */
function checkIncomingCallSubscriptions(ctx: EngineContext): void {
  const subscriptions = ctx.eventGrid.list().filter((s) => s.eventTypes.length === 0 || s.eventTypes.includes("IncomingCall"));
  if (subscriptions.length === 0 || subscriptions.some((s) => s.state === "active")) return;
  const why = subscriptions.map((s) => `${s.id} (${s.endpoint}) is ${s.state === "failed" ? "failed" : "awaiting validation"}: ${s.lastError ?? "its endpoint has neither echoed the validationCode nor visited the validationUrl"}`);
  throw new ConflictError(`No Event Grid subscription for IncomingCall is validated, so the call would reach nobody. ${why.join("; ")}. Fix the endpoint and subscribe again (POST /emulator/subscriptions).`, "subscriptions");
}

function offer(
  ctx: EngineContext,
  call: ServerCall,
  invitation: Invitation,
  from: string,
  extra: { callerDisplayName?: string; customContext: IncomingCallRecord["customContext"] },
): { record: IncomingCallRecord; delivered: number } {
  const record: IncomingCallRecord = {
    // Stryker disable next-line ObjectLiteral: the token is opaque (looked up whole, unique by its nonce); the claims only make it readable
    incomingCallContext: ctx.ids.incomingCallContext({ cc: call.serverCallId, to: invitation.target }),
    serverCallId: call.serverCallId,
    from,
    to: invitation.target,
    // A phone caller has no display name (DialogOperationsTest: callerDisplayName "").
    callerDisplayName: extra.callerDisplayName ?? (identifierKind(from) === "phoneNumber" ? "" : ctx.ids.displayName()),
    customContext: extra.customContext,
    invitationId: invitation.invitationId,
    createdAt: ctx.clock.now(),
  };
  ctx.store.incoming.set(record.incomingCallContext, record);
  const delivered = ctx.eventGrid.publish(
    "IncomingCall",
    `/caller/${from}/recipient/${invitation.target}`,
    {
      to: toIdentifierModel(record.to),
      from: toIdentifierModel(record.from),
      serverCallId: record.serverCallId,
      callerDisplayName: record.callerDisplayName,
      // No customContext key when the caller sent none (recorded IncomingCall bodies have none).
      ...(record.customContext ? { customContext: record.customContext } : {}),
      incomingCallContext: record.incomingCallContext,
      correlationId: call.correlationId,
    },
    call.serverCallId,
  );
  return { record, delivered };
}

/** Looks up and consumes an incomingCallContext: each is good for one answer, reject or redirect. */
function consume(ctx: EngineContext, context: unknown, by: NonNullable<IncomingCallRecord["consumedBy"]>): { record: IncomingCallRecord; invitation?: Invitation } {
  if (typeof context !== "string" || context.length === 0) {
    throw new InvalidArgumentError("incomingCallContext", "incomingCallContext is required: copy it from the IncomingCall event's data.");
  }
  const record = ctx.store.incoming.get(context);
  if (!record) {
    throw new InvalidArgumentError("incomingCallContext", "incomingCallContext is not one callsim issued. Copy it unchanged from the IncomingCall event's data.");
  }
  if (record.consumedBy) {
    throw new InvalidCallStateError(
      `This incomingCallContext was already used to ${record.consumedBy} the call; each IncomingCall can be answered, rejected or redirected once.`,
      "incomingCallContext",
    );
  }
  record.consumedBy = by;
  return { record, invitation: record.invitationId ? ctx.store.invitations.get(record.invitationId) : undefined };
}

/** The AnswerCallRequest fields callsim acts on. */
export interface AnswerCallRequest {
  incomingCallContext: string;
  callbackUri: string;
  operationContext?: string;
  answeredBy?: { id: string };
  [other: string]: unknown;
}

/** Answers an IncomingCall. @see AnswerCall in the 2026-03-12 spec */
export function answerCall(ctx: EngineContext, request: AnswerCallRequest, apiVersion: string): CallConnection {
  const callbackUri = checkCallbackUri(request.callbackUri, "callbackUri");
  // Not held to the ACS user form: the spec's own AnswerCall example answers by "+11234567890".
  // Stryker disable next-line StringLiteral: an answeredBy.id that is no string is refused by the spec's request validation with 400, naming it, before the engine runs (16-action-request-checks)
  const answeredBy = request.answeredBy?.id !== undefined ? optionalString(request.answeredBy.id, "answeredBy.id") || undefined : undefined;
  // Stryker disable next-line StringLiteral: a non-string operationContext is refused by the spec's request validation with 400, naming it, before the engine runs (16-action-request-checks)
  const operationContext = optionalString(request.operationContext, "operationContext");
  const fault = takeFault(ctx, "answerCall");
  const { record, invitation } = consume(ctx, request.incomingCallContext, "answer");
  const call = ctx.store.call(record.serverCallId);
  const appRawId = answeredBy ?? record.to;
  const connection = openConnection(ctx, call, {
    callbackUri,
    appRawId,
    apiVersion,
    operationContext,
    targets: [record.from],
    source: record.to,
    answeredBy,
    answeredFor: identifierKind(record.to) === "phoneNumber" ? record.to.slice(2) : undefined,
  });
  configureMedia(connection, request, () => ctx.ids.uuid());
  const stillRinging = !call.ended && invitation?.state === "ringing";
  if (fault || !stillRinging) {
    // Rule (assumed): answering a call the caller already left fails as "call canceled" (487/8542).
    const result = fault
      ? resultInformation(fault.status, fault.subCode, fault.message)
      : invitation?.state === "accepted" && !call.ended
        ? ANSWERED_ELSEWHERE()
        : resultInformation(487, 8542, "The call was canceled by the caller before it was answered.");
    after(ctx, 0, () => failTerminally(ctx, connection, "AnswerFailed", result));
    return connection;
  }
  join(call, appRawId, connection.callConnectionId);
  settleSoon(ctx, invitation!, "accepted");
  // The app's own invitation (createCall, addParticipant, transfer): its settlement announces the
  // new roster to the inviting leg; this leg hears that same roster, numbered alike (REC-NET
  // PlayMultipleFilesSourcesWithPlayMediaTest: both legs' first roster is 1).
  const roster = invitation!.purpose === "incoming" ? undefined : { only: [connection], step: 0 };
  after(ctx, 0, () => connectLeg(ctx, call, connection, "answer", roster));
  return connection;
}

/** Sends a *Failed event that ends the connection (AnswerFailed, ConnectFailed): nothing follows it. */
export function failTerminally(ctx: EngineContext, connection: CallConnection, name: "AnswerFailed" | "ConnectFailed", result: ReturnType<typeof resultInformation>): void {
  emit(ctx, connection, name, { operationContext: connection.operationContext, resultInformation: result });
  // Stryker disable next-line BooleanLiteral: the "disconnected" state set next already keeps every sender (rosters, caller input, recording, REST lookups) off this leg
  connection.disconnectedEmitted = true;
  connection.state = "disconnected";
  const call = ctx.store.calls.get(connection.serverCallId);
  call?.participants.delete(connection.appRawId);
}

/** Rejects an IncomingCall; no event is published (DOC-ACTIONS). @see RejectCall */
export function rejectCall(ctx: EngineContext, request: { incomingCallContext: string; callRejectReason?: string }): void {
  const reason = request.callRejectReason ?? "none";
  // Stryker disable next-line ConditionalExpression,BlockStatement: a callRejectReason outside the spec's enum (or no string) is refused by the spec's request validation with 400, naming it, before the engine runs (16-action-request-checks); the condition's "true" is killed by every reject with a good reason
  if (!["none", "busy", "forbidden"].includes(reason)) {
    // Stryker disable next-line StringLiteral: unreachable through HTTP: the spec's request validation refuses the same reasons first (see above)
    throw new InvalidArgumentError("callRejectReason", "callRejectReason must be one of none, busy, forbidden.");
  }
  takeFault(ctx, "rejectCall");
  const { invitation } = consume(ctx, request.incomingCallContext, "reject");
  const outcome: InvitationOutcome = reason === "busy" ? "busy" : reason === "forbidden" ? "forbidden" : "decline";
  if (invitation) settleSoon(ctx, invitation, outcome);
}

/**
 * Redirects an IncomingCall; no event is published. A redirect to an ACS user or a number
 * the resource owns raises a new IncomingCall whose `to` is the target (DOC-ACTIONS);
 * any other target is rung in the world. An ACS user whose IncomingCall no subscription
 * takes is rung in the world too (their own client answers). The
 * {@link MAX_REDIRECT_HOPS}th redirect fails the call with 483/8521.
 * @see RedirectCall
 */
export function redirectCall(ctx: EngineContext, request: { incomingCallContext: string; target: unknown }): void {
  const target = rawIdFromModel(request.target, "target");
  takeFault(ctx, "redirectCall");
  const { record, invitation } = consume(ctx, request.incomingCallContext, "redirect");
  const call = ctx.store.call(record.serverCallId);
  if (!invitation || invitation.state !== "ringing" || call.ended) return;
  const hops = (invitation.hops ?? 0) + 1;
  if (hops >= MAX_REDIRECT_HOPS) {
    settleSoon(ctx, invitation, "tooManyHops");
    return;
  }
  for (const timer of invitation.timers) ctx.clock.cancel(timer);
  invitation.state = "canceled";
  const acsUser = identifierKind(target) === "communicationUser";
  // Stryker disable next-line ConditionalExpression: its "true" is equivalent: a target of another kind (ACS users are handled apart) is no E.164 number once its prefix is cut, and every number ownsNumber knows is one. Its "false" is killed by 16-incoming-calls ("to another number of the resource raises IncomingCall")
  const phoneNumber = identifierKind(target) === "phoneNumber";
  const toApp = acsUser || (phoneNumber && ownsNumber(ctx, target.slice(2)));
  const purpose = invitation.purpose === "incoming" && !toApp ? "redirect" : invitation.purpose;
  const { invitationId: _id, timers: _t, state: _s, createdAt: _c, ...carried } = invitation;
  const next = invite(ctx, call, {
    ...carried,
    target,
    purpose,
    offeredToApp: toApp,
    invitedAs: invitation.invitedAs ?? invitation.target,
    hops,
    // Stryker disable next-line ConditionalExpression: its "false" is equivalent: purpose stays "incoming" only for an invitation that was "incoming", and every such invitation was made with INCOMING_CALL_TIMEOUT_MS (placeIncomingCall) and carries it. Its "true" is killed by 16-incoming-calls ("keeps the addParticipant's own ringing time")
    timeoutMs: purpose === "incoming" ? INCOMING_CALL_TIMEOUT_MS : invitation.timeoutMs,
  });
  if (!toApp) return;
  const { delivered } = offer(ctx, call, next, record.from, { customContext: record.customContext });
  if (delivered === 0 && acsUser) {
    // Rule (assumed): nobody subscribed takes this user's calls, so their own client rings.
    if (next.purpose === "incoming") next.purpose = "redirect";
    ringInWorld(ctx, next);
  }
}

onInvitationSettled("incoming", (ctx, invitation, outcome) => {
  if (outcome === "accepted") return; // answerCall already joined the app's leg
  endCall(ctx, ctx.store.call(invitation.serverCallId));
});

onInvitationSettled("redirect", (ctx, invitation, outcome) => {
  const call = ctx.store.call(invitation.serverCallId);
  if (outcome === "accepted") join(call, invitation.target);
  else endCall(ctx, call);
});
