import type { CommunicationUserIdentifier } from "@azure/communication-common";
import { describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/emulator.js";
import type { Clock } from "../../emulator/engine/clock.js";
import type { IdGenerator } from "../../emulator/engine/ids.js";
import { RoomDirectory } from "../../emulator/engine/rooms/rooms.js";
import { all, roomsSuite, signedRequest } from "../support/directoryClients.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

// Issue 16: what the Rooms service refuses and why was asserted only for a few cases: the id
// length's edges, the window's edges, the participants' shapes and roles, the BadArgument
// details that say which field to fix, and the moment a room closes.

const DAY_MS = 24 * 3_600_000;
/** The recorded message of every bad-argument refusal; the detail says which argument. */
const MALFORMED = "The request could not be understood by the server due to malformed syntax.";

describe.each(TRANSPORTS)("rooms requests over %s", (transport) => {
  const s = roomsSuite(transport);
  /** The virtual clock is exact to the millisecond; the server's real clock moves on between requests. */
  const exactClock = test.skipIf(transport === "server");

  test("a room id of 16 to 18 characters is looked up (404 for none), a shorter or longer one is 400", async () => {
    for (const [id, status] of [["9".repeat(15), 400], ["9".repeat(16), 404], ["9".repeat(18), 404], ["9".repeat(19), 400]] as const) {
      const error = await s.rooms.getRoom(id).catch((e) => e);
      expect(error.statusCode, id).toBe(status);
      expect(error.message, id).toBe(status === 400 ? "Invalid room ID length." : "The server cannot find the requested resource.");
    }
    const deleted = await s.rooms.deleteRoom("9".repeat(15)).catch((e) => e);
    expect(deleted.statusCode).toBe(400);
    await s.rooms.deleteRoom("9".repeat(16));
  });

  test("a window that ends before it starts, or when it starts, is refused naming ValidUntil; an update is checked the same", async () => {
    const start = s.h.emulator.now() + DAY_MS;
    for (const end of [start, start - 60_000]) {
      const error = await s.rooms.createRoom({ validFrom: new Date(start), validUntil: new Date(end) }).catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe("BadRequest");
      expect(error.message).toBe(MALFORMED);
      expect(error.details.error.details).toEqual([{ code: "BadArgument", message: "The time range is incorrect, or larger than 180 days.", target: "ValidUntil" }]);
    }
    const longest = await s.rooms.createRoom({ validFrom: new Date(start), validUntil: new Date(start + 180 * DAY_MS) });
    const tooLong = await s.rooms.updateRoom(longest.id, { validUntil: new Date(start + 180 * DAY_MS + 1_000) }).catch((e) => e);
    expect(tooLong.details.error.details).toEqual([{ code: "BadArgument", message: "The time range is incorrect, or larger than 180 days.", target: "ValidUntil" }]);
    const empty = await s.rooms.updateRoom(longest.id, { validUntil: new Date(start) }).catch((e) => e);
    expect(empty.statusCode).toBe(400);
    expect(await s.rooms.getRoom(longest.id)).toEqual(longest);
  });

  exactClock("a window may end right now, and a room created without times opens now for 180 days", async () => {
    const now = s.h.emulator.now();
    const endsNow = await s.rooms.createRoom({ validFrom: new Date(now - 60_000), validUntil: new Date(now) });
    expect(endsNow.validUntil.getTime()).toBe(now);
    const ended = await s.rooms.createRoom({ validFrom: new Date(now - 60_000), validUntil: new Date(now - 1) }).catch((e) => e);
    expect(ended.details.error.details).toEqual([{ code: "BadArgument", message: "The time range end is in the past.", target: "ValidUntil" }]);
    const room = await s.rooms.createRoom();
    expect(room.validFrom.getTime()).toBe(now);
    expect(room.createdOn.getTime()).toBe(now);
    expect(room.validUntil.getTime()).toBe(now + 180 * DAY_MS);
    const later = await s.rooms.createRoom({ validFrom: new Date(now + DAY_MS) });
    expect(later.validUntil.getTime()).toBe(now + 181 * DAY_MS);
  });

  test("an update changes only what it names: the window stays when only PSTN dial-out changes, and dial-out stays when only the window does", async () => {
    const validFrom = new Date(s.h.emulator.now() + 60_000);
    const room = await s.rooms.createRoom({ validFrom, validUntil: new Date(validFrom.getTime() + DAY_MS), pstnDialOutEnabled: true });
    const windowOnly = await s.rooms.updateRoom(room.id, { validUntil: new Date(validFrom.getTime() + 2 * DAY_MS) });
    expect(windowOnly).toMatchObject({ validFrom, validUntil: new Date(validFrom.getTime() + 2 * DAY_MS), pstnDialOutEnabled: true });
    const dialOutOnly = await s.rooms.updateRoom(room.id, { pstnDialOutEnabled: false });
    expect(dialOutOnly).toMatchObject({ validFrom, validUntil: windowOnly.validUntil, pstnDialOutEnabled: false });
    const startOnly = await s.rooms.updateRoom(room.id, { validFrom: new Date(validFrom.getTime() + 3_600_000) });
    expect(startOnly).toMatchObject({ validFrom: new Date(validFrom.getTime() + 3_600_000), validUntil: windowOnly.validUntil, pstnDialOutEnabled: false });
    expect(await s.rooms.getRoom(room.id)).toEqual(startOnly);
  });

  test("every room gets its own id of 99 and 15 digits", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await s.rooms.createRoom()).id);
    for (const id of ids) expect(id).toMatch(/^99\d{15}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await all(s.rooms.listRooms())).map((r) => r.id)).toEqual(ids);
  });

  test("a participant added without a role is an Attendee, and one removed is no longer listed", async () => {
    const room = await s.rooms.createRoom({ participants: [{ id: s.presenter, role: "Presenter" }] });
    await s.rooms.addOrUpdateParticipants(room.id, [{ id: s.attendee }]);
    const ids = async () => (await all(s.rooms.listParticipants(room.id))).map((p) => [(p.id as CommunicationUserIdentifier).communicationUserId, p.role]);
    expect(await ids()).toEqual([[s.presenter.communicationUserId, "Presenter"], [s.attendee.communicationUserId, "Attendee"]]);
    await s.rooms.removeParticipants(room.id, [s.attendee]);
    expect(await ids()).toEqual([[s.presenter.communicationUserId, "Presenter"]]);
    const missing = await all(s.rooms.listParticipants("9".repeat(17))).catch((e) => e);
    expect(missing.statusCode).toBe(404);
  });

  exactClock("a room admits callers until just before its validUntil and refuses them from that instant", async () => {
    const now = s.h.emulator.now();
    const window = { validFrom: new Date(now), validUntil: new Date(now + 60_000), participants: [{ id: s.presenter, role: "Presenter" as const }] };
    const [first, second] = [await s.rooms.createRoom(window), await s.rooms.createRoom(window)];
    await s.h.emulator.advance(59_999);
    const open = await s.h.control("POST", "/emulator/calls", { participants: [s.presenter.communicationUserId], roomId: first.id });
    expect(open.status).toBe(201);
    await s.h.emulator.advance(1);
    const closed = await s.h.control("POST", "/emulator/calls", { participants: [s.presenter.communicationUserId], roomId: second.id });
    expect(closed.status).toBe(403);
    expect(closed.body.error.message).toContain(`Room ${second.id} cannot be joined after its validUntil, ${second.validUntil.toISOString().slice(0, 23)}0000+00:00.`);
  });

  test("a room call in a room that does not exist is a 404 naming roomId", async () => {
    const missing = await s.h.control("POST", "/emulator/calls", { participants: [s.presenter.communicationUserId], roomId: "99000000000000001" });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ target: "roomId", message: expect.stringContaining("Room 99000000000000001 does not exist") });
  });
});

/** Requests the Rooms SDK cannot send: wrong types, arrays, null removals in a create, unknown roles. */
describe("rooms requests the SDK cannot send", () => {
  const h = useHarness({ transport: "direct" });

  const user = (n: number) => `8:acs:16161616-1616-1616-1616-161616161616_0000000${n}-0000-0000-0000-000000000000`;
  const send = (method: string, path: string, body?: unknown) => signedRequest(h, method, `${path}?api-version=2025-03-13`, body);
  const badArgument = (target: string, message: unknown) => ({ code: "BadRequest", message: MALFORMED, details: [{ code: "BadArgument", message, target }] });
  const badParticipants = (message: unknown) => ({ code: "BadRequest", message: "Invalid value for the Participants.", details: [{ code: "BadArgument", message, target: "Participants" }] });

  test("a time that is not an RFC 3339 date-time, or a dial-out flag that is not a boolean, is a 400 naming the field and the value", async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ validFrom: "next tuesday" }, "ValidFrom", 'ValidFrom must be an RFC 3339 date-time such as 2026-01-01T09:00:00Z; got "next tuesday".'],
      [{ validUntil: 1_767_258_000_000 }, "ValidUntil", "ValidUntil must be an RFC 3339 date-time such as 2026-01-01T09:00:00Z; got 1767258000000."],
      [{ pstnDialOutEnabled: "yes" }, "PstnDialOutEnabled", "PstnDialOutEnabled must be true or false."],
    ];
    const { body: room } = await send("POST", "/rooms", {});
    for (const [body, target, message] of cases) {
      for (const [method, path] of [["POST", "/rooms"], ["PATCH", `/rooms/${room.id}`]]) {
        const refused = await send(method, path, body);
        expect(refused.status, `${method} ${JSON.stringify(body)}`).toBe(400);
        expect(refused.body.error).toEqual(badArgument(target, message));
      }
    }
    expect((await send("GET", `/rooms/${room.id}`)).body).toEqual(room);
  });

  test("participants that are not an object keyed by rawId are a 400 saying what shape to send", async () => {
    for (const participants of [[{ rawId: user(1), role: "Presenter" }], user(1), 7]) {
      const refused = await send("POST", "/rooms", { participants });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toEqual(badParticipants('participants must be an object keyed by rawId, e.g. {"8:acs:...": {"role": "Presenter"}}.'));
    }
    expect((await send("GET", "/rooms")).body.value).toEqual([]);
  });

  test("a participant that is not an ACS user, or whose role is not one of the four, is a 400 naming it", async () => {
    const phone = await send("POST", "/rooms", { participants: { "4:+14255550123": { role: "Attendee" } } });
    expect(phone.body.error).toEqual(badParticipants("4:+14255550123 is not an ACS user; room participants are 8:acs: ids (CommunicationIdentityClient.createUser)."));
    const roles = `The role of ${user(1)} must be one of Presenter, Attendee, Consumer, Collaborator.`;
    for (const properties of [{ role: "Owner" }, ["Presenter"], "Presenter", 1]) {
      const refused = await send("POST", "/rooms", { participants: { [user(1)]: properties } });
      expect(refused.status, JSON.stringify(properties)).toBe(400);
      expect(refused.body.error).toEqual(badParticipants(roles));
    }
    const { body: room } = await send("POST", "/rooms", {});
    expect((await send("PATCH", `/rooms/${room.id}/participants`, { participants: { [user(1)]: { role: "Owner" } } })).body.error).toEqual(badParticipants(roles));
    expect((await send("GET", `/rooms/${room.id}/participants`)).body.value).toEqual([]);
  });

  test("a null participant removes in an update and adds no one in a create; a participant without a role is an Attendee", async () => {
    const created = await send("POST", "/rooms", { participants: { [user(1)]: {}, [user(2)]: null } });
    expect(created.status).toBe(201);
    expect((await send("GET", `/rooms/${created.body.id}/participants`)).body.value).toEqual([{ rawId: user(1), role: "Attendee" }]);
    const updated = await send("PATCH", `/rooms/${created.body.id}/participants`, { participants: { [user(1)]: null, [user(3)]: { role: "Consumer" } } });
    expect(updated).toMatchObject({ status: 200, body: {} });
    expect((await send("GET", `/rooms/${created.body.id}/participants`)).body.value).toEqual([{ rawId: user(3), role: "Consumer" }]);
  });

  test.each(["2024-04-15", "2023-10-30-preview", "2023-06-14"])("a Collaborator sent at api-version %s, whose spec has no such role, is a 400 naming the participant and the version; nothing is stored", async (version) => {
    const collaborator = { participants: { [user(2)]: { role: "Presenter" }, [user(1)]: { role: "Collaborator" } } };
    const refusal = badParticipants(`The role Collaborator of ${user(1)} does not exist in api-version ${version}; it came with 2025-03-13.`);
    const created = await signedRequest(h, "POST", `/rooms?api-version=${version}`, collaborator);
    expect(created.status).toBe(400);
    expect(created.body.error).toEqual(refusal);
    const { body: room } = await send("POST", "/rooms", {});
    const updated = await signedRequest(h, "PATCH", `/rooms/${room.id}/participants?api-version=${version}`, collaborator);
    expect(updated.body.error).toEqual(refusal);
    expect((await send("GET", "/rooms")).body.value.map((r: { id: string }) => r.id)).toEqual([room.id]);
    expect((await send("GET", `/rooms/${room.id}/participants`)).body.value).toEqual([]);
  });

  test("a refusal thrown in-process is a RoomsError that prints as one, with the details on it", () => {
    const emulator = createEmulator({ seed: 1, clock: "virtual", selfCheck: "throw" });
    const error = (() => {
      try {
        emulator.createRoom({ validUntil: "soon" });
      } catch (e) {
        return e as Error & { details?: unknown };
      }
    })();
    expect(String(error)).toBe(`RoomsError: ${MALFORMED}`);
    expect(error?.details).toEqual([{ code: "BadArgument", message: expect.stringContaining('got "soon"'), target: "ValidUntil" }]);
  });
});

test("a room id the id generator has already given is not given again", () => {
  const uuids = ["0a1b2c3d-0000-4000-8000-000000000001", "0a1b2c3d-0000-4000-8000-000000000001", "0a1b2c3d-0000-4000-8000-000000000002"];
  const ids = { uuid: () => uuids.shift()! } as IdGenerator;
  const clock: Clock = { now: () => Date.parse("2026-03-01T09:00:00Z"), schedule: () => ({ id: 0 }), cancel: () => undefined };
  const directory = new RoomDirectory(clock, ids);
  const first = directory.create().id;
  const second = directory.create().id;
  expect(second).not.toBe(first);
  expect(directory.list().map((room) => room.id)).toEqual([first, second]);
});
