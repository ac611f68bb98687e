import { describe, expect, test } from "vitest";
import { roomsClientFor } from "../support/directoryClients.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

describe.each(TRANSPORTS)("connect over %s", (transport) => {
  const h = useHarness({ transport });

  const alice = "8:acs:11111111-1111-1111-1111-111111111111_0000000a-0000-0000-0000-000000000000";
  const bob = "4:+14255550123";

  describe("connectCall", () => {
    test("joins a call started outside the app by its server call locator", async () => {
      const started = await h.control("POST", "/emulator/calls", { participants: [alice, bob] });
      expect(started.status).toBe(201);
      const result = await h.client.connectCall({ kind: "serverCallLocator", id: started.body.serverCallId }, h.callbackUri, { operationContext: "join" });
      const id = result.callConnectionProperties.callConnectionId!;
      expect(result.callConnectionProperties.callConnectionState).toBe("connecting");
      expect((await h.waitForEvent("CallConnected", id)).operationContext).toBe("join");
      const roster = await h.waitForEvent("ParticipantsUpdated", id);
      expect(roster.participants).toHaveLength(3);
    });

    test("joins a group call by its group call locator", async () => {
      const groupCallId = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
      const started = await h.control("POST", "/emulator/calls", { participants: [alice, bob], groupCallId });
      const result = await h.client.connectCall({ kind: "groupCallLocator", id: groupCallId }, h.callbackUri);
      const connected = await h.waitForEvent("CallConnected", result.callConnectionProperties.callConnectionId!);
      // The leg joined the call started with that group id, not a new one.
      expect(connected.serverCallId).toBe(started.body.serverCallId);
      const listed = (await result.callConnection.listParticipants()).values ?? [];
      expect(listed.map((p) => (p.identifier as any).communicationUserId ?? (p.identifier as any).phoneNumber)).toEqual(expect.arrayContaining([alice, "+14255550123"]));
    });

    test("joins a room call by its room call locator", async () => {
      const room = await roomsClientFor(h).createRoom({ participants: [{ id: { communicationUserId: alice }, role: "Presenter" }] });
      await h.control("POST", "/emulator/calls", { participants: [alice], roomId: room.id });
      const result = await h.client.connectCall({ kind: "roomCallLocator", id: room.id }, h.callbackUri);
      const roster = await h.waitForEvent("ParticipantsUpdated", result.callConnectionProperties.callConnectionId!);
      expect(roster.participants).toHaveLength(2);
    });

    test("sends ConnectFailed (404/8522) for a call that does not exist, and nothing after it", async () => {
      const result = await h.client.connectCall({ kind: "serverCallLocator", id: "bm8tc3VjaC1jYWxs" }, h.callbackUri);
      const id = result.callConnectionProperties.callConnectionId!;
      const failed = await h.waitForEvent("ConnectFailed", id);
      expect(failed.resultInformation).toMatchObject({ code: 404, subCode: 8522 });
      await h.settle();
      expect(h.eventTypes(id)).toEqual(["ConnectFailed"]);
      expect((await result.callConnection.getCallConnectionProperties().catch((e) => e)).statusCode).toBe(404);
    });

    test("announces a call started outside the app with CallStarted on Event Grid", async () => {
      await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eg"), eventTypes: ["Microsoft.Communication.CallStarted"] });
      const started = await h.control("POST", "/emulator/calls", { participants: [alice, bob] });
      const event = await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.CallStarted" && e.data.serverCallId === started.body.serverCallId, "CallStarted");
      expect(event.data).toMatchObject({ isTwoParty: true, isRoomsCall: false, correlationId: started.body.correlationId });
    });

    test("refuses a locator without its id with 400 naming the field", async () => {
      const error = await h.client.connectCall({ kind: "groupCallLocator", id: "" }, h.callbackUri).catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.message).toMatch(/callLocator\.groupCallId/);
    });
  });
});
