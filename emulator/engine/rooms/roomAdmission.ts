import { formatEventTime } from "../clock.js";
import type { EngineContext } from "../context.js";
import { CallAutomationError, NotFoundError } from "../errors.js";
import { isPhoneNumber } from "../identifiers.js";
import type { RoomDirectory } from "./rooms.js";

/** Why a room turns someone away: there is no such room, or the room forbids it. */
export interface RoomRefusal {
  reason: "noRoom" | "forbidden";
  message: string;
}

/**
 * Why a room turns someone away from its call, or undefined when they may join. The docs say
 * only invited users join a room call, within its validity window, and that a Presenter may dial
 * out to a phone number when the room has pstnDialOutEnabled (Learn, "Rooms concept").
 * Rule (assumed): the app itself (Call Automation's identity) needs no invitation; the checks
 * apply when someone joins, not to people already in the call when the window closes.
 */
export function roomRefusal(rooms: RoomDirectory, roomId: string, rawId: string | undefined, now: number): RoomRefusal | undefined {
  const refuse = (message: string): RoomRefusal => ({ reason: "forbidden", message });
  const room = rooms.find(roomId);
  if (!room) return { reason: "noRoom", message: `Room ${roomId} does not exist. Create it with RoomsClient.createRoom (POST /rooms) and use the id it returns.` };
  if (now < room.validFrom) return refuse(`Room ${roomId} cannot be joined before its validFrom, ${formatEventTime(room.validFrom)}.`);
  if (now >= room.validUntil) return refuse(`Room ${roomId} cannot be joined after its validUntil, ${formatEventTime(room.validUntil)}.`);
  if (rawId === undefined) return undefined;
  if (isPhoneNumber(rawId)) {
    return room.pstnDialOutEnabled ? undefined : refuse(`Room ${roomId} does not allow dialing out to phone numbers: set pstnDialOutEnabled to true on the room.`);
  }
  if (!room.participants.has(rawId)) return refuse(`${rawId} is not a participant of room ${roomId}: add it with RoomsClient.addOrUpdateParticipants first.`);
  return undefined;
}

/**
 * Lets `rawId` into the call of room `roomId`, or throws what the action answers: 404 (8522)
 * for a room that does not exist, 403 (7504, "insufficient permissions") for one that refuses.
 */
export function admitToRoom(ctx: EngineContext, roomId: string, rawId: string | undefined, field: string): void {
  const refusal = roomRefusal(ctx.rooms, roomId, rawId, ctx.clock.now());
  if (!refusal) return;
  if (refusal.reason === "noRoom") throw new NotFoundError(refusal.message, "roomId");
  throw new CallAutomationError("forbidden", refusal.message, field);
}
