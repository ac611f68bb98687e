import { describe, expect, test } from "vitest";
import { roomsSuite } from "../support/directoryClients.js";
import { TRANSPORTS } from "../support/harness.js";

const APP_NUMBER = "+14255550100";
const PHONE = "4:+14255550123";

describe.each(TRANSPORTS)("room calls over %s", (transport) => {
  const s = roomsSuite(transport);

  /** A room call with the presenter in it, and the app connected to it by its room locator. */
  async function connectedRoomCall(options: { pstnDialOutEnabled?: boolean } = {}) {
    const room = await s.rooms.createRoom({ ...options, participants: [{ id: s.presenter, role: "Presenter" }, { id: s.attendee, role: "Attendee" }] });
    const started = await s.h.control("POST", "/emulator/calls", { participants: [s.presenter.communicationUserId], roomId: room.id });
    expect(started.status).toBe(201);
    const { callConnectionProperties, callConnection } = await s.h.client.connectCall({ kind: "roomCallLocator", id: room.id }, s.h.callbackUri);
    const id = callConnectionProperties.callConnectionId!;
    await s.h.waitForEvent("CallConnected", id);
    return { room, id, callConnection };
  }

  test("starts a room call among the room's participants", async () => {
    const room = await s.rooms.createRoom({ participants: [{ id: s.presenter, role: "Presenter" }, { id: s.attendee }] });
    const started = await s.h.control("POST", "/emulator/calls", { participants: [s.presenter.communicationUserId, s.attendee.communicationUserId], roomId: room.id });
    expect(started.status).toBe(201);
    expect(started.body.roomId).toBe(room.id);
  });

  test("refuses a room call in a room that was never created (404) or by someone not invited (403)", async () => {
    const missing = await s.h.control("POST", "/emulator/calls", { participants: [s.presenter.communicationUserId], roomId: "99000000000000000" });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain("createRoom");
    const room = await s.rooms.createRoom({ participants: [{ id: s.presenter, role: "Presenter" }] });
    const uninvited = await s.h.control("POST", "/emulator/calls", { participants: [s.presenter.communicationUserId, s.stranger.communicationUserId], roomId: room.id });
    expect(uninvited.status).toBe(403);
    expect(uninvited.body.error.message).toContain(`${s.stranger.communicationUserId} is not a participant of room ${room.id}`);
  });

  test("refuses a room call before the room's validFrom with 403", async () => {
    const validFrom = new Date(s.h.emulator.now() + 3_600_000);
    const room = await s.rooms.createRoom({ validFrom, validUntil: new Date(validFrom.getTime() + 3_600_000), participants: [{ id: s.presenter, role: "Presenter" }] });
    const early = await s.h.control("POST", "/emulator/calls", { participants: [s.presenter.communicationUserId], roomId: room.id });
    expect(early.status).toBe(403);
    expect(early.body.error.message).toContain("before its validFrom");
  });

  test("adds a room participant to the room call, and refuses anyone else with 403", async () => {
    const { id, callConnection } = await connectedRoomCall();
    const added = await callConnection.addParticipant({ targetParticipant: s.attendee });
    expect((await s.h.waitForEvent("AddParticipantSucceeded", id)).participant).toEqual(s.attendee);
    expect(added.invitationId).toBeTruthy();
    const refused = await callConnection.addParticipant({ targetParticipant: s.stranger }).catch((e) => e);
    expect(refused.statusCode).toBe(403);
    expect(refused.message).toContain("is not a participant of room");
  });

  test("dials out to a phone number only from a room that allows PSTN dial-out", async () => {
    const closed = await connectedRoomCall();
    const refused = await closed.callConnection
      .addParticipant({ targetParticipant: { phoneNumber: PHONE.slice(2) }, sourceCallIdNumber: { phoneNumber: APP_NUMBER } })
      .catch((e) => e);
    expect(refused.statusCode).toBe(403);
    expect(refused.message).toContain("pstnDialOutEnabled");
    await s.reset();
    const open = await connectedRoomCall({ pstnDialOutEnabled: true });
    await open.callConnection.addParticipant({ targetParticipant: { phoneNumber: PHONE.slice(2) }, sourceCallIdNumber: { phoneNumber: APP_NUMBER } });
    expect((await s.h.waitForEvent("AddParticipantSucceeded", open.id)).participant).toMatchObject({ phoneNumber: PHONE.slice(2) });
  });

  test.skipIf(transport === "server")("sends ConnectFailed (403/7504) to an app connecting after the room's validUntil", async () => {
    const room = await s.rooms.createRoom({ validFrom: new Date(s.h.emulator.now()), validUntil: new Date(s.h.emulator.now() + 60_000), participants: [{ id: s.presenter, role: "Presenter" }] });
    await s.h.control("POST", "/emulator/calls", { participants: [s.presenter.communicationUserId], roomId: room.id });
    await s.h.emulator.advance(61_000);
    const { callConnectionProperties } = await s.h.client.connectCall({ kind: "roomCallLocator", id: room.id }, s.h.callbackUri);
    const failed = await s.h.waitForEvent("ConnectFailed", callConnectionProperties.callConnectionId!);
    expect(failed.resultInformation).toMatchObject({ code: 403, subCode: 7504 });
    expect(failed.resultInformation?.message).toContain("after its validUntil");
  });
});
