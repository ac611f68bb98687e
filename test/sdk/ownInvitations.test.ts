import { describe, expect, test } from "vitest";
import { acsUser, subscribeEventGrid } from "../support/calls.js";
import { startHarness, TRANSPORTS, useHarness } from "../support/harness.js";

const user = acsUser;

/**
 * Learn "Incoming call concepts": a call, redirect, add participant or transfer to an ACS
 * identity raises IncomingCall; REC-NET: every ACS-to-ACS recording starts with the IncomingCall
 * of the test's own createCall, which the test then answers.
 */
describe.each(TRANSPORTS)("IncomingCall for the app's own invitations over %s", (transport) => {
  const h = useHarness({ transport }, (h) => subscribeEventGrid(h, "/eventgrid", ["IncomingCall"]));

  const onVirtualClock = test.runIf(transport !== "server");
  const leaveToApps = (rawId: string) => h.control("PUT", `/emulator/parties/${encodeURIComponent(rawId)}`, { behavior: "leftToApps" });
  const incomingCallTo = (rawId: string) =>
    h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall" && e.data.to.rawId === rawId, `IncomingCall to ${rawId}`);

  async function createCallTo(n: number) {
    const result = await h.client.createCall({ targetParticipant: { communicationUserId: user(n) } }, h.callbackUri);
    return { id: result.callConnectionProperties.callConnectionId!, connection: result.callConnection, serverCallId: result.callConnectionProperties.serverCallId! };
  }

  test("createCall to an ACS user raises IncomingCall for the target, from the app, in the same call", async () => {
    const { id, serverCallId } = await createCallTo(1);
    const incoming = await incomingCallTo(user(1));
    expect(incoming.data).toMatchObject({ serverCallId, to: { kind: "communicationUser", rawId: user(1) }, from: { kind: "communicationUser" } });
    // The emulated callee answers by itself as before.
    await h.waitForEvent("CallConnected", id);
  });

  test("createCall to a phone number the resource does not own raises no IncomingCall", async () => {
    const result = await h.client.createCall({ targetParticipant: { phoneNumber: "+14255550123" }, sourceCallIdNumber: { phoneNumber: "+18005550100" } }, h.callbackUri);
    await h.waitForEvent("ParticipantsUpdated", result.callConnectionProperties.callConnectionId!);
    await h.settle();
    expect(h.receiver.events("/eventgrid").filter((e) => e.eventType === "Microsoft.Communication.IncomingCall")).toEqual([]);
  });

  test("the app answers its own call to a party left to apps: both legs connect and hear roster 1", async () => {
    expect((await leaveToApps(user(1))).status).toBe(200);
    const caller = await createCallTo(1);
    const incoming = await incomingCallTo(user(1));
    const answered = await h.client.answerCall(incoming.data.incomingCallContext, h.callbackUri);
    const calleeId = answered.callConnectionProperties.callConnectionId!;
    const [ofCaller, ofCallee] = await Promise.all([h.waitForEvent("ParticipantsUpdated", caller.id), h.waitForEvent("ParticipantsUpdated", calleeId)]);
    // REC-NET PlayMultipleFilesSourcesWithPlayMediaTest: both legs' first roster is 1, with the two users.
    expect(ofCaller.sequenceNumber).toBe(1);
    expect(ofCallee.sequenceNumber).toBe(1);
    expect(ofCallee.participants).toHaveLength(2);
    expect(h.eventTypes(caller.id)).toEqual(["CallConnected", "ParticipantsUpdated"]);
    expect(h.eventTypes(calleeId)).toEqual(["CallConnected", "ParticipantsUpdated"]);
    expect((await caller.connection.listParticipants()).values).toHaveLength(2);
  });

  onVirtualClock("a party left to apps never answers by itself: the invitation times out", async () => {
    await leaveToApps(user(1));
    const { id } = await createCallTo(1);
    await incomingCallTo(user(1));
    await h.settle();
    expect(h.eventTypes(id)).toEqual(["CreateCallFailed", "CallDisconnected"]);
  });

  test("the app rejecting its own call's IncomingCall fails the call", async () => {
    await leaveToApps(user(1));
    const { id } = await createCallTo(1);
    const incoming = await incomingCallTo(user(1));
    await h.client.rejectCall(incoming.data.incomingCallContext);
    await h.waitForEvent("CallDisconnected", id);
    expect(h.eventTypes(id)).toEqual(["CreateCallFailed", "CallDisconnected"]);
  });

  test("the first answer wins: an app answering after the emulated callee gets AnswerFailed 487/10003", async () => {
    const { id } = await createCallTo(1);
    const incoming = await incomingCallTo(user(1));
    await h.waitForEvent("CallConnected", id);
    const late = await h.client.answerCall(incoming.data.incomingCallContext, h.callbackUri);
    const lateId = late.callConnectionProperties.callConnectionId!;
    const failed = await h.waitForEvent("AnswerFailed", lateId);
    expect(failed.resultInformation).toMatchObject({ code: 487, subCode: 10003, message: expect.stringMatching(/^Call was canceled for this user endpoint as it was accepted elsewhere, by another endpoint\./) });
    await h.settle();
    expect(h.eventTypes(lateId)).toEqual(["AnswerFailed"]);
    expect(h.eventTypes(id)).toEqual(["CallConnected", "ParticipantsUpdated"]);
  });

  test("the first answer wins: an app answering before the emulated callee takes the call, the callee's answer is lost", async () => {
    await h.control("PUT", `/emulator/parties/${encodeURIComponent(user(1))}`, { behavior: "answer", delayMs: 1_000 });
    const caller = await createCallTo(1);
    const incoming = await incomingCallTo(user(1));
    const answered = await h.client.answerCall(incoming.data.incomingCallContext, h.callbackUri);
    const calleeId = answered.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallConnected", calleeId);
    await h.settle();
    expect(h.eventTypes(caller.id)).toEqual(["CallConnected", "ParticipantsUpdated"]);
    const calls = await h.control("GET", "/emulator/calls");
    const participant = calls.body[0].participants.find((p: any) => p.rawId === user(1));
    expect(participant.callConnectionId).toBe(calleeId);
  });

  test("addParticipant to an ACS user raises IncomingCall carrying the invitation's customCallingContext", async () => {
    const { id, connection, serverCallId } = await createCallTo(1);
    await h.waitForEvent("ParticipantsUpdated", id);
    await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) }, customCallingContext: [{ kind: "voip", key: "case", value: "C-7" }] });
    const incoming = await incomingCallTo(user(2));
    expect(incoming.data).toMatchObject({ serverCallId, customContext: { voipHeaders: { case: "C-7" } } });
    await h.waitForEvent("AddParticipantSucceeded", id);
  });

  test("a transfer to an ACS user raises IncomingCall from the transferee with the transfer's customCallingContext", async () => {
    const { id, connection } = await createCallTo(1);
    await h.waitForEvent("ParticipantsUpdated", id);
    await connection.transferCallToParticipant({ communicationUserId: user(5) }, { customCallingContext: [{ kind: "voip", key: "ticket", value: "T-1" }] });
    const incoming = await incomingCallTo(user(5));
    expect(incoming.data).toMatchObject({ from: { rawId: user(1) }, customContext: { voipHeaders: { ticket: "T-1" } } });
    await h.waitForEvent("CallTransferAccepted", id);
  });

  test("the transfer target's app answers through IncomingCall when the target is left to apps", async () => {
    await leaveToApps(user(5));
    const { id, connection } = await createCallTo(1);
    await h.waitForEvent("ParticipantsUpdated", id);
    await connection.transferCallToParticipant({ communicationUserId: user(5) });
    const incoming = await incomingCallTo(user(5));
    const answered = await h.client.answerCall(incoming.data.incomingCallContext, h.callbackUri);
    const targetId = answered.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallTransferAccepted", id);
    await h.waitForEvent("CallConnected", targetId);
    await h.waitForEvent("CallDisconnected", id);
    const properties = await answered.callConnection.getCallConnectionProperties();
    expect(properties.callConnectionState).toBe("connected");
  });
});

describe("a party left to apps, in-process", () => {
  test("is set through the TypeScript API and listed with the parties", async () => {
    const h = await startHarness({ transport: "direct" });
    try {
      expect(h.emulator.setParty(user(3), { behavior: "leftToApps" })).toMatchObject({ rawId: user(3), behavior: "leftToApps" });
      expect((await h.control("GET", "/emulator/parties")).body).toContainEqual(expect.objectContaining({ rawId: user(3), behavior: "leftToApps" }));
      const refused = await h.control("PUT", `/emulator/parties/${encodeURIComponent(user(3))}`, { behavior: "leftForApps" });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(/leftToApps/);
    } finally {
      await h.close();
    }
  });
});
