import { describe, expect, test } from "vitest";
import { acsUser, subscribeEventGrid } from "../support/calls.js";
import { roomsSuite } from "../support/directoryClients.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

// Issue 16: the simulated world's control plane (calls started outside the app, a party hanging
// up) was driven only on its happy path: what it refuses, the CallStarted it publishes and what
// a party's hang-up does to the invitations still ringing went unasserted.

const alice = "4:+14255550123";
const bob = "4:+14255550124";
const carol = "4:+14255550125";

/** A control-plane refusal: the status, the service's error code for the kind, the field and the text. */
function refusal(status: number, target: string, message: string) {
  return { status, body: { error: { code: expect.any(String), target, message: expect.stringContaining(message) } } };
}

describe.each(TRANSPORTS)("the simulated world over %s", (transport) => {
  const h = useHarness({ transport, phoneNumbers: ["+18005550100"] }, subscribeEventGrid);

  const startCall = (body: Record<string, unknown>) => h.control("POST", "/emulator/calls", body);
  const hangUp = (serverCallId: string, rawId: string) =>
    h.control("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(rawId)}:hangUp`);
  const callStarted = (serverCallId: string) =>
    h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.CallStarted" && e.data.serverCallId === serverCallId, "CallStarted");
  const snapshot = async (serverCallId: string) => ((await h.control("GET", "/emulator/calls")).body as any[]).find((c) => c.serverCallId === serverCallId);

  describe("POST /emulator/calls refuses", () => {
    const listMessage = "participants must list the rawIds of the people in the call";
    test.each([
      ["no participants key", {}],
      ["participants that is not a list", { participants: alice }],
      ["an empty list", { participants: [] }],
      ["an empty rawId among good ones", { participants: [alice, ""] }],
      ["a number among good ones", { participants: [alice, 42] }],
    ])("%s, naming participants", async (_name, body) => {
      expect(await startCall(body)).toEqual(refusal(400, "participants", listMessage));
      expect((await h.control("GET", "/emulator/calls")).body).toEqual([]);
    });

    test("a participant that is no rawId, naming its index", async () => {
      const refused = await startCall({ participants: [alice, "nobody"] });
      expect(refused.status).toBe(400);
      expect(refused.body.error.target).toBe("participants[1]");
      expect((await h.control("GET", "/emulator/calls")).body).toEqual([]);
    });

    test.each(["groupCallId", "roomId"])("a %s that is empty or no string", async (field) => {
      for (const value of ["", 7, null]) {
        expect(await startCall({ participants: [alice], [field]: value }), String(value)).toEqual(refusal(400, field, `${field} must be a non-empty string.`));
      }
      expect((await h.control("GET", "/emulator/calls")).body).toEqual([]);
    });

    test("a second call for a group whose call is going on, and takes it again once that call ended", async () => {
      const groupCallId = "16161616-0000-0000-0000-000000000001";
      const first = await startCall({ participants: [alice], groupCallId });
      expect(first.status).toBe(201);
      expect(await startCall({ participants: [bob], groupCallId })).toEqual(refusal(400, "groupCallId", `A call for group ${groupCallId} is already going on.`));
      expect(await hangUp(first.body.serverCallId, alice)).toEqual({ status: 204, body: undefined });
      await h.settle();
      expect((await snapshot(first.body.serverCallId)).ended).toBe(true);
      expect((await startCall({ participants: [bob], groupCallId })).status).toBe(201);
    });
  });

  describe("CallStarted", () => {
    test("for two people outside any group or room: a two-party call started by the first, an Attendee", async () => {
      const started = await startCall({ participants: [alice, bob] });
      expect(started.status).toBe(201);
      const event = await callStarted(started.body.serverCallId);
      expect(event.subject).toBe(`call/${started.body.serverCallId}/startedBy/${alice}`);
      expect(event.data).toEqual({
        startedBy: { communicationIdentifier: { kind: "phoneNumber", rawId: alice, phoneNumber: { value: "+14255550123", isAnonymous: false } }, role: "Attendee" },
        serverCallId: started.body.serverCallId,
        isTwoParty: true,
        correlationId: started.body.correlationId,
        isRoomsCall: false,
      });
      expect((await snapshot(started.body.serverCallId)).participants.map((p: any) => p.rawId)).toEqual([alice, bob]);
    });

    test.each([
      ["one person", [alice]],
      ["three people", [alice, bob, carol]],
    ])("for %s: not a two-party call", async (_name, participants) => {
      const started = await startCall({ participants });
      const event = await callStarted(started.body.serverCallId);
      expect(event.data.isTwoParty).toBe(false);
      expect(event.data).not.toHaveProperty("group");
    });

    test("for two people in a group call: names the group and is not a two-party call", async () => {
      const groupCallId = "16161616-0000-0000-0000-000000000002";
      const started = await startCall({ participants: [bob, alice], groupCallId });
      const event = await callStarted(started.body.serverCallId);
      expect(event.subject).toBe(`call/${started.body.serverCallId}/startedBy/${bob}`);
      expect(event.data).toMatchObject({ group: { id: groupCallId }, isTwoParty: false, isRoomsCall: false, startedBy: { role: "Attendee", communicationIdentifier: { rawId: bob } } });
      expect(event.data).not.toHaveProperty("room");
    });
  });

  describe("a party hanging up", () => {
    test("is refused for a call that ended, a person not in the call, and the app's own leg", async () => {
      const started = await startCall({ participants: [alice, bob] });
      const id = started.body.serverCallId;
      expect(await hangUp(id, carol)).toEqual(refusal(404, "rawId", `${carol} is not in call ${id}. GET /emulator/calls lists who is.`));

      const connected = await h.client.connectCall({ kind: "serverCallLocator", id }, h.callbackUri);
      const connectionId = connected.callConnectionProperties.callConnectionId!;
      await h.waitForEvent("CallConnected", connectionId);
      const appLeg = (await snapshot(id)).participants.map((p: any) => p.rawId).find((r: string) => r !== alice && r !== bob);
      expect(appLeg).toBeDefined();
      expect(await hangUp(id, appLeg)).toEqual(refusal(400, "rawId", `${appLeg} is the app's own leg; hang it up through the call connection API instead.`));
      expect((await snapshot(id)).participants).toHaveLength(3);

      await connected.callConnection.hangUp(true);
      await h.settle();
      expect((await snapshot(id)).ended).toBe(true);
      expect(await hangUp(id, alice)).toEqual(refusal(404, "serverCallId", `Call ${id} has already ended.`));
    });

    test("while ringing the app abandons the IncomingCall: its invitation is canceled and the call ends", async () => {
      const placed = await h.control("POST", "/emulator/incoming-calls", { from: alice, to: "4:+18005550100" });
      expect(await hangUp(placed.body.serverCallId, alice)).toEqual({ status: 204, body: undefined });
      await h.settle();
      const call = await snapshot(placed.body.serverCallId);
      expect(call.ended).toBe(true);
      expect(call.invitations.map((i: any) => [i.purpose, i.state])).toEqual([["incoming", "canceled"]]);
    });

    test("while a redirect rings an outside number cancels that invitation", async () => {
      const placed = await h.control("POST", "/emulator/incoming-calls", { from: alice, to: "4:+18005550100" });
      await h.control("PUT", `/emulator/parties/${encodeURIComponent("4:+14255550199")}`, { behavior: "noAnswer" });
      await h.client.redirectCall(placed.body.incomingCallContext, { targetParticipant: { phoneNumber: "+14255550199" } });
      expect(await hangUp(placed.body.serverCallId, alice)).toEqual({ status: 204, body: undefined });
      await h.settle();
      const call = await snapshot(placed.body.serverCallId);
      expect(call.ended).toBe(true);
      expect(call.invitations.find((i: any) => i.purpose === "redirect")).toMatchObject({ target: "4:+14255550199", state: "canceled" });
    });

    test("leaves an invitation of the app ringing: only the caller's own ringing ends with them", async () => {
      const user = acsUser(8);
      await h.control("PUT", `/emulator/parties/${encodeURIComponent(user)}`, { behavior: "noAnswer" });
      const started = await startCall({ participants: [alice, bob] });
      const id = started.body.serverCallId;
      const connected = await h.client.connectCall({ kind: "serverCallLocator", id }, h.callbackUri);
      const connectionId = connected.callConnectionProperties.callConnectionId!;
      await h.waitForEvent("CallConnected", connectionId);
      await connected.callConnection.addParticipant({ targetParticipant: { communicationUserId: user } }, { invitationTimeoutInSeconds: 20 });
      // The user's IncomingCall says the invitation rings.
      await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall" && e.data.to.rawId === user, "IncomingCall to the added user");
      expect(await hangUp(id, alice)).toEqual({ status: 204, body: undefined });
      await h.waitForEvent("ParticipantsUpdated", connectionId, (d) => !JSON.stringify(d.participants).includes("+14255550123"));
      const call = await snapshot(id);
      expect(call.ended).toBe(false);
      expect(call.invitations.find((i: any) => i.target === user)).toMatchObject({ purpose: "addParticipant", state: "ringing" });
      expect(h.eventTypes(connectionId)).not.toContain("AddParticipantFailed");
      expect(h.eventTypes(connectionId)).not.toContain("CancelAddParticipantSucceeded");
    });
  });
});

describe.each(TRANSPORTS)("a room call started in the world over %s", (transport) => {
  const s = roomsSuite(transport);

  test("CallStarted names the room, its starter is a Presenter, and a second call in the room is refused", async () => {
    await subscribeEventGrid(s.h);
    const now = s.h.emulator.now();
    const room = await s.rooms.createRoom({
      validFrom: new Date(now),
      validUntil: new Date(now + 3_600_000),
      participants: [{ id: s.presenter, role: "Presenter" }, { id: s.attendee, role: "Attendee" }],
    });
    const participants = [s.presenter.communicationUserId, s.attendee.communicationUserId];
    const started = await s.h.control("POST", "/emulator/calls", { participants, roomId: room.id });
    expect(started.status).toBe(201);
    const event = await s.h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.CallStarted", "CallStarted");
    expect(event.data).toMatchObject({ room: { id: room.id }, isRoomsCall: true, isTwoParty: false, startedBy: { role: "Presenter", communicationIdentifier: { rawId: participants[0] } } });
    expect(event.data).not.toHaveProperty("group");
    const again = await s.h.control("POST", "/emulator/calls", { participants: [s.attendee.communicationUserId], roomId: room.id });
    expect(again).toEqual(refusal(400, "roomId", `A call in room ${room.id} is already going on.`));
  });

  test("a room call among people the room does not hold is refused, naming the participant's index", async () => {
    const now = s.h.emulator.now();
    const room = await s.rooms.createRoom({ validFrom: new Date(now), validUntil: new Date(now + 3_600_000), participants: [{ id: s.presenter, role: "Presenter" }] });
    const refused = await s.h.control("POST", "/emulator/calls", { participants: [s.presenter.communicationUserId, s.stranger.communicationUserId], roomId: room.id });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.body.error.target).toBe("participants[1]");
  });
});
