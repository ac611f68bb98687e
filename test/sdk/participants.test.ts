import type { CallConnection } from "@azure/communication-call-automation";
import { describe, expect, test } from "vitest";
import { acsUser as user } from "../support/calls.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

describe.each(TRANSPORTS)("participants over %s", (transport) => {
  const h = useHarness({ transport, participantsPageSize: 2 });

  const pstn = { phoneNumber: "+14255550123" };
  const callerId = { phoneNumber: "+18005550100" };

  async function connectedCall(): Promise<{ id: string; connection: CallConnection }> {
    const result = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("ParticipantsUpdated", id);
    return { id, connection: result.callConnection };
  }

  describe("addParticipant", () => {
    test("answers invitationId and sends AddParticipantSucceeded with the roster", async () => {
      const { id, connection } = await connectedCall();
      const added = await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } }, { operationContext: "add-2" });
      expect(added.invitationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(added.operationContext).toBe("add-2");
      const ok = await h.waitForEvent("AddParticipantSucceeded", id);
      expect(ok.operationContext).toBe("add-2");
      expect(ok.participant).toEqual({ communicationUserId: user(2) });
      const roster = await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.length === 3);
      expect(roster.sequenceNumber).toBe(2);
    });

    test("sends the result to operationCallbackUri when one is given", async () => {
      const { id, connection } = await connectedCall();
      await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } }, { operationCallbackUrl: h.receiver.url("/op") });
      const ok = await h.receiver.waitFor((e) => e.type === "Microsoft.Communication.AddParticipantSucceeded", "AddParticipantSucceeded");
      expect(h.receiver.events("/op")).toContain(ok);
      expect(ok.data.callConnectionId).toBe(id);
    });

    test("refuses a PSTN participant without a caller id", async () => {
      const { connection } = await connectedCall();
      const error = await connection.addParticipant({ targetParticipant: pstn }).catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.message).toMatch(/sourceCallerIdNumber/);
    });

    test("adds a PSTN participant with a caller id and carries customCallingContext", async () => {
      const { id, connection } = await connectedCall();
      await connection.addParticipant({ targetParticipant: pstn, sourceCallIdNumber: callerId, customCallingContext: [{ kind: "sipx", key: "Case", value: "42" }] });
      await h.waitForEvent("AddParticipantSucceeded", id);
      const calls = await h.control("GET", "/emulator/calls");
      const invitation = calls.body[0].invitations.find((i: any) => i.target === "4:+14255550123");
      expect(invitation.customCallingContext).toEqual({ sipHeaders: { "X-MS-Custom-Case": "42" }, voipHeaders: {} });
    });

    test("refuses invitationTimeoutInSeconds above 180 naming the field", async () => {
      const { connection } = await connectedCall();
      const error = await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } }, { invitationTimeoutInSeconds: 181 }).catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.message).toMatch(/invitationTimeoutInSeconds/);
    });

    test("sends AddParticipantFailed when the invitee declines", async () => {
      await h.control("PUT", `/emulator/parties/${encodeURIComponent(user(2))}`, { behavior: "decline" });
      const { id, connection } = await connectedCall();
      await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } });
      const failed = await h.waitForEvent("AddParticipantFailed", id);
      expect(failed.resultInformation).toMatchObject({ code: 603, subCode: 8538 });
      expect(failed.resultInformation?.message).toMatch(/^addParticipants failed for participant 8:acs:/);
    });

    test("sends AddParticipantFailed (408/8541) when the invitation times out", async () => {
      await h.control("PUT", `/emulator/parties/${encodeURIComponent(user(2))}`, { behavior: "noAnswer", delayMs: 20 });
      const { id, connection } = await connectedCall();
      await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } }, { invitationTimeoutInSeconds: 60 });
      const failed = await h.waitForEvent("AddParticipantFailed", id);
      expect(failed.resultInformation).toMatchObject({ code: 408, subCode: 8541 });
    });

    test("is refused with 400 (8501) before the call is connected", async () => {
      await h.control("PUT", `/emulator/parties/${encodeURIComponent(user(1))}`, { behavior: "noAnswer" });
      const result = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri);
      const error = await result.callConnection.addParticipant({ targetParticipant: { communicationUserId: user(2) } }).catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe("8501");
    });
  });

  describe("cancelAddParticipantOperation", () => {
    test("cancels a ringing invitation with CancelAddParticipantSucceeded 200/5300", async () => {
      await h.control("PUT", `/emulator/parties/${encodeURIComponent(user(2))}`, { behavior: "noAnswer" });
      const { id, connection } = await connectedCall();
      const added = await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } });
      const canceled = await connection.cancelAddParticipantOperation(added.invitationId!, { operationContext: "cancel" });
      expect(canceled.invitationId).toBe(added.invitationId);
      const ok = await h.waitForEvent("CancelAddParticipantSucceeded", id);
      expect(ok.invitationId).toBe(added.invitationId);
      expect(ok.operationContext).toBe("cancel");
      // CancelAddParticipantTestAsync (2025-06-15).
      expect(ok.resultInformation).toEqual({
        code: 200,
        subCode: 5300,
        message: `addParticipants failed for participant ${user(2)}. Underlying reason: The conversation has ended. DiagCode: 0#5300.@`,
      });
      await h.settle();
      expect(h.eventTypes(id)).not.toContain("AddParticipantFailed");
    });

    test("sends CancelAddParticipantFailed for an invitation that was already answered", async () => {
      const { id, connection } = await connectedCall();
      const added = await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } });
      await h.waitForEvent("AddParticipantSucceeded", id);
      await connection.cancelAddParticipantOperation(added.invitationId!);
      const failed = await h.waitForEvent("CancelAddParticipantFailed", id);
      expect(failed.invitationId).toBe(added.invitationId);
    });

    test("answers 404 for an unknown invitationId", async () => {
      const { connection } = await connectedCall();
      const error = await connection.cancelAddParticipantOperation("00000000-0000-0000-0000-000000000000").catch((e) => e);
      expect(error.statusCode).toBe(404);
    });
  });

  describe("removeParticipant", () => {
    test("sends RemoveParticipantSucceeded and a roster without the removed participant", async () => {
      const { id, connection } = await connectedCall();
      await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } });
      await h.waitForEvent("AddParticipantSucceeded", id);
      await connection.removeParticipant({ communicationUserId: user(2) }, { operationContext: "rm" });
      const ok = await h.waitForEvent("RemoveParticipantSucceeded", id);
      expect(ok.operationContext).toBe("rm");
      const roster = await h.waitForEvent("ParticipantsUpdated", id, (d) => d.sequenceNumber === 3);
      expect(roster.participants.map((p: any) => p.identifier.communicationUserId)).not.toContain(user(2));
    });

    test("ends the call with 5002 when the app removes the last other participant", async () => {
      const { id, connection } = await connectedCall();
      await connection.removeParticipant({ communicationUserId: user(1) });
      await h.waitForEvent("RemoveParticipantSucceeded", id);
      const disconnected = await h.waitForEvent("CallDisconnected", id);
      // RemoveAUserCallTest.
      expect(disconnected.resultInformation).toEqual({ code: 200, subCode: 5002, message: "The conversation has ended. DiagCode: 0#5002.@" });
      expect(h.eventTypes(id).at(-1)).toBe("CallDisconnected");
    });

    test("ends the call with 5300 for the remover when the removeLast variant asks for it", async () => {
      await h.control("PUT", "/emulator/variants", { removeLast: "5300" });
      const { id, connection } = await connectedCall();
      await connection.removeParticipant({ communicationUserId: user(1) });
      // RemoveAUserCallTestAsync.
      expect((await h.waitForEvent("CallDisconnected", id)).resultInformation).toEqual({
        code: 200,
        subCode: 5300,
        message: "Call ended for this participant as it was removed from the conversation by another participant. DiagCode: 0#5300.@",
      });
    });

    test("sends RemoveParticipantFailed for a planted asynchronous fault, and the participant stays", async () => {
      const { id, connection } = await connectedCall();
      await h.control("POST", "/emulator/faults", { action: "removeParticipant", async: true, status: 500, subCode: 8522, message: "Remove failed." });
      await connection.removeParticipant({ communicationUserId: user(1) }, { operationContext: "rm-fail" });
      const failed = await h.waitForEvent("RemoveParticipantFailed", id);
      expect(failed.operationContext).toBe("rm-fail");
      expect(failed.resultInformation).toMatchObject({ code: 500, subCode: 8522 });
      expect(failed.participant).toEqual({ communicationUserId: user(1) });
      const { values } = await connection.listParticipants();
      expect(values?.map((p) => (p.identifier as { communicationUserId?: string }).communicationUserId)).toContain(user(1));
    });

    test("answers 404 for someone who is not in the call", async () => {
      const { connection } = await connectedCall();
      const error = await connection.removeParticipant({ communicationUserId: user(7) }).catch((e) => e);
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe("8522");
    });
  });

  describe("getParticipant and listParticipants", () => {
    test("finds a PSTN participant by rawId (percent-encoded in the path)", async () => {
      const result = await h.client.createCall({ targetParticipant: pstn, sourceCallIdNumber: callerId }, h.callbackUri);
      await h.waitForEvent("CallConnected", result.callConnectionProperties.callConnectionId!);
      const participant = await result.callConnection.getParticipant(pstn);
      expect(participant.identifier).toEqual({ phoneNumber: "+14255550123", rawId: "4:+14255550123" });
      const missing = await result.callConnection.getParticipant({ phoneNumber: "+14255550999" }).catch((e) => e);
      expect(missing.statusCode).toBe(404);
    });

    test("pages the list with nextLink, which the SDK follows", async () => {
      const { id, connection } = await connectedCall();
      await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } });
      await h.waitForEvent("AddParticipantSucceeded", id, (d) => d.participant.rawId === user(2));
      await connection.addParticipant({ targetParticipant: { communicationUserId: user(3) } });
      await h.waitForEvent("AddParticipantSucceeded", id, (d) => d.participant.rawId === user(3));
      const raw = await h.control("GET", "/emulator/calls");
      expect(raw.body[0].participants).toHaveLength(4);
      const { values } = await connection.listParticipants();
      expect(values).toHaveLength(4);
    });

    test("mutes an ACS participant, visible in the next roster, numbered 3 after 1 as recorded", async () => {
      // REC-NET MuteParticipantTest(+Async): seq 1, then seq 3 with isMuted.
      const { id, connection } = await connectedCall();
      await connection.muteParticipant({ communicationUserId: user(1) });
      const roster = await h.waitForEvent("ParticipantsUpdated", id, (d) => d.sequenceNumber === 3);
      expect(roster.participants.find((p: any) => p.identifier.communicationUserId === user(1))?.isMuted).toBe(true);
    });
  });
});
