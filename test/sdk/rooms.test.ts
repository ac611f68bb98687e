import type { CommunicationUserIdentifier } from "@azure/communication-common";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { all, roomsSuite, signedRequest } from "../support/directoryClients.js";
import { startHarness, TRANSPORTS, type Harness } from "../support/harness.js";

const DAY_MS = 24 * 3_600_000;

describe.each(TRANSPORTS)("rooms over %s", (transport) => {
  const s = roomsSuite(transport);

  test("creates a room open from now for 180 days by default, with a 17-digit id", async () => {
    const room = await s.rooms.createRoom();
    expect(room.id).toMatch(/^99\d{15}$/);
    expect(room.pstnDialOutEnabled).toBe(false);
    expect(room.validUntil.getTime() - room.validFrom.getTime()).toBe(180 * DAY_MS);
    expect(Math.abs(room.validFrom.getTime() - s.h.emulator.now())).toBeLessThan(5_000);
    expect(await s.rooms.getRoom(room.id)).toEqual(room);
  });

  test("creates a room with its window, PSTN dial-out and participants, and lists them", async () => {
    const validFrom = new Date(s.h.emulator.now());
    const validUntil = new Date(validFrom.getTime() + 15 * 60_000);
    const room = await s.rooms.createRoom({ validFrom, validUntil, pstnDialOutEnabled: true, participants: [{ id: s.presenter, role: "Presenter" }, { id: s.attendee }] });
    expect(room).toMatchObject({ validFrom, validUntil, pstnDialOutEnabled: true });
    const participants = await all(s.rooms.listParticipants(room.id));
    expect(participants).toEqual([
      { id: { kind: "communicationUser", communicationUserId: s.presenter.communicationUserId }, role: "Presenter" },
      { id: { kind: "communicationUser", communicationUserId: s.attendee.communicationUserId }, role: "Attendee" },
    ]);
    const shown = await s.h.control("GET", "/emulator/rooms");
    expect(shown.body).toEqual([
      expect.objectContaining({ id: room.id, pstnDialOutEnabled: true, participants: [{ rawId: s.presenter.communicationUserId, role: "Presenter" }, { rawId: s.attendee.communicationUserId, role: "Attendee" }] }),
    ]);
  });

  test("updates a room's window and PSTN dial-out, keeping what the update leaves out", async () => {
    const room = await s.rooms.createRoom();
    const validUntil = new Date(room.validFrom.getTime() + DAY_MS);
    const updated = await s.rooms.updateRoom(room.id, { validUntil, pstnDialOutEnabled: true });
    expect(updated).toMatchObject({ id: room.id, validFrom: room.validFrom, validUntil, pstnDialOutEnabled: true });
    expect(await s.rooms.getRoom(room.id)).toEqual(updated);
  });

  test("adds, updates and removes participants; removing someone who is not there is no error", async () => {
    const room = await s.rooms.createRoom({ participants: [{ id: s.presenter, role: "Presenter" }] });
    await s.rooms.addOrUpdateParticipants(room.id, [{ id: s.attendee, role: "Consumer" }, { id: s.presenter, role: "Collaborator" }]);
    expect((await all(s.rooms.listParticipants(room.id))).map((p) => p.role)).toEqual(["Collaborator", "Consumer"]);
    await s.rooms.removeParticipants(room.id, [s.presenter]);
    await s.rooms.removeParticipants(room.id, [s.presenter]);
    expect((await all(s.rooms.listParticipants(room.id))).map((p) => (p.id as CommunicationUserIdentifier).communicationUserId)).toEqual([s.attendee.communicationUserId]);
  });

  test("lists every room and deletes one; a deleted room is 404 NotFound, deleting it again 204", async () => {
    const first = await s.rooms.createRoom();
    const second = await s.rooms.createRoom();
    expect((await all(s.rooms.listRooms())).map((r) => r.id)).toEqual([first.id, second.id]);
    await s.rooms.deleteRoom(first.id);
    await s.rooms.deleteRoom(first.id);
    const error = await s.rooms.getRoom(first.id).catch((e) => e);
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe("NotFound");
    expect(error.message).toBe("The server cannot find the requested resource.");
    expect((await all(s.rooms.listRooms())).map((r) => r.id)).toEqual([second.id]);
  });

  test("refuses a window that ends in the past, or that is longer than 180 days, naming ValidUntil", async () => {
    const now = s.h.emulator.now();
    const past = await s.rooms.createRoom({ validUntil: new Date(now - 60_000) }).catch((e) => e);
    expect(past.statusCode).toBe(400);
    expect(past.details.error.details).toEqual([{ code: "BadArgument", message: "The time range end is in the past.", target: "ValidUntil" }]);
    const long = await s.rooms.createRoom({ validFrom: new Date(now), validUntil: new Date(now + 181 * DAY_MS) }).catch((e) => e);
    expect(long.statusCode).toBe(400);
    expect(long.details.error.details[0].message).toBe("The time range is incorrect, or larger than 180 days.");
  });

  test("refuses a room id of the wrong length with 400 'Invalid room ID length.'", async () => {
    const error = await s.rooms.getRoom("123").catch((e) => e);
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

  test("answers 2023-06-14 (Rooms SDK 1.0.0) without pstnDialOutEnabled, and takes Collaborator only from 2025-03-13, as each version's spec has them", async () => {
    const created = await send("POST", "/rooms?api-version=2023-06-14", { pstnDialOutEnabled: true });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(created.body.id);
    expect(Object.keys(created.body).sort()).toEqual(["createdAt", "id", "validFrom", "validUntil"]);
    const current = await send("GET", `/rooms/${created.body.id}?api-version=2025-03-13`);
    expect(current.body.pstnDialOutEnabled).toBe(false);
    const collaborator = { participants: { "8:acs:00000000-0000-4000-8000-000000000000_00000000-0000-4000-8000-000000000001": { role: "Collaborator" } } };
    const refused = await send("PATCH", `/rooms/${created.body.id}/participants?api-version=2024-04-15`, collaborator);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].message).toContain("does not exist in api-version 2024-04-15");
    expect((await send("PATCH", `/rooms/${created.body.id}/participants?api-version=2025-03-13`, collaborator)).status).toBe(200);
  });

  test("creates one room for a repeated Repeatability-Request-ID, and answers the repeat with the first room", async () => {
    const repeat = { "repeatability-request-id": "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "repeatability-first-sent": new Date().toUTCString() };
    const first = await signedRequest(h, "POST", "/rooms?api-version=2025-03-13", {}, true, repeat);
    const again = await signedRequest(h, "POST", "/rooms?api-version=2025-03-13", {}, true, repeat);
    expect(first.headers["repeatability-result"]).toBe("accepted");
    expect(again.body).toEqual(first.body);
    expect((await send("GET", "/rooms?api-version=2025-03-13")).body.value.filter((r: { id: string }) => r.id === first.body.id)).toHaveLength(1);
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
