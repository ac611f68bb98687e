import { describe, expect, test } from "vitest";
import { validateRequestBody } from "../../contracts/validator.js";
import { acsUser as user, callTo, groupCall, subscribeEventGrid } from "../support/calls.js";
import { signedRequest } from "../support/directoryClients.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

// Issue 16: a transfer's edges no test reached: a transferee sent as null, the caller id the
// target's IncomingCall shows, and a transfer target answering after the app's leg began to
// leave (in the same instant as its hang-up) or had left (a group call that goes on).

const API = "api-version=2026-03-12";
const callerId = "+18005550100";

describe.each(TRANSPORTS)("a transfer's edges over %s", (transport) => {
  const h = useHarness({ transport, selfCheck: true, phoneNumbers: [callerId] });

  const onVirtualClock = test.skipIf(transport === "server");
  const party = (n: number, settings: { behavior: string; delayMs?: number }) => h.control("PUT", `/emulator/parties/${encodeURIComponent(user(n))}`, settings);
  const snapshot = async (serverCallId: string) => ((await h.control("GET", "/emulator/calls")).body as any[]).find((c) => c.serverCallId === serverCallId);

  test("a null transferee in a 1:1 call, which the spec check lets through, is read as none: the other party is transferred", async () => {
    const { id, serverCallId } = await callTo(h, user(1));
    const body = { targetParticipant: { kind: "communicationUser", communicationUser: { id: user(5) } }, transferee: null };
    expect(validateRequestBody("CallConnection_TransferToParticipant", body, { apiVersion: "2026-03-12" })).toEqual([]);
    const answer = await signedRequest(h, "POST", `/calling/callConnections/${id}:transferToParticipant?${API}`, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    const accepted = await h.waitForEvent("CallTransferAccepted", id);
    expect(accepted.transferee).toMatchObject({ rawId: user(1) });
    await h.waitForEvent("CallDisconnected", id);
    expect((await snapshot(serverCallId)).participants.map((p: any) => p.rawId).sort()).toEqual([user(1), user(5)].sort());
  });

  test("a transfer with a caller id rings an ACS user target from that number: its IncomingCall's from", async () => {
    await subscribeEventGrid(h, "/eventgrid", ["IncomingCall"]);
    const { id, connection } = await callTo(h, user(1));
    await connection.transferCallToParticipant({ communicationUserId: user(5) }, { sourceCallIdNumber: { phoneNumber: callerId } });
    const incoming = await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall" && e.data.to.rawId === user(5), "IncomingCall to the target");
    expect(incoming.data.from).toMatchObject({ kind: "phoneNumber", rawId: `4:${callerId}`, phoneNumber: { value: callerId } });
    await h.waitForEvent("CallTransferAccepted", id);
  });

  onVirtualClock("an app that hangs up in the instant its transfer target answers leaves by its hang-up: the transfer does not complete", async () => {
    // The target's answer falls due before the hang-up's own turn, while the app's leg is leaving.
    await party(5, { behavior: "answer", delayMs: 0 });
    const { id, connection, serverCallId } = await callTo(h, user(1));
    await connection.transferCallToParticipant({ communicationUserId: user(5) });
    await connection.hangUp(false);
    const disconnected = await h.waitForEvent("CallDisconnected", id);
    await h.drain();
    expect(disconnected.resultInformation?.subCode).not.toBe(7015);
    expect(h.eventTypes(id).filter((t) => t.startsWith("CallTransfer"))).toEqual([]);
    const call = await snapshot(serverCallId);
    expect(call.ended).toBe(true);
    expect(call.invitations.find((i: any) => i.purpose === "transfer")).toMatchObject({ target: user(5), state: "accepted" });
  });

  test("a group call goes on without the app that hung up while its transfer rang: the transferee stays when the target answers", async () => {
    await party(5, { behavior: "answer", delayMs: 500 });
    const { id, connection, serverCallId } = await groupCall(h, 2);
    await connection.transferCallToParticipant({ communicationUserId: user(5) }, { transferee: { communicationUserId: user(2) } });
    await connection.hangUp(false);
    await h.waitForEvent("CallDisconnected", id);
    await h.drain();
    const call = await snapshot(serverCallId);
    expect(call.invitations.find((i: any) => i.purpose === "transfer")).toMatchObject({ target: user(5), state: "accepted" });
    expect(call.ended).toBe(false);
    expect(call.participants.map((p: any) => p.rawId).sort()).toEqual([user(1), user(2)].sort());
  });
});
