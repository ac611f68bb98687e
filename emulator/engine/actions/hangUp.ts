import { after, takeFault, type EngineContext } from "../context.js";
import { ENDED_BY_API, terminatedByOtherLeg } from "../callEndings.js";
import { disconnectLeg, endCall, leave } from "../lifecycle.js";
import type { CallConnection } from "../model.js";

/**
 * The app leaves the call (DELETE). In a 1:1 call that ends it for the other party too, since
 * a call needs two participants (DOC-ACTIONS); in a group call only the app's leg goes.
 * A leg still ringing out (createCall not answered) cancels its call.
 * @see CallConnection_HangupCall
 */
export function hangUp(ctx: EngineContext, callConnectionId: string): void {
  const connection = ctx.store.activeConnection(callConnectionId);
  takeFault(ctx, "hangUp");
  const call = ctx.store.callOf(connection);
  const ringingOut = connection.state === "connecting";
  connection.state = "disconnecting";
  after(ctx, 0, () => {
    if (ringingOut) return endCall(ctx, call, terminated(ctx, connection));
    // A leg that shares its identity with another app leg in the call (connectCall) is not a
    // participant of its own: it goes alone and the roster stays.
    if (call.participants.get(connection.appRawId)?.callConnectionId !== connection.callConnectionId) return disconnectLeg(ctx, connection, ENDED_BY_API());
    leave(ctx, call, connection.appRawId);
  });
}

/** Ends the call for everyone (POST :terminate). @see CallConnection_TerminateCall */
export function terminateCall(ctx: EngineContext, callConnectionId: string): void {
  const connection = ctx.store.activeConnection(callConnectionId);
  takeFault(ctx, "terminateCall");
  connection.state = "disconnecting";
  after(ctx, 0, () => endCall(ctx, ctx.store.callOf(connection), terminated(ctx, connection)));
}

/** The initiator hears 7000; the app's other legs what the `terminate` variant says. */
function terminated(ctx: EngineContext, initiator: CallConnection) {
  const others = terminatedByOtherLeg(ctx.variants);
  return (connection: CallConnection) => (connection === initiator ? ENDED_BY_API() : others);
}
