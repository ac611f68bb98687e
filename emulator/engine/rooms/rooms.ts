import type { Clock } from "../clock.js";
import { formatEventTime } from "../clock.js";
import type { IdGenerator } from "../ids.js";
import { checkRoomId, checkWindow, readFlag, readParticipants, readTime, ROOM_MAX_VALIDITY_MS, type RoomRole } from "./roomRequests.js";
import { RoomsError, ROOM_NOT_FOUND_MESSAGE } from "./roomsError.js";

/** A room of the emulated resource. */
export interface Room {
  id: string;
  createdAt: number;
  validFrom: number;
  validUntil: number;
  pstnDialOutEnabled: boolean;
  participants: Map<string, RoomRole>;
}

/** RoomModel as the service returns it. */
export interface RoomModel {
  id: string;
  createdAt: string;
  validFrom: string;
  validUntil: string;
  pstnDialOutEnabled: boolean;
}

/** The request bodies of create, update and participant update. */
export interface CreateRoomRequest {
  validFrom?: unknown;
  validUntil?: unknown;
  pstnDialOutEnabled?: unknown;
  participants?: unknown;
}

/**
 * The Rooms service of the emulated resource. A room decides who may join its calls and when
 * (see roomAdmission.ts); its times are on callsim's clock.
 * @see Rooms_* and Participants_* in the Rooms spec 2025-03-13
 */
export class RoomDirectory {
  private readonly rooms = new Map<string, Room>();

  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /**
   * Creates a room; validFrom defaults to now and validUntil to 180 days after it (spec).
   * @see Rooms_Create
   */
  create(request: CreateRoomRequest = {}): RoomModel {
    const body = request ?? {};
    const now = this.clock.now();
    const validFrom = readTime(body.validFrom, "ValidFrom") ?? now;
    const validUntil = readTime(body.validUntil, "ValidUntil") ?? validFrom + ROOM_MAX_VALIDITY_MS;
    checkWindow({ validFrom, validUntil }, now);
    const pstnDialOutEnabled = readFlag(body.pstnDialOutEnabled, "PstnDialOutEnabled") ?? false;
    const participants = new Map<string, RoomRole>();
    // Rule (assumed): a null (a removal) in a create has no one to remove, so it adds no one.
    for (const [rawId, role] of readParticipants(body.participants)) if (role) participants.set(rawId, role);
    const room: Room = { id: this.roomId(), createdAt: now, validFrom, validUntil, pstnDialOutEnabled, participants };
    this.rooms.set(room.id, room);
    return roomModel(room);
  }

  /** @see Rooms_Get */
  get(roomId: string): RoomModel {
    return roomModel(this.room(roomId));
  }

  /** Changes a room's window or PSTN dial-out; what the request leaves out stays. @see Rooms_Update */
  update(roomId: string, request: CreateRoomRequest = {}): RoomModel {
    const room = this.room(roomId);
    const body = request ?? {};
    const window = checkWindow(
      { validFrom: readTime(body.validFrom, "ValidFrom") ?? room.validFrom, validUntil: readTime(body.validUntil, "ValidUntil") ?? room.validUntil },
      this.clock.now(),
    );
    const pstnDialOutEnabled = readFlag(body.pstnDialOutEnabled, "PstnDialOutEnabled");
    Object.assign(room, window);
    if (pstnDialOutEnabled !== undefined) room.pstnDialOutEnabled = pstnDialOutEnabled;
    return roomModel(room);
  }

  /** Every room, oldest first. @see Rooms_List */
  list(): RoomModel[] {
    return [...this.rooms.values()].map(roomModel);
  }

  /** Deletes a room; deleting one already gone answers 204 again (recorded). @see Rooms_Delete */
  delete(roomId: string): void {
    checkRoomId(roomId);
    this.rooms.delete(roomId);
  }

  /** @see Participants_List */
  participants(roomId: string): Array<{ rawId: string; role: RoomRole }> {
    return [...this.room(roomId).participants].map(([rawId, role]) => ({ rawId, role }));
  }

  /**
   * Adds or updates participants, and removes those set to null; removing someone who is not in
   * the room is no error (recorded: 200 `{}`). @see Participants_Update
   */
  updateParticipants(roomId: string, request: { participants?: unknown } = {}): Record<string, never> {
    const room = this.room(roomId);
    const changes = readParticipants(request.participants);
    for (const [rawId, role] of changes) {
      if (role) room.participants.set(rawId, role);
      else room.participants.delete(rawId);
    }
    return {};
  }

  /** Every room with its participants, for the control plane (`GET /emulator/rooms`). */
  snapshot(): Array<RoomModel & { participants: Array<{ rawId: string; role: RoomRole }> }> {
    return [...this.rooms.values()].map((room) => ({ ...roomModel(room), participants: [...room.participants].map(([rawId, role]) => ({ rawId, role })) }));
  }

  /** The room itself, for the rules of who may join its calls; undefined when it does not exist. */
  find(roomId: string): Room | undefined {
    return this.rooms.get(roomId);
  }

  /** Forgets every room (the control plane's reset). */
  clear(): void {
    this.rooms.clear();
  }

  private room(roomId: string): Room {
    checkRoomId(roomId);
    const room = this.rooms.get(roomId);
    if (!room) throw new RoomsError("notFound", ROOM_NOT_FOUND_MESSAGE);
    return room;
  }

  /** 17 digits starting `99`, as the service's room ids look (recorded); seeded: 15 digits of a uuid's 122 random bits. */
  private roomId(): string {
    let id: string;
    do {
      const digits = BigInt(`0x${this.ids.uuid().replace(/-/g, "")}`) % ROOM_ID_SPACE;
      id = `99${digits.toString().padStart(15, "0")}`;
    } while (this.rooms.has(id));
    return id;
  }
}

/** How many ids the 15 digits after `99` can make. */
const ROOM_ID_SPACE = 10n ** 15n;

function roomModel(room: Room): RoomModel {
  return {
    id: room.id,
    createdAt: formatEventTime(room.createdAt),
    validFrom: formatEventTime(room.validFrom),
    validUntil: formatEventTime(room.validUntil),
    pstnDialOutEnabled: room.pstnDialOutEnabled,
  };
}
