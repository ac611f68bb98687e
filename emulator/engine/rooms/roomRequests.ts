import { identifierKind } from "../identifiers.js";
import { badArgument, RoomsError } from "./roomsError.js";

/** Roles a room participant may have (Role in the Rooms spec 2025-03-13). */
export const ROOM_ROLES = ["Presenter", "Attendee", "Consumer", "Collaborator"] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];

/** The longest validity window the service accepts (recorded: "larger than 180 days"); also the default. */
export const ROOM_MAX_VALIDITY_MS = 180 * 24 * 60 * 60_000;

/**
 * Rule (assumed): a room id in a path must be 16 to 18 characters. The service answers "Invalid
 * room ID length." to `123` and `invalid_id` (recorded); the ids it makes have 16 or 17 digits.
 */
export const ROOM_ID_LENGTH = { min: 16, max: 18 } as const;

/** A room's validity window in epoch milliseconds. */
export interface ValidityWindow {
  validFrom: number;
  validUntil: number;
}

/** Checks a room id from a path: the recorded 400 for one of the wrong length. */
export function checkRoomId(roomId: string): void {
  if (roomId.length < ROOM_ID_LENGTH.min || roomId.length > ROOM_ID_LENGTH.max) {
    throw new RoomsError("badRequest", "Invalid room ID length.");
  }
}

/** A date-time field of a request, or undefined when absent or null. */
export function readTime(value: unknown, target: string): number | undefined {
  if (value == null) return undefined;
  const time = typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) throw badArgument(target, `${target} must be an RFC 3339 date-time such as 2026-01-01T09:00:00Z; got ${JSON.stringify(value)}.`);
  return time;
}

/**
 * The window a create or update asks for, checked as the service checks it (recorded): the end
 * must not be in the past, and must come after the start by at most 180 days.
 */
export function checkWindow(window: ValidityWindow, now: number): ValidityWindow {
  if (window.validUntil < now) throw badArgument("ValidUntil", "The time range end is in the past.");
  if (window.validUntil <= window.validFrom || window.validUntil - window.validFrom > ROOM_MAX_VALIDITY_MS) {
    throw badArgument("ValidUntil", "The time range is incorrect, or larger than 180 days.");
  }
  return window;
}

/** pstnDialOutEnabled of a request: a boolean, or undefined when absent or null. */
export function readFlag(value: unknown, target: string): boolean | undefined {
  if (value == null) return undefined;
  if (typeof value !== "boolean") throw badArgument(target, `${target} must be true or false.`);
  return value;
}

/**
 * The participants of a create or update request: rawId → role, or null to remove (which only
 * an update acts on). Rule (recorded): a rawId that is not an ACS user, or an unknown role, is a
 * 400 "Invalid value for the Participants."; (assumed) a participant without a role is an
 * Attendee, the spec's default.
 */
export function readParticipants(value: unknown): Map<string, RoomRole | null> {
  const participants = new Map<string, RoomRole | null>();
  if (value == null) return participants;
  if (typeof value !== "object" || Array.isArray(value)) throw invalidParticipants("participants must be an object keyed by rawId, e.g. {\"8:acs:...\": {\"role\": \"Presenter\"}}.");
  for (const [rawId, properties] of Object.entries(value as Record<string, unknown>)) {
    if (identifierKind(rawId) !== "communicationUser") throw invalidParticipants(`${rawId} is not an ACS user; room participants are 8:acs: ids (CommunicationIdentityClient.createUser).`);
    if (properties === null) {
      participants.set(rawId, null);
      continue;
    }
    const role = typeof properties === "object" && !Array.isArray(properties) ? ((properties as { role?: unknown }).role ?? "Attendee") : undefined;
    if (!(ROOM_ROLES as readonly unknown[]).includes(role)) throw invalidParticipants(`The role of ${rawId} must be one of ${ROOM_ROLES.join(", ")}.`);
    participants.set(rawId, role as RoomRole);
  }
  return participants;
}

function invalidParticipants(why: string): RoomsError {
  return new RoomsError("badRequest", "Invalid value for the Participants.", [{ code: "BadArgument", message: why, target: "Participants" }]);
}
