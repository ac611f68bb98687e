import { describe, expect, test } from "vitest";
import { signedRequest } from "../support/directoryClients.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

// Issue 16: connect, createCall and transfer refusals were checked by status or a word of the
// message, a second leg's repeated roster only when it stayed, a transfer's planted fault
// never, and what follows when the app leaves while a transfer rings never. Here each refusal
// names its field, and each outcome's events are checked whole.

const user = (n: number) => `8:acs:16161616-1616-1616-1616-161616161616_0000000${n}-0000-0000-0000-000000000000`;
const API = "api-version=2025-06-15";

describe.each(TRANSPORTS)("connect, createCall and transfer over %s", (transport) => {
  const h = useHarness({ transport });

  const inProcess = test.skipIf(transport === "server");
  const raw = (path: string, body: unknown) => signedRequest(h, "POST", `${path}?${API}`, body);
  const party = (n: number, settings: { behavior: string; delayMs?: number }) => h.control("PUT", `/emulator/parties/${encodeURIComponent(user(n))}`, settings);
  /** Expects a 400 whose error names `target` and whose message says `message`. */
  function refused(answer: { status: number; body: any }, target: string, message?: string) {
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body.error.target).toBe(target);
    if (message) expect(answer.body.error.message).toContain(message);
  }
  async function groupCall(targets: number[]) {
    const result = await h.client.createGroupCall(targets.map((n) => ({ communicationUserId: user(n) })), h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.length === targets.length + 1);
    return { id, serverCallId: result.callConnectionProperties.serverCallId!, connection: result.callConnection };
  }

  describe("connect", () => {
    test("refusals name the field: callbackUri, callLocator, its kind, its id, operationContext", async () => {
      const started = await h.control("POST", "/emulator/calls", { participants: [user(1), user(2)] });
      const locator = { kind: "serverCallLocator", serverCallId: started.body.serverCallId };
      const badUri = await h.client.connectCall({ kind: "serverCallLocator", id: started.body.serverCallId }, "not a url").catch((e) => e);
      expect(badUri.statusCode).toBe(400);
      expect(badUri.details.error.target).toBe("callbackUri");
      refused(
        await raw("/calling/callConnections:connect", { callbackUri: h.callbackUri, callLocator: {} }),
        "callLocator.kind",
        "callLocator.kind must be one of serverCallLocator, groupCallLocator, roomCallLocator.",
      );
      refused(await raw("/calling/callConnections:connect", { callbackUri: h.callbackUri, callLocator: locator, operationContext: 5 }), "operationContext");
      const noId = await h.client.connectCall({ kind: "groupCallLocator", id: "" }, h.callbackUri).catch((e) => e);
      expect(noId.details.error).toMatchObject({ target: "callLocator.groupCallId", message: expect.stringContaining("callLocator.groupCallId is required for a groupCallLocator.") });
      expect((await h.control("GET", "/emulator/calls")).body.map((c: any) => c.connections?.length ?? 0)).toEqual([0]);
    });

    test("a call that has ended is not joined: ConnectFailed 404/8522, noting which call was looked for, and no live call is left behind", async () => {
      const { serverCallId, connection } = await groupCall([1]);
      await connection.hangUp(true);
      await h.drain();
      const result = await h.client.connectCall({ kind: "serverCallLocator", id: serverCallId }, h.callbackUri, { operationContext: "late" });
      const id = result.callConnectionProperties.callConnectionId!;
      const failed = await h.waitForEvent("ConnectFailed", id);
      expect(failed.operationContext).toBe("late");
      expect(failed.resultInformation).toEqual({ code: 404, subCode: 8522, message: "Call not found. DiagCode: 404#8522.@" });
      await h.drain();
      expect(h.eventTypes(id)).toEqual(["ConnectFailed"]);
      const [sent] = h.emulator.events({ callConnectionId: id });
      expect(sent.note).toBe(`No call was found for serverCallId ${serverCallId}. Start one with POST /emulator/calls first.`);
      const calls = (await h.control("GET", "/emulator/calls")).body as any[];
      expect(calls.filter((c) => !c.ended)).toEqual([]);
    });

    test("a leg joining a call its identity is in hears the roster again later, and a first leg hears it once", async () => {
      const { id: first, serverCallId } = await groupCall([1]);
      const second = await h.client.connectCall({ kind: "serverCallLocator", id: serverCallId }, h.callbackUri);
      const id = second.callConnectionProperties.callConnectionId!;
      await h.drain();
      expect(h.eventTypes(id)).toEqual(["ParticipantsUpdated", "CallConnected", "ParticipantsUpdated"]);
      const started = await h.control("POST", "/emulator/calls", { participants: [user(2), user(3)] });
      const joined = await h.client.connectCall({ kind: "serverCallLocator", id: started.body.serverCallId }, h.callbackUri);
      await h.drain();
      expect(h.eventTypes(joined.callConnectionProperties.callConnectionId!).filter((t) => t === "ParticipantsUpdated")).toHaveLength(1);
      expect(h.eventTypes(first).filter((t) => t === "CallDisconnected")).toEqual([]);
    });

    inProcess("a second leg that leaves before the roster comes again hears nothing after its CallDisconnected", async () => {
      const { serverCallId } = await groupCall([1]);
      const second = await h.client.connectCall({ kind: "serverCallLocator", id: serverCallId }, h.callbackUri);
      const id = second.callConnectionProperties.callConnectionId!;
      await h.waitForEvent("CallConnected", id);
      await second.callConnection.hangUp(false);
      await h.drain();
      const types = h.eventTypes(id);
      expect(types[types.length - 1]).toBe("CallDisconnected");
      expect(types.filter((t) => t === "ParticipantsUpdated")).toHaveLength(1);
    });
  });

  describe("createCall", () => {
    test("refusals name the field: targets, each target, sourceCallerIdNumber, source, sourceDisplayName, operationContext", async () => {
      const base = { callbackUri: h.callbackUri, targets: [{ kind: "communicationUser", communicationUser: { id: user(1) } }] };
      refused(await raw("/calling/callConnections", { callbackUri: h.callbackUri, targets: [] }), "targets", "targets must list at least one participant to call.");
      const badTarget = await raw("/calling/callConnections", { ...base, targets: [{ kind: "communicationUser" }] });
      expect(badTarget.status).toBe(400);
      expect(badTarget.body.error.target).toMatch(/^targets\[0\]/);
      const pstn = await h.client.createCall({ targetParticipant: { phoneNumber: "+14255550123" } }, h.callbackUri).catch((e) => e);
      expect(pstn.details.error).toMatchObject({
        target: "sourceCallerIdNumber",
        message: expect.stringContaining("targets[0] is a phone number, so sourceCallerIdNumber is required: set it to a number your resource owns (e.g. +18005550100)."),
      });
      const badNumber = await raw("/calling/callConnections", { ...base, sourceCallerIdNumber: { value: "not a number" } });
      expect(badNumber.status).toBe(400);
      expect(badNumber.body.error.target).toMatch(/^sourceCallerIdNumber/);
      const badSource = await raw("/calling/callConnections", { ...base, source: { id: "not an identifier" } });
      expect(badSource.status).toBe(400);
      expect(badSource.body.error.target).toMatch(/^source/);
      refused(await raw("/calling/callConnections", { ...base, sourceDisplayName: 5 }), "sourceDisplayName");
      refused(await raw("/calling/callConnections", { ...base, operationContext: 5 }), "operationContext");
      expect((await h.control("GET", "/emulator/calls")).body).toEqual([]);
    });

    test("a call placed with a source is placed as that identity", async () => {
      const placed = await raw("/calling/callConnections", { callbackUri: h.callbackUri, targets: [{ kind: "communicationUser", communicationUser: { id: user(1) } }], source: { id: user(9) } });
      expect(placed.status).toBe(201);
      const id = placed.body.callConnectionId;
      const roster = await h.waitForEvent("ParticipantsUpdated", id);
      expect(roster.participants.map((p: any) => p.identifier.communicationUserId).sort()).toEqual([user(1), user(9)].sort());
    });

    test("a group call that has connected stays when a later target declines", async () => {
      await party(1, { behavior: "answer", delayMs: 10 });
      await party(2, { behavior: "decline", delayMs: 300 });
      const result = await h.client.createGroupCall([{ communicationUserId: user(1) }, { communicationUserId: user(2) }], h.callbackUri);
      const id = result.callConnectionProperties.callConnectionId!;
      await h.waitForEvent("CallConnected", id);
      await h.drain();
      expect(h.eventTypes(id)).not.toContain("CreateCallFailed");
      expect(h.eventTypes(id)).not.toContain("CallDisconnected");
      expect((await result.callConnection.getCallConnectionProperties()).callConnectionState).toBe("connected");
    });

    test("a declined 1:1 call fails with the recorded decline, and one that is busy names the call and the target", async () => {
      await party(1, { behavior: "decline", delayMs: 10 });
      const declined = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri, { operationContext: "ring" });
      const id = declined.callConnectionProperties.callConnectionId!;
      const failed = await h.waitForEvent("CreateCallFailed", id);
      expect(failed.operationContext).toBe("ring");
      expect(failed.resultInformation).toEqual({ code: 603, subCode: 0, message: "Call ended successfully as it was declined from callee. DiagCode: 603#0.@" });
      await party(2, { behavior: "busy", delayMs: 10 });
      const busy = await h.client.createCall({ targetParticipant: { communicationUserId: user(2) } }, h.callbackUri);
      const busyFailed = await h.waitForEvent("CreateCallFailed", busy.callConnectionProperties.callConnectionId!);
      expect(busyFailed.resultInformation?.message).toMatch(new RegExp(`^createCall failed for participant ${user(2)}\\. Underlying reason: `));
    });
  });

  describe("transfer", () => {
    test("refusals name the field: targetParticipant, transferee, operationCallbackUri, operationContext, customCallingContext, sourceCallerIdNumber", async () => {
      const { id, connection } = await groupCall([1, 2]);
      const path = `/calling/callConnections/${id}:transferToParticipant`;
      const target = { kind: "communicationUser", communicationUser: { id: user(5) } };
      const transferee = { kind: "communicationUser", communicationUser: { id: user(2) } };
      const badTarget = await raw(path, { targetParticipant: { kind: "communicationUser" }, transferee });
      expect(badTarget.status).toBe(400);
      expect(badTarget.body.error.target).toMatch(/^targetParticipant/);
      const badTransferee = await raw(path, { targetParticipant: target, transferee: { kind: "communicationUser" } });
      expect(badTransferee.status).toBe(400);
      expect(badTransferee.body.error.target).toMatch(/^transferee/);
      const needed = await connection.transferCallToParticipant({ communicationUserId: user(5) }).catch((e) => e);
      expect(needed.details.error).toMatchObject({
        target: "transferee",
        message: expect.stringContaining("The call has 2 other participants, so transferee is required: name the participant to transfer."),
      });
      const stranger = await connection.transferCallToParticipant({ communicationUserId: user(5) }, { transferee: { communicationUserId: user(7) } }).catch((e) => e);
      expect(stranger.statusCode).toBeGreaterThanOrEqual(400);
      expect(stranger.details.error.target).toBe("transferee");
      const inCall = await connection.transferCallToParticipant({ communicationUserId: user(1) }, { transferee: { communicationUserId: user(2) } }).catch((e) => e);
      expect(inCall.details.error).toMatchObject({ target: "targetParticipant", message: expect.stringContaining(`${user(1)} is already in the call.`) });
      const badUri = await connection.transferCallToParticipant({ communicationUserId: user(5) }, { transferee: { communicationUserId: user(2) }, operationCallbackUrl: "not a url" }).catch((e) => e);
      expect(badUri.details.error.target).toBe("operationCallbackUri");
      refused(await raw(path, { targetParticipant: target, transferee, operationContext: 5 }), "operationContext");
      const badContext = await raw(path, { targetParticipant: target, transferee, customCallingContext: "x" });
      expect(badContext.status).toBe(400);
      expect(badContext.body.error.target).toMatch(/^customCallingContext/);
      const badNumber = await raw(path, { targetParticipant: target, transferee, sourceCallerIdNumber: { value: "not a number" } });
      expect(badNumber.status).toBe(400);
      expect(badNumber.body.error.target).toMatch(/^sourceCallerIdNumber/);
      await h.drain();
      expect(h.eventTypes(id).filter((t) => t.startsWith("CallTransfer"))).toEqual([]);
      expect((await connection.getCallConnectionProperties()).callConnectionState).toBe("connected");
    });

    test("a completed transfer reports 200/7015 with its message on CallTransferAccepted", async () => {
      const { id, connection } = await groupCall([1]);
      await connection.transferCallToParticipant({ communicationUserId: user(5) }, { operationContext: "xfer" });
      const accepted = await h.waitForEvent("CallTransferAccepted", id);
      expect(accepted.resultInformation).toEqual({ code: 200, subCode: 7015, message: "Call ended as the transfer completed successfully. DiagCode: 0#7015.@" });
    });

    test("a transfer the target is busy for fails naming the transfer and the target, with the request's operationContext", async () => {
      await party(5, { behavior: "busy", delayMs: 10 });
      const { id, connection } = await groupCall([1]);
      await connection.transferCallToParticipant({ communicationUserId: user(5) }, { operationContext: "try" });
      const failed = await h.waitForEvent("CallTransferFailed", id);
      expect(failed.operationContext).toBe("try");
      expect(failed.resultInformation?.message).toMatch(new RegExp(`^transfer failed for participant ${user(5)}\\. Underlying reason: `));
    });

    test("a planted transfer fault sends CallTransferFailed with it to the operation callback, and the target is never rung", async () => {
      const { id, serverCallId, connection } = await groupCall([1]);
      await h.control("POST", "/emulator/faults", { action: "transferToParticipant", async: true, status: 500, subCode: 8500, message: "Transfer broke." });
      await connection.transferCallToParticipant({ communicationUserId: user(5) }, { operationContext: "faulty", operationCallbackUrl: h.receiver.url("/xfer") });
      const failed = await h.receiver.waitFor((e) => e.type === "Microsoft.Communication.CallTransferFailed", "CallTransferFailed");
      expect(h.receiver.events("/xfer")).toContain(failed);
      expect(failed.data).toMatchObject({ callConnectionId: id, operationContext: "faulty", resultInformation: { code: 500, subCode: 8500, message: "Transfer broke. DiagCode: 500#8500.@" } });
      await h.drain();
      expect(h.eventTypes(id).filter((t) => t.startsWith("CallTransfer"))).toEqual(["CallTransferFailed"]);
      expect((await connection.getCallConnectionProperties()).callConnectionState).toBe("connected");
      const [call] = (await h.control("GET", "/emulator/calls")).body.filter((c: any) => c.serverCallId === serverCallId);
      expect(call.participants.map((p: any) => p.rawId)).not.toContain(user(5));
    });

    test("a transfer with a caller id rings the target from that number", async () => {
      const { id, serverCallId } = await groupCall([1]);
      await h.control("PUT", `/emulator/phone-numbers/${encodeURIComponent("+18005550100")}`);
      await party(5, { behavior: "noAnswer" });
      const answer = await raw(`/calling/callConnections/${id}:transferToParticipant`, {
        targetParticipant: { kind: "phoneNumber", phoneNumber: { value: "+14255550199" } },
        sourceCallerIdNumber: { value: "+18005550100" },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
      const [call] = (await h.control("GET", "/emulator/calls")).body.filter((c: any) => c.serverCallId === serverCallId);
      const invitation = call.invitations.find((i: any) => i.purpose === "transfer");
      expect(invitation).toMatchObject({ target: "4:+14255550199" });
      expect(JSON.stringify(invitation)).toContain("+18005550100");
    });

    test("an app that hangs up while its transfer rings hears nothing of the transfer after its CallDisconnected", async () => {
      await party(5, { behavior: "answer", delayMs: 500 });
      const { id, connection } = await groupCall([1, 2]);
      await connection.transferCallToParticipant({ communicationUserId: user(5) }, { transferee: { communicationUserId: user(2) } });
      await connection.hangUp(false);
      await h.waitForEvent("CallDisconnected", id);
      await h.drain();
      const types = h.eventTypes(id);
      expect(types[types.length - 1]).toBe("CallDisconnected");
      expect(types.filter((t) => t.startsWith("CallTransfer"))).toEqual([]);
      const sent = h.emulator.events({ callConnectionId: id }).map((e) => e.type);
      expect(sent[sent.length - 1]).toBe("Microsoft.Communication.CallDisconnected");
    });
  });
});
