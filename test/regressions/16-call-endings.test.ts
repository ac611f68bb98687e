import { describe, expect, test } from "vitest";
import { acsUser as user } from "../support/calls.js";
import { TRANSPORTS, useHarness } from "../support/harness.js";

// The recorded variants of how a call ends, each picked through the emulator's `variants` option:
// the app's leg after it removed the last other participant, and a createCall the callee declines.
describe.each(TRANSPORTS)("call endings by variant over %s", (transport) => {
  describe("removeLast 5300", () => {
    const h = useHarness({ transport, variants: { removeLast: "5300" } });

    test("the app's leg hears it was removed by another participant", async () => {
      const { callConnection, callConnectionProperties } = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri);
      const id = callConnectionProperties.callConnectionId!;
      await h.waitForEvent("ParticipantsUpdated", id);
      await callConnection.removeParticipant({ communicationUserId: user(1) });
      const disconnected = await h.waitForEvent("CallDisconnected", id);
      expect(disconnected.resultInformation).toEqual({
        code: 200,
        subCode: 5300,
        message: "Call ended for this participant as it was removed from the conversation by another participant. DiagCode: 0#5300.@",
      });
    });
  });

  describe("decline 200/5002", () => {
    const h = useHarness({ transport, variants: { decline: "200/5002" } });

    test("a declined createCall fails as a conversation that has ended", async () => {
      await h.control("PUT", `/emulator/parties/${encodeURIComponent(user(2))}`, { behavior: "decline" });
      const { callConnectionProperties } = await h.client.createCall({ targetParticipant: { communicationUserId: user(2) } }, h.callbackUri);
      const id = callConnectionProperties.callConnectionId!;
      const failed = await h.waitForEvent("CreateCallFailed", id);
      expect(failed.resultInformation).toEqual({ code: 200, subCode: 5002, message: "The conversation has ended. DiagCode: 0#5002.@" });
    });
  });
});
