import { after, emitParticipantsUpdated, takeFault, type EngineContext } from "../context.js";
import { InvalidArgumentError } from "../errors.js";
import { resultInformation, withNote } from "../events.js";
import { connectLeg, join, openConnection } from "../lifecycle.js";
import type { CallConnection, ServerCall } from "../model.js";
import { configureMedia } from "../media/mediaState.js";
import { roomRefusal } from "../rooms/roomAdmission.js";
import { checkCallbackUri, optionalString } from "../validation.js";
import { failTerminally } from "./incomingCall.js";

/** The ConnectRequest fields callsim acts on. */
export interface ConnectRequest {
  callLocator: { kind?: string; serverCallId?: string; groupCallId?: string; roomId?: string };
  callbackUri: string;
  operationContext?: string;
  [other: string]: unknown;
}

/**
 * Joins the app to a call that is already going on, found by server call, group or room locator.
 * Rule (assumed): a locator that names no live call still answers 200, and ConnectFailed
 * (404/8522) follows, as DOC-ACTIONS says failure to connect "results in ConnectFailed event".
 * @see Connect in the 2026-03-12 spec
 */
export function connectCall(ctx: EngineContext, request: ConnectRequest, apiVersion: string): CallConnection {
  const callbackUri = checkCallbackUri(request.callbackUri, "callbackUri");
  const locator = request.callLocator;
  // A null callLocator passes the spec check and is refused here (test/regressions/16-action-request-checks).
  if (
    !locator ||
    // Stryker disable next-line ConditionalExpression: a callLocator that is neither null nor an object is refused by the spec's request validation with 400 before the engine runs (16-action-request-checks: "a callLocator that is no object"); its "true" is killed by every connect
    typeof locator !== "object"
  )
    throw new InvalidArgumentError("callLocator", "callLocator is required.");
  const { kind, key, value } = readLocator(locator);
  const fault = takeFault(ctx, "connectCall");
  const found = findCall(ctx, kind, value);
  const call = found ?? placeholderCall(ctx);
  const connection = openConnection(ctx, call, {
    callbackUri,
    apiVersion,
    appRawId: ctx.appIdentity,
    source: ctx.appIdentity,
    // Stryker disable next-line StringLiteral: a non-string operationContext is refused by the spec's request validation with 400, naming it, before the engine runs (16-action-request-checks)
    operationContext: optionalString(request.operationContext, "operationContext"),
  });
  configureMedia(connection, request, () => ctx.ids.uuid());
  // Rule (assumed): a room outside its validity window refuses the app too (403/7504, ConnectFailed).
  const closed = found?.roomId ? roomRefusal(ctx.rooms, found.roomId, undefined, ctx.clock.now()) : undefined;
  if (fault || !found || closed) {
    const result = fault
      ? resultInformation(fault.status, fault.subCode, fault.message)
      : closed
        ? resultInformation(403, 7504, closed.message)
        : withNote(resultInformation(404, 8522, "Call not found."), `No call was found for ${key} ${value}. Start one with POST /emulator/calls first.`);
    after(ctx, 0, () => failTerminally(ctx, connection, "ConnectFailed", result));
    return connection;
  }
  // The app's identity may already be in the call (its other leg): then only this leg hears the roster.
  const rosterChanges = !call.participants.has(ctx.appIdentity);
  join(call, ctx.appIdentity, connection.callConnectionId);
  after(ctx, 0, () => connectLeg(ctx, call, connection, "connect", rosterChanges ? { include: [connection] } : { only: [connection] }));
  if (!rosterChanges) {
    after(ctx, CONNECT_ROSTER_AGAIN_MS, () => {
      if (connection.state === "connected" && !call.ended) emitParticipantsUpdated(ctx, call, { only: [connection] });
    });
  }
  return connection;
}

/**
 * Rule (REC-NET CreateCallToAcsConnectCallAndHangup*Test(+Async), 4 of 4): a connectCall leg
 * joining a call its identity is already in hears the same roster a second time, to it alone,
 * 0.24-0.68 s after CallConnected (seq 2 before CallConnected, seq 3 after). Why is not known.
 */
export const CONNECT_ROSTER_AGAIN_MS = 300;

type LocatorKind = "serverCallLocator" | "groupCallLocator" | "roomCallLocator";

function readLocator(locator: ConnectRequest["callLocator"]): { kind: LocatorKind; key: string; value: string } {
  const keys: Record<LocatorKind, "serverCallId" | "groupCallId" | "roomId"> = {
    serverCallLocator: "serverCallId",
    groupCallLocator: "groupCallId",
    roomCallLocator: "roomId",
  };
  const kind = (locator.kind ?? (Object.keys(keys) as LocatorKind[]).find((k) => locator[keys[k]] !== undefined)) as LocatorKind | undefined;
  if (!kind || !(kind in keys)) {
    throw new InvalidArgumentError("callLocator.kind", "callLocator.kind must be one of serverCallLocator, groupCallLocator, roomCallLocator.");
  }
  const key = keys[kind];
  const value = locator[key];
  if (typeof value !== "string" || value.length === 0) {
    throw new InvalidArgumentError(`callLocator.${key}`, `callLocator.${key} is required for a ${kind}.`);
  }
  return { kind, key, value };
}

function findCall(ctx: EngineContext, kind: LocatorKind, value: string): ServerCall | undefined {
  if (kind === "groupCallLocator") return ctx.store.findByGroupCallId(value);
  if (kind === "roomCallLocator") return ctx.store.findByRoomId(value);
  const call = ctx.store.calls.get(value);
  return call && !call.ended ? call : undefined;
}

/** A connection needs a call to belong to even when connecting fails; this one is already over. */
function placeholderCall(ctx: EngineContext): ServerCall {
  const call: ServerCall = {
    serverCallId: ctx.ids.serverCallId(),
    correlationId: ctx.ids.uuid(),
    origin: "external",
    participants: new Map(),
    connectionIds: [],
    sequenceNumber: 0,
    ended: true,
    startedAt: ctx.clock.now(),
  };
  ctx.store.calls.set(call.serverCallId, call);
  return call;
}
