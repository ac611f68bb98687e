import { after, type EngineContext } from "../context.js";
import { InvalidArgumentError, NotFoundError } from "../errors.js";
import { checkRawId, toIdentifierModel } from "../identifiers.js";
import { settleInvitation } from "../invitations.js";
import { join, leave, openCall } from "../lifecycle.js";
import type { ServerCall } from "../model.js";
import { admitToRoom } from "../rooms/roomAdmission.js";

/** What `POST /emulator/calls` takes: a call started outside the app. */
export interface ExternalCallInput {
  participants: string[];
  groupCallId?: string;
  roomId?: string;
}

/**
 * Starts a call among simulated parties (1:1, group or room) that the app can then connect
 * to; Event Grid subscribers get CallStarted.
 */
export function startExternalCall(ctx: EngineContext, input: ExternalCallInput): ServerCall {
  if (!Array.isArray(input.participants) || input.participants.length === 0 || input.participants.some((p) => typeof p !== "string" || !p)) {
    throw new InvalidArgumentError("participants", "participants must list the rawIds of the people in the call, e.g. [\"4:+14255550123\", \"8:acs:...\"].");
  }
  input.participants.forEach((rawId, i) => checkRawId(rawId, `participants[${i}]`));
  for (const [field, value] of [["groupCallId", input.groupCallId], ["roomId", input.roomId]] as const) {
    if (value !== undefined && (typeof value !== "string" || !value)) throw new InvalidArgumentError(field, `${field} must be a non-empty string.`);
  }
  if (input.groupCallId && ctx.store.findByGroupCallId(input.groupCallId)) {
    throw new InvalidArgumentError("groupCallId", `A call for group ${input.groupCallId} is already going on.`);
  }
  if (input.roomId && ctx.store.findByRoomId(input.roomId)) {
    throw new InvalidArgumentError("roomId", `A call in room ${input.roomId} is already going on.`);
  }
  // A room call is a call of a room created through the Rooms API, among the room's participants.
  if (input.roomId) input.participants.forEach((rawId, i) => admitToRoom(ctx, input.roomId!, rawId, `participants[${i}]`));
  const origin = input.roomId ? "room" : input.groupCallId ? "group" : "external";
  const call = openCall(ctx, origin, { groupCallId: input.groupCallId, roomId: input.roomId });
  for (const rawId of input.participants) join(call, rawId);
  ctx.eventGrid.publish(
    "CallStarted",
    `call/${call.serverCallId}/startedBy/${input.participants[0]}`,
    {
      startedBy: { communicationIdentifier: toIdentifierModel(input.participants[0]), role: input.roomId ? "Presenter" : "Attendee" },
      serverCallId: call.serverCallId,
      group: input.groupCallId ? { id: input.groupCallId } : undefined,
      room: input.roomId ? { id: input.roomId } : undefined,
      isTwoParty: input.participants.length === 2 && !input.groupCallId && !input.roomId,
      correlationId: call.correlationId,
      isRoomsCall: !!input.roomId,
    },
    call.serverCallId,
  );
  return call;
}

/**
 * A simulated party hangs up. A caller who leaves while still ringing the app abandons the call.
 * When that leaves the app alone, its leg hears 5010 (lifecycle `leave`).
 */
export function partyHangUp(ctx: EngineContext, serverCallId: string, rawId: string): void {
  const call = ctx.store.call(serverCallId);
  if (call.ended) throw new NotFoundError(`Call ${serverCallId} has already ended.`, "serverCallId");
  const participant = call.participants.get(rawId);
  if (!participant) {
    throw new NotFoundError(`${rawId} is not in call ${serverCallId}. GET /emulator/calls lists who is.`, "rawId");
  }
  if (participant.callConnectionId) {
    throw new InvalidArgumentError("rawId", `${rawId} is the app's own leg; hang it up through the call connection API instead.`);
  }
  after(ctx, 0, () => {
    for (const invitation of ctx.store.ringingInvitations(call)) {
      if (invitation.purpose === "incoming" || invitation.purpose === "redirect") settleInvitation(ctx, invitation, "canceled");
    }
    leave(ctx, call, rawId);
  });
}
