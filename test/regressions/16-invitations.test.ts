import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { INVITATION_FAILURES } from "../../emulator/engine/invitations.js";
import { startHarness, TRANSPORTS, type Harness } from "../support/harness.js";

// Issue 16: how invitations end was barely asserted: the forbidden outcome's codes, the state
// GET /emulator/calls keeps, the texts of the failures and what happens after the call ended.
describe.each(TRANSPORTS)("invitation outcomes over %s", (transport) => {
  let h: Harness;
  const resourceNumber = "+18005550100";
  const caller = { phoneNumber: "+14255550123" };
  beforeAll(async () => {
    h = await startHarness({ transport, phoneNumbers: [resourceNumber] });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid") });
  });

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
    expect((await invitationTo(`4:${resourceNumber}`)).state).toBe("failed");
  });

  test.each([
    ["decline", "decline"],
    ["busy", "busy"],
    ["unreachable", "unreachable"],
  ] as const)("a participant who will %s fails addParticipant with a non-2xx code and a text naming them, as the service words it", async (behavior, outcome) => {
    await party(3, { behavior, delayMs: 10 });
    const { id, connection } = await connectedCall();
    await connection.addParticipant({ targetParticipant: { communicationUserId: user(3) } });
    const failed = await h.waitForEvent("AddParticipantFailed", id);
    expect(failed.resultInformation?.code).toBeGreaterThanOrEqual(400);
    // Recorded traffic (CancelAddParticipantTestAsync): "addParticipants failed for participant <rawId>. Underlying reason: <why>".
    expect(failed.resultInformation?.message).toMatch(new RegExp(`^addParticipants failed for participant ${user(3)}\\. Underlying reason: `));
    expect(failed.resultInformation?.message).toContain(INVITATION_FAILURES[outcome].reason);
    expect((await invitationTo(user(3))).state).toBe("failed");
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
});
