import { stopCallRecording } from "./actions/recording.js";
import { after, emit, emitParticipantsUpdated, type EngineContext, type RosterChange } from "./context.js";
import { ENDED_BY_API, ONLY_ONE_PARTICIPANT_REMAINING } from "./callEndings.js";
import { connectionEventSource, type ResultInformation } from "./events.js";
import { stopMedia } from "./media/mediaQueue.js";
import { startStreamingOnConnect } from "./media/streaming.js";
import type { CallConnection, CallOrigin, ServerCall } from "./model.js";
import { firstEventsOrder, type LegOrigin } from "./variants.js";

export { ENDED_BY_API } from "./callEndings.js";

/** Opens a server call. */
export function openCall(ctx: EngineContext, origin: CallOrigin, extra: Partial<ServerCall> = {}): ServerCall {
  const call: ServerCall = {
    serverCallId: ctx.ids.serverCallId(),
    correlationId: ctx.ids.uuid(),
    origin,
    participants: new Map(),
    connectionIds: [],
    sequenceNumber: 0,
    ended: false,
    startedAt: ctx.clock.now(),
    ...extra,
  };
  ctx.store.calls.set(call.serverCallId, call);
  return call;
}

/** Opens the app's connection to `call`, in state `connecting`. */
export function openConnection(
  ctx: EngineContext,
  call: ServerCall,
  fields: Pick<CallConnection, "callbackUri" | "appRawId" | "apiVersion"> & Partial<Omit<CallConnection, "callConnectionId" | "eventSource">>,
): CallConnection {
  const callConnectionId = ctx.ids.uuid();
  const connection: CallConnection = {
    callConnectionId,
    serverCallId: call.serverCallId,
    correlationId: call.correlationId,
    state: "connecting",
    targets: [],
    disconnectedEmitted: false,
    eventSource: connectionEventSource(callConnectionId),
    ...fields,
  };
  ctx.store.connections.set(connection.callConnectionId, connection);
  call.connectionIds.push(connection.callConnectionId);
  return connection;
}

/** Adds someone to the call (an app leg when `callConnectionId` is given). */
export function join(call: ServerCall, rawId: string, callConnectionId?: string): void {
  if (call.ended || call.participants.has(rawId)) return;
  call.participants.set(rawId, { rawId, isMuted: false, isOnHold: false, callConnectionId });
}

/**
 * Marks a connecting leg connected and tells it so: CallConnected and its first roster, in the
 * order legs of its `origin` hear them (variants `createCallOrder`, `answerOrder`, `connectOrder`). By default the roster is a
 * change every leg hears; a leg that joined without changing who is in the call passes
 * `{ only: [connection] }` (REC-NET: the creator leg heard no roster when a connectCall leg
 * joined, and the joining leg's first roster was numbered 2).
 */
export function connectLeg(ctx: EngineContext, call: ServerCall, connection: CallConnection, origin: LegOrigin, roster: RosterChange = { include: [connection] }): void {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a guard no caller reaches: each leg is connected once, by the handler of the one invitation or action that made it, and only while its call stands
  if (connection.state !== "connecting" || call.ended) return;
  const order = firstEventsOrder(ctx.variants, origin);
  if (order === "rosterFirst") emitParticipantsUpdated(ctx, call, roster);
  connection.state = "connected";
  emit(ctx, connection, "CallConnected", { operationContext: connection.operationContext, resultInformation: { code: 200, subCode: 0, message: "" } });
  if (order === "connectedFirst") emitParticipantsUpdated(ctx, call, roster);
  startStreamingOnConnect(ctx, connection);
}

/** Why someone left, for the CallDisconnected of the legs it concerns. */
export interface Leaving {
  /** The leaving leg's CallDisconnected, when the leaver is an app leg (default: 7000, it hung up). */
  leaver?: ResultInformation;
  /** The app legs left alone when the call ends for want of two participants (default: 5010). */
  remaining?: ResultInformation;
  /** Who made them leave (a remover), and what that leg hears if the call ends. */
  by?: { connection: CallConnection; result: ResultInformation };
}

/**
 * Someone leaves. A call needs at least two participants (JS live tests), so when fewer
 * remain the call ends for everyone; otherwise the others get the new roster.
 * CreateCallToAcsConnectCallAndHangupTest: the leg that hangs up hears 7000, the leg left
 * alone 5010.
 */
export function leave(ctx: EngineContext, call: ServerCall, rawId: string, leaving: Leaving = {}): void {
  const participant = call.participants.get(rawId);
  if (!participant || call.ended) return;
  call.participants.delete(rawId);
  if (participant.callConnectionId) {
    const leg = ctx.store.connections.get(participant.callConnectionId);
    if (leg) disconnectLeg(ctx, leg, leaving.leaver ?? ENDED_BY_API());
  }
  if (call.participants.size >= 2) return emitParticipantsUpdated(ctx, call);
  const remaining = leaving.remaining ?? ONLY_ONE_PARTICIPANT_REMAINING();
  endCall(ctx, call, (connection) => (connection === leaving.by?.connection ? leaving.by.result : remaining));
}

/**
 * Ends a call for everyone; `outcome` says what each live leg hears (by default the 5010 of
 * a leg left alone).
 */
export function endCall(ctx: EngineContext, call: ServerCall, outcome: (connection: CallConnection) => ResultInformation = ONLY_ONE_PARTICIPANT_REMAINING): void {
  // Stryker disable next-line ConditionalExpression: a guard no caller reaches: a call is ended once, by the action or world event that finds it live
  if (call.ended) return;
  call.ended = true;
  stopCallRecording(ctx, call);
  for (const invitation of ctx.store.ringingInvitations(call)) cancelInvitationTimers(ctx, invitation);
  for (const connection of ctx.store.liveConnections(call)) {
    disconnectLeg(ctx, connection, outcome(connection));
  }
  call.participants.clear();
  ctx.store.retire(call);
}

/** The leg is gone: its state flips now (so REST answers 404), CallDisconnected follows. */
export function disconnectLeg(ctx: EngineContext, connection: CallConnection, result: ResultInformation): void {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a guard no caller reaches: callers disconnect only live legs (endCall takes liveConnections; hang-up and removal find the leg active first), and emit() sends nothing after CallDisconnected anyway
  if (connection.disconnectedEmitted || connection.state === "disconnected") return;
  connection.state = "disconnected";
  stopMedia(ctx, connection);
  // Stryker disable next-line StringLiteral: a timer's label names it in clock.pending() for people reading a stuck run; no behaviour reads it
  const label = `CallDisconnected ${connection.callConnectionId}`;
  after(ctx, 0, () => {
    connection.state = "disconnected";
    emitDisconnected(ctx, connection, result);
  }, label);
}

function emitDisconnected(ctx: EngineContext, connection: CallConnection, result: ResultInformation): void {
  // emit() refuses to send after CallDisconnected; the state is already "disconnected" here on purpose.
  emit(ctx, connection, "CallDisconnected", { operationContext: connection.operationContext, resultInformation: result });
}

function cancelInvitationTimers(ctx: EngineContext, invitation: { state: string; timers: { id: number }[] }): void {
  invitation.state = "canceled";
  for (const timer of invitation.timers) ctx.clock.cancel(timer);
}
