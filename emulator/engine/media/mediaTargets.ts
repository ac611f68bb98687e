import type { EngineContext } from "../context.js";
import { CallNotEstablishedError, InvalidArgumentError } from "../errors.js";
import { rawIdFromModel } from "../identifiers.js";
import type { CallConnection, Participant } from "../model.js";

/** The connection, which must be connected for media actions (8501 otherwise). */
export function mediaConnection(ctx: EngineContext, callConnectionId: string): CallConnection {
  const connection = ctx.store.activeConnection(callConnectionId);
  if (connection.state === "connecting") throw new CallNotEstablishedError(callConnectionId);
  return connection;
}

/** A participant of the connection's call other than the app itself, named by `field`. */
export function otherParticipant(ctx: EngineContext, connection: CallConnection, model: unknown, field: string): Participant {
  // Missing, which the spec's request validation refuses first, or null, which it lets through.
  if (model == null) throw new InvalidArgumentError(field, `${field} is required: the participant to act on.`);
  const rawId = rawIdFromModel(model, field);
  if (rawId === connection.appRawId) throw new InvalidArgumentError(field, `${field} is the app itself; name another participant of the call.`);
  return ctx.store.participant(ctx.store.callOf(connection), rawId, field);
}
