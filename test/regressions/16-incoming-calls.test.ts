import { beforeEach, describe, expect, test } from "vitest";
import { acsUser, subscribeEventGrid } from "../support/calls.js";
import { signedRequest } from "../support/directoryClients.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

// Issue 16: placing, answering, rejecting and redirecting an IncomingCall were asserted on their
// happy paths; what is refused and why (field, text), which subscriptions count, who an answer
// connects and what a redirect rings were not.

const caller = "4:+14255550123";
const appNumber = "4:+18005550100";
const otherAppNumber = "4:+18005550101";
const outsider = "4:+14255550199";
const agent = acsUser(9);
const API = "api-version=2026-03-12";

describe.each(TRANSPORTS)("incoming calls over %s", (transport) => {
  const h = useHarness({ transport, phoneNumbers: [appNumber.slice(2), otherAppNumber.slice(2)] });

  const place = (body: Record<string, unknown>) => h.control("POST", "/emulator/incoming-calls", body);
  const incomingTo = (to: string) => h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall" && e.data.to.rawId === to, `IncomingCall to ${to}`);
  const incomingCallsTo = (to: string) => h.receiver.events().filter((e) => e.eventType === "Microsoft.Communication.IncomingCall" && e.data.to.rawId === to);
  const snapshot = async (serverCallId: string) => ((await h.control("GET", "/emulator/calls")).body as any[]).find((c) => c.serverCallId === serverCallId);
  const party = (rawId: string, settings: { behavior: string; delayMs?: number }) => h.control("PUT", `/emulator/parties/${encodeURIComponent(rawId)}`, settings);
  const hangUpParty = (serverCallId: string, rawId: string) => h.control("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(rawId)}:hangUp`);
  /** The error body's field and text, as the SDK's RestError carries them. */
  const errorOf = (e: any) => ({ status: e.statusCode, target: e.details?.error?.target, message: e.details?.error?.message });

  describe("placing one through the control plane", () => {
    beforeEach(() => subscribeEventGrid(h));

    test.each([
      ["from", { to: appNumber }],
      ["from", { from: "", to: appNumber }],
      ["to", { from: caller, to: 5 }],
      ["to", { from: caller, to: "" }],
    ])("refuses a missing or empty %s, naming it and the rawId forms", async (field, body) => {
      const refused = await place(body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.target).toBe(field);
      expect(refused.body.error.message).toContain(`${field} is required: a rawId such as 4:+14255550123 or 8:acs:<resource>_<user>.`);
      expect((await h.control("GET", "/emulator/calls")).body).toEqual([]);
    });

    test("from an ACS user carries a display name, and the caller's own one when given", async () => {
      await place({ from: agent, to: appNumber });
      expect((await incomingTo(appNumber)).data.callerDisplayName).toMatch(/\S/);
      await place({ from: agent, to: otherAppNumber, callerDisplayName: "Ada Lovelace" });
      expect((await incomingTo(otherAppNumber)).data.callerDisplayName).toBe("Ada Lovelace");
    });
  });

  describe("which Event Grid subscriptions must be validated", () => {
    const awaiting = async (path: string, eventTypes?: string[]) => {
      h.receiver.respondWith((r) => (r.headers["aeg-event-type"] === "SubscriptionValidation" ? { status: 200, body: "{}" } : undefined));
      const subscribed = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url(path), eventTypes });
      h.receiver.respondWith(undefined);
      expect(subscribed.body.state).toBe("awaitingValidation");
      return subscribed.body;
    };

    test("refuses the call (409) while the only IncomingCall subscription awaits validation, saying which and why", async () => {
      const pending = await awaiting("/pending", ["Microsoft.Communication.IncomingCall"]);
      const refused = await place({ from: caller, to: appNumber });
      expect(refused.status).toBe(409);
      expect(refused.body.error.target).toBe("subscriptions");
      expect(refused.body.error.message).toContain("No Event Grid subscription for IncomingCall is validated, so the call would reach nobody.");
      expect(refused.body.error.message).toContain(
        `${pending.id} (${h.receiver.url("/pending")}) is awaiting validation: its endpoint has neither echoed the validationCode nor visited the validationUrl.`,
      );
      expect(refused.body.error.message).toContain("Fix the endpoint and subscribe again (POST /emulator/subscriptions).");
      expect((await h.control("GET", "/emulator/calls")).body).toEqual([]);
    });

    test("a failed subscription for every event type is named with the error its handshake met", async () => {
      h.receiver.respondWith(() => ({ status: 403 }));
      const failed = (await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/refusing") })).body;
      h.receiver.respondWith(undefined);
      const refused = await place({ from: caller, to: appNumber });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain(`${failed.id} (${h.receiver.url("/refusing")}) is failed: ${failed.lastError}`);
    });

    test("places the call when one IncomingCall subscription is validated, or when none takes IncomingCall at all", async () => {
      await awaiting("/pending", ["Microsoft.Communication.CallStarted"]);
      expect((await place({ from: caller, to: appNumber })).status).toBe(201);
      await awaiting("/pending-all");
      expect((await place({ from: caller, to: appNumber })).status).toBe(409);
      await subscribeEventGrid(h);
      const placed = await place({ from: caller, to: appNumber });
      expect(placed.status).toBe(201);
      expect((await incomingTo(appNumber)).data.serverCallId).toBeDefined();
    });
  });

  describe("answering", () => {
    beforeEach(() => subscribeEventGrid(h));

    test("refuses an empty, a foreign and a used incomingCallContext, naming it", async () => {
      expect(errorOf(await h.client.answerCall("", h.callbackUri).catch((e) => e))).toEqual({
        status: 400,
        target: "incomingCallContext",
        message: expect.stringContaining("incomingCallContext is required: copy it from the IncomingCall event's data."),
      });
      expect(errorOf(await h.client.answerCall("not-a-context", h.callbackUri).catch((e) => e))).toEqual({
        status: 400,
        target: "incomingCallContext",
        message: expect.stringContaining("incomingCallContext is not one callsim issued. Copy it unchanged from the IncomingCall event's data."),
      });
      const placed = await place({ from: caller, to: appNumber });
      await h.client.rejectCall(placed.body.incomingCallContext);
      expect(errorOf(await h.client.answerCall(placed.body.incomingCallContext, h.callbackUri).catch((e) => e))).toEqual({
        status: 400,
        target: "incomingCallContext",
        message: expect.stringContaining("This incomingCallContext was already used to reject the call; each IncomingCall can be answered, rejected or redirected once."),
      });
    });

    test.each([
      ["callbackUri", { callbackUri: "ftp://app.example/cb" }],
      ["answeredBy.id", { answeredBy: { id: 42 } }],
      ["operationContext", { operationContext: 42 }],
    ])("names %s when it is bad, and leaves the IncomingCall to answer", async (field, bad) => {
      const placed = await place({ from: caller, to: appNumber });
      const refused = await signedRequest(h, "POST", `/calling/callConnections:answer?${API}`, { incomingCallContext: placed.body.incomingCallContext, callbackUri: h.callbackUri, ...bad });
      expect(refused.status).toBe(400);
      expect(refused.body.error.target).toBe(field);
      const answered = await h.client.answerCall(placed.body.incomingCallContext, h.callbackUri);
      await h.waitForEvent("CallConnected", answered.callConnectionProperties.callConnectionId!);
    });

    test("connects the app as the number called, for it, with the caller as the target", async () => {
      const placed = await place({ from: caller, to: appNumber });
      const answered = await h.client.answerCall(placed.body.incomingCallContext, h.callbackUri);
      const id = answered.callConnectionProperties.callConnectionId!;
      await h.waitForEvent("CallConnected", id);
      const properties = await answered.callConnection.getCallConnectionProperties();
      expect(properties.targetParticipants?.map((t) => (t as any).phoneNumber)).toEqual([caller.slice(2)]);
      expect(properties.answeredFor).toEqual({ phoneNumber: appNumber.slice(2) });
    });

    test("hears the caller's roster as the call's first change: sequenceNumber 1, then 2 when someone joins", async () => {
      const placed = await place({ from: caller, to: appNumber });
      const answered = await h.client.answerCall(placed.body.incomingCallContext, h.callbackUri);
      const id = answered.callConnectionProperties.callConnectionId!;
      const first = await h.waitForEvent("ParticipantsUpdated", id);
      expect(first.sequenceNumber).toBe(1);
      await party(agent, { behavior: "answer", delayMs: 0 });
      await answered.callConnection.addParticipant({ targetParticipant: { communicationUserId: agent } });
      const second = await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.length === 3);
      expect(second.sequenceNumber).toBe(2);
    });

    test("a call to an ACS user is answered for no number", async () => {
      const placed = await place({ from: caller, to: agent });
      const answered = await h.client.answerCall(placed.body.incomingCallContext, h.callbackUri);
      await h.waitForEvent("CallConnected", answered.callConnectionProperties.callConnectionId!);
      expect((await answered.callConnection.getCallConnectionProperties()).answeredFor).toBeUndefined();
    });

    /** The app calls an ACS user whose own client answers at once; the user's IncomingCall stays unanswered. */
    async function takenByTheUsersClient() {
      await party(agent, { behavior: "answer", delayMs: 0 });
      const created = await h.client.createCall({ targetParticipant: { communicationUserId: agent } }, h.callbackUri);
      const creatorId = created.callConnectionProperties.callConnectionId!;
      const offered = await incomingTo(agent);
      await h.waitForEvent("CallConnected", creatorId);
      return { created, creatorId, offered };
    }

    test("after the user's own client took the call: AnswerFailed 487/10003, and nothing more for that leg once the call ends", async () => {
      const { created, creatorId, offered } = await takenByTheUsersClient();
      const late = await h.client.answerCall(offered.data.incomingCallContext, h.callbackUri, { operationContext: "late" });
      const lateId = late.callConnectionProperties.callConnectionId!;
      const failed = await h.waitForEvent("AnswerFailed", lateId);
      expect(failed.operationContext).toBe("late");
      expect(failed.resultInformation).toEqual({ code: 487, subCode: 10003, message: expect.stringContaining("Call was canceled for this user endpoint as it was accepted elsewhere, by another endpoint.") });
      await created.callConnection.hangUp(true);
      await h.waitForEvent("CallDisconnected", creatorId);
      await h.settle();
      expect(h.eventTypes(lateId)).toEqual(["AnswerFailed"]);
    });

    test("after the call the user's client took has ended: AnswerFailed 487/8542, the call was canceled", async () => {
      const { created, creatorId, offered } = await takenByTheUsersClient();
      await created.callConnection.hangUp(true);
      await h.waitForEvent("CallDisconnected", creatorId);
      const late = await h.client.answerCall(offered.data.incomingCallContext, h.callbackUri);
      const failed = await h.waitForEvent("AnswerFailed", late.callConnectionProperties.callConnectionId!);
      expect(failed.resultInformation).toEqual({ code: 487, subCode: 8542, message: expect.stringContaining("The call was canceled by the caller before it was answered.") });
    });
  });

  describe("rejecting", () => {
    beforeEach(() => subscribeEventGrid(h));

    test("refuses a reason other than none, busy or forbidden, and leaves the IncomingCall to answer", async () => {
      const placed = await place({ from: caller, to: appNumber });
      const refused = await h.client.rejectCall(placed.body.incomingCallContext, { callRejectReason: "later" as any }).catch((e) => e);
      expect(errorOf(refused)).toEqual({ status: 400, target: "callRejectReason", message: expect.stringContaining("callRejectReason must be one of none, busy, forbidden.") });
      const answered = await h.client.answerCall(placed.body.incomingCallContext, h.callbackUri);
      await h.waitForEvent("CallConnected", answered.callConnectionProperties.callConnectionId!);
    });

    test.each([
      // A declined createCall is recorded as 603/0 (DEVIATIONS row 4); busy is 486/8539.
      ["none", { code: 603 }, /declined/i],
      ["busy", { code: 486, subCode: 8539 }, /busy/i],
    ] as const)("with reason %s fails the app's createCall to its own number as the callee's refusal", async (reason, codes, why) => {
      const created = await h.client.createCall({ targetParticipant: { phoneNumber: appNumber.slice(2) }, sourceCallIdNumber: { phoneNumber: caller.slice(2) } }, h.callbackUri);
      const id = created.callConnectionProperties.callConnectionId!;
      const offered = await incomingTo(appNumber);
      await h.client.rejectCall(offered.data.incomingCallContext, { callRejectReason: reason });
      const failed = await h.waitForEvent("CreateCallFailed", id);
      expect(failed.resultInformation).toMatchObject({ ...codes, message: expect.stringMatching(why) });
    });
  });

  describe("redirecting", () => {
    test("refuses a target that is no identifier, naming target, and leaves the IncomingCall to answer", async () => {
      await subscribeEventGrid(h);
      const placed = await place({ from: caller, to: appNumber });
      // The SDK refuses an identifier of no kind before sending it.
      const refused = await signedRequest(h, "POST", `/calling/callConnections:redirect?${API}`, { incomingCallContext: placed.body.incomingCallContext, target: {} });
      expect(refused.status).toBe(400);
      expect(refused.body.error.target).toBe("target");
      const answered = await h.client.answerCall(placed.body.incomingCallContext, h.callbackUri);
      await h.waitForEvent("CallConnected", answered.callConnectionProperties.callConnectionId!);
    });

    test("to another number of the resource raises IncomingCall to it; to an outside number raises none", async () => {
      await subscribeEventGrid(h);
      const first = await place({ from: caller, to: appNumber });
      await h.client.redirectCall(first.body.incomingCallContext, { targetParticipant: { phoneNumber: otherAppNumber.slice(2) } });
      const second = await incomingTo(otherAppNumber);
      expect(second.data).toMatchObject({ serverCallId: first.body.serverCallId, from: { rawId: caller } });
      await party(outsider, { behavior: "noAnswer" });
      await h.client.redirectCall(second.data.incomingCallContext, { targetParticipant: { phoneNumber: outsider.slice(2) } });
      await h.settle();
      expect(incomingCallsTo(outsider)).toEqual([]);
      // Rung in the world instead.
      expect((await snapshot(first.body.serverCallId)).invitations.find((i: any) => i.target === outsider)).toMatchObject({ purpose: "redirect", offeredToApp: false });
    });

    test("of an addParticipant offered to the app keeps the addParticipant's own ringing time", async () => {
      await subscribeEventGrid(h);
      await party(agent, { behavior: "answer", delayMs: 0 });
      const created = await h.client.createCall({ targetParticipant: { communicationUserId: agent } }, h.callbackUri);
      const id = created.callConnectionProperties.callConnectionId!;
      await h.waitForEvent("CallConnected", id);
      await created.callConnection.addParticipant({ targetParticipant: { phoneNumber: appNumber.slice(2) }, sourceCallIdNumber: { phoneNumber: caller.slice(2) } }, { invitationTimeoutInSeconds: 1 });
      const offered = await incomingTo(appNumber);
      await h.client.redirectCall(offered.data.incomingCallContext, { targetParticipant: { phoneNumber: otherAppNumber.slice(2) } });
      await incomingTo(otherAppNumber);
      const failed = await h.waitForEvent("AddParticipantFailed", id);
      expect(failed.resultInformation?.message).toMatch(/did not answer|timed out/i);
      // Nobody answered the redirect: it rang for the 1 s the app asked, not an IncomingCall's 30 s.
      const at = (e: Record<string, any>) => Date.parse(e.time);
      const connected = h.receiver.events().find((e) => e.type === "Microsoft.Communication.CallConnected" && e.data.callConnectionId === id)!;
      const failure = h.receiver.events().find((e) => e.type === "Microsoft.Communication.AddParticipantFailed" && e.data.callConnectionId === id)!;
      expect(at(failure) - at(connected)).toBeLessThan(30_000);
    });

    test("after the caller hung up does nothing: no IncomingCall, no invitation", async () => {
      await subscribeEventGrid(h);
      const placed = await place({ from: caller, to: appNumber });
      await hangUpParty(placed.body.serverCallId, caller);
      await h.settle();
      expect((await snapshot(placed.body.serverCallId)).ended).toBe(true);
      await h.client.redirectCall(placed.body.incomingCallContext, { targetParticipant: { communicationUserId: agent } });
      await h.settle();
      expect(incomingCallsTo(agent)).toEqual([]);
      expect((await snapshot(placed.body.serverCallId)).invitations.map((i: any) => i.target)).toEqual([appNumber]);
    });

    test("to an ACS user an app subscription takes leaves their own client silent: the app answers", async () => {
      await subscribeEventGrid(h);
      await party(agent, { behavior: "answer", delayMs: 0 });
      const placed = await place({ from: caller, to: appNumber });
      await h.client.redirectCall(placed.body.incomingCallContext, { targetParticipant: { communicationUserId: agent } });
      const offered = await incomingTo(agent);
      const answered = await h.client.answerCall(offered.data.incomingCallContext, h.callbackUri);
      await h.waitForEvent("CallConnected", answered.callConnectionProperties.callConnectionId!);
      const call = await snapshot(placed.body.serverCallId);
      expect(call.invitations.find((i: any) => i.target === agent)).toMatchObject({ purpose: "incoming", state: "accepted" });
      expect(h.eventTypes(answered.callConnectionProperties.callConnectionId!)).not.toContain("AnswerFailed");
    });

    test("to an ACS user no subscription takes rings their own client, who joins the caller", async () => {
      await party(agent, { behavior: "answer", delayMs: 0 });
      const placed = await place({ from: caller, to: appNumber });
      expect(placed.status).toBe(201);
      await h.client.redirectCall(placed.body.incomingCallContext, { targetParticipant: { communicationUserId: agent } });
      await h.settle();
      const call = await snapshot(placed.body.serverCallId);
      expect(call.ended).toBe(false);
      expect(call.participants.map((p: any) => p.rawId)).toEqual([caller, agent]);
      expect(call.invitations.find((i: any) => i.target === agent)).toMatchObject({ purpose: "redirect", state: "accepted" });
    });

    test("to an outside number that declines ends the call", async () => {
      await subscribeEventGrid(h);
      await party(outsider, { behavior: "decline", delayMs: 0 });
      const placed = await place({ from: caller, to: appNumber });
      await h.client.redirectCall(placed.body.incomingCallContext, { targetParticipant: { phoneNumber: outsider.slice(2) } });
      await h.settle();
      const call = await snapshot(placed.body.serverCallId);
      expect(call.ended).toBe(true);
      expect(call.participants.map((p: any) => p.rawId)).not.toContain(outsider);
    });
  });
});

describe.each(TRANSPORTS)("incoming calls to a resource named with no numbers over %s", (transport) => {
  const h = useHarness({ transport }, subscribeEventGrid);

  test("the number a call from the world went to becomes the resource's: a redirect to it raises IncomingCall", async () => {
    const learned = "4:+18005550177";
    await h.control("POST", "/emulator/incoming-calls", { from: caller, to: learned });
    const placed = await h.control("POST", "/emulator/incoming-calls", { from: "4:+14255550124", to: "4:+18005550188" });
    await h.client.redirectCall(placed.body.incomingCallContext, { targetParticipant: { phoneNumber: learned.slice(2) } });
    const offered = await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall" && e.data.serverCallId === placed.body.serverCallId && e.data.to.rawId === learned, "IncomingCall of the redirect");
    expect(offered.data.from.rawId).toBe("4:+14255550124");
  });

  test("a number no call went to stays in the world: a redirect to it rings there", async () => {
    const placed = await h.control("POST", "/emulator/incoming-calls", { from: caller, to: "4:+18005550188" });
    await h.control("PUT", `/emulator/parties/${encodeURIComponent(outsider)}`, { behavior: "answer", delayMs: 0 });
    await h.client.redirectCall(placed.body.incomingCallContext, { targetParticipant: { phoneNumber: outsider.slice(2) } });
    await h.settle();
    const call = ((await h.control("GET", "/emulator/calls")).body as any[]).find((c) => c.serverCallId === placed.body.serverCallId);
    expect(call.participants.map((p: any) => p.rawId)).toEqual([caller, outsider]);
    expect(h.receiver.events().filter((e) => e.eventType === "Microsoft.Communication.IncomingCall" && e.data.to.rawId === outsider)).toEqual([]);
  });
});
