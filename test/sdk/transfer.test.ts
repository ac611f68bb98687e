import { describe, expect, test } from "vitest";
import { acsUser as user } from "../support/calls.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

describe.each(TRANSPORTS)("transfer over %s", (transport) => {
  const h = useHarness({ transport });

  async function call(targets: number[]) {
    const result = await h.client.createGroupCall(targets.map((n) => ({ communicationUserId: user(n) })), h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.length === targets.length + 1);
    return { id, connection: result.callConnection };
  }

  describe("transferCallToParticipant", () => {
    test("hands a 1:1 call to the target: CallTransferAccepted, then the app's CallDisconnected", async () => {
      const { id, connection } = await call([1]);
      const answer = await connection.transferCallToParticipant(
        { communicationUserId: user(5) },
        { operationContext: "xfer", customCallingContext: [{ kind: "voip", key: "ticket", value: "T-1" }] },
      );
      expect(answer.operationContext).toBe("xfer");
      const accepted = await h.waitForEvent("CallTransferAccepted", id);
      expect(accepted.operationContext).toBe("xfer");
      // The SDK's parser passes these through as wire models.
      expect(accepted.transferTarget).toEqual({ kind: "communicationUser", rawId: user(5), communicationUser: { id: user(5) } });
      expect(accepted.transferee).toEqual({ kind: "communicationUser", rawId: user(1), communicationUser: { id: user(1) } });
      const disconnected = await h.waitForEvent("CallDisconnected", id);
      expect(disconnected.resultInformation).toMatchObject({ code: 200, subCode: 7015 });
      expect(h.eventTypes(id).slice(-2)).toEqual(["CallTransferAccepted", "CallDisconnected"]);
      const calls = await h.control("GET", "/emulator/calls");
      const invitation = calls.body[0].invitations.find((i: any) => i.purpose === "transfer");
      expect(invitation.customCallingContext).toEqual({ voipHeaders: { ticket: "T-1" }, sipHeaders: {} });
      expect(calls.body[0].participants.map((p: any) => p.rawId).sort()).toEqual([user(1), user(5)].sort());
    });

    test("moves the transferee out of a group call and keeps the app in it", async () => {
      const { id, connection } = await call([1, 2]);
      await connection.transferCallToParticipant({ communicationUserId: user(5) }, { transferee: { communicationUserId: user(2) }, operationCallbackUrl: h.receiver.url("/xfer") });
      const accepted = await h.receiver.waitFor((e) => e.type === "Microsoft.Communication.CallTransferAccepted", "CallTransferAccepted");
      expect(h.receiver.events("/xfer")).toContain(accepted);
      const roster = await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.length === 2);
      expect(roster.participants.map((p: any) => p.identifier.communicationUserId)).not.toContain(user(2));
      expect((await connection.getCallConnectionProperties()).callConnectionState).toBe("connected");
    });

    test("needs a transferee when the call has more than one other participant", async () => {
      const { connection } = await call([1, 2]);
      const error = await connection.transferCallToParticipant({ communicationUserId: user(5) }).catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.message).toMatch(/transferee is required/);
    });

    test("sends CallTransferFailed when the target declines, and the call goes on", async () => {
      await h.control("PUT", `/emulator/parties/${encodeURIComponent(user(5))}`, { behavior: "busy" });
      const { id, connection } = await call([1]);
      await connection.transferCallToParticipant({ communicationUserId: user(5) }, { operationContext: "try" });
      const failed = await h.waitForEvent("CallTransferFailed", id);
      expect(failed.resultInformation).toMatchObject({ code: 486, subCode: 8539 });
      expect((await connection.getCallConnectionProperties()).callConnectionState).toBe("connected");
    });
  });
});
