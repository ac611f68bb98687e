import type { CommunicationUserIdentifier } from "@azure/communication-common";
import type { RoomsClient } from "@azure/communication-rooms";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { identityClientFor, roomsClientFor, signedRequest } from "../support/directoryClients.js";
import { startHarness, TRANSPORTS, type Harness } from "../support/harness.js";

const DAY_MS = 24 * 3_600_000;

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe.each(TRANSPORTS)("rooms over %s", (transport) => {
  let h: Harness;
  let rooms: RoomsClient;
  let presenter: CommunicationUserIdentifier;
  let attendee: CommunicationUserIdentifier;
  beforeAll(async () => {
    h = await startHarness({ transport });
    rooms = roomsClientFor(h);
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    const identity = identityClientFor(h);
    presenter = await identity.createUser();
    attendee = await identity.createUser();
  });

  test("creates a room open from now for 180 days by default, with a 17-digit id", async () => {
    const room = await rooms.createRoom();
    expect(room.id).toMatch(/^99\d{15}$/);
    expect(room.pstnDialOutEnabled).toBe(false);
    expect(room.validUntil.getTime() - room.validFrom.getTime()).toBe(180 * DAY_MS);
    expect(Math.abs(room.validFrom.getTime() - h.emulator.now())).toBeLessThan(5_000);
    expect(await rooms.getRoom(room.id)).toEqual(room);
  });

  test("creates a room with its window, PSTN dial-out and participants, and lists them", async () => {
    const validFrom = new Date(h.emulator.now());
    const validUntil = new Date(validFrom.getTime() + 15 * 60_000);
    const room = await rooms.createRoom({ validFrom, validUntil, pstnDialOutEnabled: true, participants: [{ id: presenter, role: "Presenter" }, { id: attendee }] });
    expect(room).toMatchObject({ validFrom, validUntil, pstnDialOutEnabled: true });
    const participants = await all(rooms.listParticipants(room.id));
    expect(participants).toEqual([
      { id: { kind: "communicationUser", communicationUserId: presenter.communicationUserId }, role: "Presenter" },
      { id: { kind: "communicationUser", communicationUserId: attendee.communicationUserId }, role: "Attendee" },
    ]);
    const shown = await h.control("GET", "/emulator/rooms");
    expect(shown.body).toEqual([
      expect.objectContaining({ id: room.id, pstnDialOutEnabled: true, participants: [{ rawId: presenter.communicationUserId, role: "Presenter" }, { rawId: attendee.communicationUserId, role: "Attendee" }] }),
    ]);
  });

  test("updates a room's window and PSTN dial-out, keeping what the update leaves out", async () => {
    const room = await rooms.createRoom();
    const validUntil = new Date(room.validFrom.getTime() + DAY_MS);
    const updated = await rooms.updateRoom(room.id, { validUntil, pstnDialOutEnabled: true });
    expect(updated).toMatchObject({ id: room.id, validFrom: room.validFrom, validUntil, pstnDialOutEnabled: true });
    expect(await rooms.getRoom(room.id)).toEqual(updated);
  });

  test("adds, updates and removes participants; removing someone who is not there is no error", async () => {
    const room = await rooms.createRoom({ participants: [{ id: presenter, role: "Presenter" }] });
    await rooms.addOrUpdateParticipants(room.id, [{ id: attendee, role: "Consumer" }, { id: presenter, role: "Collaborator" }]);
    expect((await all(rooms.listParticipants(room.id))).map((p) => p.role)).toEqual(["Collaborator", "Consumer"]);
    await rooms.removeParticipants(room.id, [presenter]);
    await rooms.removeParticipants(room.id, [presenter]);
    expect((await all(rooms.listParticipants(room.id))).map((p) => (p.id as CommunicationUserIdentifier).communicationUserId)).toEqual([attendee.communicationUserId]);
  });

  test("lists every room and deletes one; a deleted room is 404 NotFound, deleting it again 204", async () => {
    const first = await rooms.createRoom();
    const second = await rooms.createRoom();
    expect((await all(rooms.listRooms())).map((r) => r.id)).toEqual([first.id, second.id]);
    await rooms.deleteRoom(first.id);
    await rooms.deleteRoom(first.id);
    const error = await rooms.getRoom(first.id).catch((e) => e);
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe("NotFound");
    expect(error.message).toBe("The server cannot find the requested resource.");
    expect((await all(rooms.listRooms())).map((r) => r.id)).toEqual([second.id]);
  });

  test("refuses a window that ends in the past, or that is longer than 180 days, naming ValidUntil", async () => {
    const now = h.emulator.now();
    const past = await rooms.createRoom({ validUntil: new Date(now - 60_000) }).catch((e) => e);
    expect(past.statusCode).toBe(400);
    expect(past.details.error.details).toEqual([{ code: "BadArgument", message: "The time range end is in the past.", target: "ValidUntil" }]);
    const long = await rooms.createRoom({ validFrom: new Date(now), validUntil: new Date(now + 181 * DAY_MS) }).catch((e) => e);
    expect(long.statusCode).toBe(400);
    expect(long.details.error.details[0].message).toBe("The time range is incorrect, or larger than 180 days.");
  });

  test("refuses a room id of the wrong length with 400 'Invalid room ID length.'", async () => {
    const error = await rooms.getRoom("123").catch((e) => e);
    expect(error.statusCode).toBe(400);
    expect(error.message).toBe("Invalid room ID length.");
  });
});

describe("rooms api-versions", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ transport: "direct" });
  });
  afterAll(() => h.close());

  const send = (method: string, pathAndQuery: string, body?: unknown) => signedRequest(h, method, pathAndQuery, body);

  test("answers 2023-06-14 (Rooms SDK 1.0.0) without pstnDialOutEnabled, which that version does not have", async () => {
    const created = await send("POST", "/rooms?api-version=2023-06-14", { pstnDialOutEnabled: true });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(created.body.id);
    expect(Object.keys(created.body).sort()).toEqual(["createdAt", "id", "validFrom", "validUntil"]);
    const current = await send("GET", `/rooms/${created.body.id}?api-version=2025-03-13`);
    expect(current.body.pstnDialOutEnabled).toBe(false);
  });

  test("refuses a participant that is not an ACS user with 400 'Invalid value for the Participants.' (the SDK refuses it itself)", async () => {
    const created = await send("POST", "/rooms?api-version=2025-03-13", {});
    const refused = await send("PATCH", `/rooms/${created.body.id}/participants?api-version=2025-03-13`, { participants: { "4:+14255550123": { role: "Attendee" } } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: "BadRequest", message: "Invalid value for the Participants." });
    expect(refused.headers["x-ms-error-code"]).toBe("BadRequest");
  });

  test("refuses an api-version Rooms does not have with 400 UnsupportedApiVersion, in its own error shape", async () => {
    const refused = await send("GET", "/rooms?api-version=2026-03-12");
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("UnsupportedApiVersion");
    expect(refused.headers["x-ms-error-code"]).toBe("UnsupportedApiVersion");
    expect(refused.body.error.message).toContain("2025-03-13");
  });
});
