import { describe, expect, test } from "vitest";
import { DEFAULT_INVITATION_TIMEOUT_MS, INVITATION_FAILURES } from "../../emulator/engine/invitations.js";
import { subscribeEventGrid } from "../support/calls.js";
import { TRANSPORTS, useHarness } from "../support/harness.js";

// Issue 16: how invitations end was barely asserted: the forbidden outcome's codes, the state
// GET /emulator/calls keeps, the texts of the failures and what happens after the call ended.
describe.each(TRANSPORTS)("invitation outcomes over %s", (transport) => {
  const resourceNumber = "+18005550100";
  const caller = { phoneNumber: "+14255550123" };
  const h = useHarness({ transport, phoneNumbers: [resourceNumber] }, subscribeEventGrid);

  const user = (n: number) => `8:acs:16161616-1616-1616-1616-161616161616_0000000${n}-0000-0000-0000-000000000000`;
  const party = (n: number, settings: { behavior: string; delayMs?: number }) => h.control("PUT", `/emulator/parties/${encodeURIComponent(user(n))}`, settings);
  const invitationTo = async (target: string) => ((await h.control("GET", "/emulator/calls")).body as any[]).flatMap((c) => c.invitations).find((i: any) => i.target === target);

  async function connectedCall() {
    const result = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallConnected", id);
    return { id, connection: result.callConnection };
  }

  test("an IncomingCall rejected as forbidden fails the createCall with 403 Forbidden and names the callee", async () => {
    const created = await h.client.createCall({ targetParticipant: { phoneNumber: resourceNumber }, sourceCallIdNumber: caller }, h.callbackUri);
    const id = created.callConnectionProperties.callConnectionId!;
    const incoming = await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall", "IncomingCall");
    await h.client.rejectCall(incoming.data.incomingCallContext, { callRejectReason: "forbidden" });
    const failed = await h.waitForEvent("CreateCallFailed", id);
    // 403 is Forbidden in SIP (RFC 3261 §21.4.4) as in HTTP.
    expect(failed.resultInformation?.code).toBe(403);
    expect(failed.resultInformation?.subCode).toBe(INVITATION_FAILURES.forbidden.subCode);
    expect(failed.resultInformation?.message).toContain(`4:${resourceNumber}`);
    expect(failed.resultInformation?.message).toContain(INVITATION_FAILURES.forbidden.reason);
    expect(failed.resultInformation?.message?.split("Underlying reason: ")[1]).toMatch(/forbidden/i);
    expect((await invitationTo(`4:${resourceNumber}`)).state).toBe("failed");
  });

  test.each([
    ["decline", "decline", /declined/i],
    ["busy", "busy", /busy/i],
    ["unreachable", "unreachable", /reached/i],
  ] as const)("a participant who will %s fails addParticipant with a non-2xx code and a text naming them, as the service words it", async (behavior, outcome, why) => {
    await party(3, { behavior, delayMs: 10 });
    const { id, connection } = await connectedCall();
    await connection.addParticipant({ targetParticipant: { communicationUserId: user(3) } });
    const failed = await h.waitForEvent("AddParticipantFailed", id);
    expect(failed.resultInformation?.code).toBeGreaterThanOrEqual(400);
    // Recorded traffic (CancelAddParticipantTestAsync): "addParticipants failed for participant <rawId>. Underlying reason: <why>".
    expect(failed.resultInformation?.message).toMatch(new RegExp(`^addParticipants failed for participant ${user(3)}\\. Underlying reason: `));
    expect(failed.resultInformation?.message).toContain(INVITATION_FAILURES[outcome].reason);
    // The reason says why in words, not only as a code.
    expect(failed.resultInformation?.message?.split("Underlying reason: ")[1]).toMatch(why);
    expect((await invitationTo(user(3))).state).toBe("failed");
  });

  test.each([
    ["that never answers times out at the invitation's own timeout", { behavior: "noAnswer" }, 1],
    ["whose phone rings out times out when it stops ringing, before the invitation's timeout", { behavior: "noAnswer", delayMs: 200 }, undefined],
  ])("a participant %s: AddParticipantFailed saying so", async (_name, settings, invitationTimeoutInSeconds) => {
    await party(3, settings);
    const { id, connection } = await connectedCall();
    await connection.addParticipant({ targetParticipant: { communicationUserId: user(3) } }, { invitationTimeoutInSeconds });
    const failed = await h.waitForEvent("AddParticipantFailed", id);
    expect(failed.resultInformation?.code).toBeGreaterThanOrEqual(400);
    expect(failed.resultInformation?.message).toContain(user(3));
    expect(failed.resultInformation?.message?.split("Underlying reason: ")[1]).toMatch(/did not answer|timed out/i);
    const invitation = await invitationTo(user(3));
    expect(invitation.state).toBe("failed");
    // From CallConnected (the invitation went out after it) to the failure: at most the ringing time.
    const at = (type: string) => Date.parse(h.receiver.events().find((e) => e.type === `Microsoft.Communication.${type}` && e.data.callConnectionId === id)!.time);
    const rang = at("AddParticipantFailed") - at("CallConnected");
    expect(rang).toBeLessThan(invitationTimeoutInSeconds ? invitationTimeoutInSeconds * 1000 + 1000 : DEFAULT_INVITATION_TIMEOUT_MS);
  });

  test("GET /emulator/calls keeps each invitation's state: ringing, then accepted", async () => {
    await party(3, { behavior: "answer", delayMs: 200 });
    const { id, connection } = await connectedCall();
    await connection.addParticipant({ targetParticipant: { communicationUserId: user(3) } });
    expect((await invitationTo(user(3))).state).toBe("ringing");
    await h.waitForEvent("AddParticipantSucceeded", id);
    expect((await invitationTo(user(3))).state).toBe("accepted");
  });

  test("a cancelled invitation is kept as canceled and sends no AddParticipantFailed", async () => {
    await party(3, { behavior: "decline", delayMs: 200 });
    const { id, connection } = await connectedCall();
    const { invitationId } = await connection.addParticipant({ targetParticipant: { communicationUserId: user(3) } });
    await connection.cancelAddParticipantOperation(invitationId!);
    await h.waitForEvent("CancelAddParticipantSucceeded", id);
    await h.drain();
    expect((await invitationTo(user(3))).state).toBe("canceled");
    expect(h.eventTypes(id)).not.toContain("AddParticipantFailed");
  });

  test("an invitation still ringing when the call ends settles as canceled, and its party's answer changes nothing", async () => {
    await party(3, { behavior: "answer", delayMs: 200 });
    const { id, connection } = await connectedCall();
    await connection.addParticipant({ targetParticipant: { communicationUserId: user(3) } });
    await h.emulator.hangUpParty((await connection.getCallConnectionProperties()).serverCallId!, user(1));
    await h.waitForEvent("CallDisconnected", id);
    await h.drain();
    expect((await invitationTo(user(3))).state).toBe("canceled");
    const types = h.eventTypes(id);
    expect(types.slice(types.indexOf("CallDisconnected") + 1)).toEqual([]);
    expect(types).not.toContain("AddParticipantSucceeded");
  });

  test.runIf(transport !== "server")("a call offered to the app waits for the app: no party in the world answers it for the app", async () => {
    // Even a party set to answer at once does not pick up a call offered to the app.
    await h.control("PUT", `/emulator/parties/${encodeURIComponent(`4:${resourceNumber}`)}`, { behavior: "answer", delayMs: 0 });
    const created = await h.client.createCall({ targetParticipant: { phoneNumber: resourceNumber }, sourceCallIdNumber: caller }, h.callbackUri);
    const incoming = await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall", "IncomingCall");
    h.emulator.advance(30_000);
    expect((await invitationTo(`4:${resourceNumber}`)).state).toBe("ringing");
    const answered = await h.client.answerCall(incoming.data.incomingCallContext, h.callbackUri);
    await h.waitForEvent("CallConnected", answered.callConnectionProperties.callConnectionId!);
    await h.waitForEvent("CallConnected", created.callConnectionProperties.callConnectionId!);
  });
});
