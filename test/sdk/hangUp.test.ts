import { describe, expect, test } from "vitest";
import { groupCall as placeGroupCall, acsUser as user } from "../support/calls.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

describe.each(TRANSPORTS)("hangUp over %s", (transport) => {
  const h = useHarness({ transport });

  const groupCall = (n: number) => placeGroupCall(h, n);

  /** Places an incoming call and has the app answer it: a second leg on another call. */
  async function answeredLeg(serverCallIdOf?: string) {
    const placed = await h.control("POST", "/emulator/incoming-calls", { from: "4:+14255550123", to: "4:+18005550100" });
    const answered = await h.client.answerCall(placed.body.incomingCallContext, h.callbackUri);
    const id = answered.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("ParticipantsUpdated", id);
    return { id, connection: answered.callConnection, serverCallId: serverCallIdOf ?? placed.body.serverCallId };
  }

  describe("hangUp", () => {
    test("ends a 1:1 call for both sides: CallDisconnected 200/7000, then 404 for the connection", async () => {
      const { id, connection } = await groupCall(1);
      await connection.hangUp(false);
      const disconnected = await h.waitForEvent("CallDisconnected", id);
      expect(disconnected.resultInformation).toMatchObject({ code: 200, subCode: 7000 });
      const error = await connection.getCallConnectionProperties().catch((e) => e);
      expect(error.statusCode).toBe(404);
      expect(error.message).toMatch(/has ended/);
      const calls = await h.control("GET", "/emulator/calls");
      expect(calls.body[0].ended).toBe(true);
    });

    test("leaves a group call without ending it for the others", async () => {
      const { id, connection, serverCallId } = await groupCall(2);
      await connection.hangUp(false);
      await h.waitForEvent("CallDisconnected", id);
      const calls = await h.control("GET", "/emulator/calls");
      const call = calls.body.find((c: any) => c.serverCallId === serverCallId);
      expect(call.ended).toBe(false);
      expect(call.participants.map((p: any) => p.rawId).sort()).toEqual([user(1), user(2)].sort());
    });

    /** An answered leg and a second app leg connected to the same call. */
    async function twoAppLegs() {
      const first = await answeredLeg();
      const second = await h.client.connectCall({ kind: "serverCallLocator", id: first.serverCallId }, h.callbackUri);
      const secondId = second.callConnectionProperties.callConnectionId!;
      await h.waitForEvent("CallConnected", secondId);
      return { first, second: { id: secondId, connection: second.callConnection } };
    }
    const ENDED_BY_API = "Call was ended by Azure Communication Service Call Automation API or a server bot. DiagCode: 0#7000.@";

    test("terminates for everyone: 7000 on the leg that asked and on the app's other leg", async () => {
      const { first, second } = await twoAppLegs();
      await first.connection.hangUp(true);
      const mine = await h.waitForEvent("CallDisconnected", first.id);
      const theirs = await h.waitForEvent("CallDisconnected", second.id);
      // CreateCallWithMediaStreamingTest, PlayMultipleFilesSourcesWithPlayMediaAllTest (2026): both legs 7000.
      expect(mine.resultInformation).toEqual({ code: 200, subCode: 7000, message: ENDED_BY_API });
      expect(theirs.resultInformation).toEqual({ code: 200, subCode: 7000, message: ENDED_BY_API });
    });

    test.each([
      ["5001", "This conversation has ended.. DiagCode: 0#5001.@"],
      ["5002", "The conversation has ended. DiagCode: 0#5002.@"],
    ] as const)("terminates with %s on the app's other leg when the terminate variant asks for it", async (choice, message) => {
      await h.control("PUT", "/emulator/variants", { terminate: choice });
      const { first, second } = await twoAppLegs();
      await first.connection.hangUp(true);
      expect((await h.waitForEvent("CallDisconnected", first.id)).resultInformation).toMatchObject({ subCode: 7000 });
      expect((await h.waitForEvent("CallDisconnected", second.id)).resultInformation).toEqual({ code: 200, subCode: Number(choice), message });
    });

    test("leaves a 1:1 call with 7000 and ends it for the leg left alone with 5010", async () => {
      const { first, second } = await twoAppLegs();
      // Two app legs and the caller: the caller leaving first leaves two, then one.
      await h.control("POST", `/emulator/calls/${encodeURIComponent(first.serverCallId)}/participants/${encodeURIComponent("4:+14255550123")}:hangUp`);
      await h.waitForEvent("ParticipantsUpdated", first.id, (d) => d.participants.length === 2);
      await second.connection.hangUp(false);
      // CreateCallToAcsConnectCallAndHangupTest: 7000 on the leg that hung up, 5010 on the one left alone.
      expect((await h.waitForEvent("CallDisconnected", second.id)).resultInformation).toMatchObject({ code: 200, subCode: 7000 });
      expect((await h.waitForEvent("CallDisconnected", first.id)).resultInformation).toEqual({
        code: 200,
        subCode: 5010,
        message: "This conversation has ended as only one participant was remaining in the conversation. DiagCode: 0#5010.@",
      });
    });

    test("sends nothing after CallDisconnected and answers 404 to every action on the connection", async () => {
      const { id, connection } = await groupCall(2);
      await connection.hangUp(true);
      await h.waitForEvent("CallDisconnected", id);
      const attempts = await Promise.all([
        connection.addParticipant({ targetParticipant: { communicationUserId: user(8) } }).catch((e) => e.statusCode),
        connection.removeParticipant({ communicationUserId: user(1) }).catch((e) => e.statusCode),
        connection.listParticipants().catch((e) => e.statusCode),
        connection.hangUp(false).catch((e) => e.statusCode),
      ]);
      expect(attempts).toEqual([404, 404, 404, 404]);
      await h.settle();
      expect(h.eventTypes(id).at(-1)).toBe("CallDisconnected");
    });

    test("ends the app's leg with 5010 when the other party hangs up", async () => {
      const leg = await answeredLeg();
      await h.control("POST", `/emulator/calls/${encodeURIComponent(leg.serverCallId)}/participants/${encodeURIComponent("4:+14255550123")}:hangUp`);
      const disconnected = await h.waitForEvent("CallDisconnected", leg.id);
      expect(disconnected.resultInformation).toMatchObject({ code: 200, subCode: 5010 });
    });

    test("numbers ParticipantsUpdated by the call's roster version: a connectCall leg's rosters are 2 and 3 and the first leg hears neither", async () => {
      // REC-NET CreateCallToAcsConnectCallAndHangupForEveryoneTest: leg A seq 1; leg B seq 2, CallConnected, seq 3.
      const first = await groupCall(1);
      const second = await h.client.connectCall({ kind: "serverCallLocator", id: first.serverCallId }, h.callbackUri);
      const secondId = second.callConnectionProperties.callConnectionId!;
      await h.waitForEvent("CallConnected", secondId);
      await h.waitForEvent("ParticipantsUpdated", secondId, (d) => d.sequenceNumber === 3);
      await h.settle();
      const numbers = (id: string) => h.receiver.events().filter((e) => e.type.endsWith("ParticipantsUpdated") && e.data.callConnectionId === id).map((e) => e.data.sequenceNumber);
      expect(numbers(first.id)).toEqual([1]);
      expect(numbers(secondId)).toEqual([2, 3]);
    });
  });
});
