import { after, takeFault, type EngineContext } from "../context.js";
import { endCall, ENDED_BY_API, leave } from "../lifecycle.js";

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
  after(ctx, 0, () => (ringingOut ? endCall(ctx, call, connection) : leave(ctx, call, connection.appRawId, ENDED_BY_API())));
}

/** Ends the call for everyone (POST :terminate). @see CallConnection_TerminateCall */
export function terminateCall(ctx: EngineContext, callConnectionId: string): void {
  const connection = ctx.store.activeConnection(callConnectionId);
  takeFault(ctx, "terminateCall");
  connection.state = "disconnecting";
  after(ctx, 0, () => endCall(ctx, ctx.store.callOf(connection), connection));
}
