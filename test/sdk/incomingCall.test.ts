import { describe, expect, test } from "vitest";
import { subscribeEventGrid } from "../support/calls.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

describe.each(TRANSPORTS)("incomingCall over %s", (transport) => {
  const h = useHarness({ transport }, subscribeEventGrid);

  const caller = "4:+14255550123";
  const appNumber = "4:+18005550100";
  const agent = "8:acs:11111111-1111-1111-1111-111111111111_00000009-0000-0000-0000-000000000000";

  async function ring(from = caller, to = appNumber, extra: Record<string, unknown> = {}) {
    const placed = await h.control("POST", "/emulator/incoming-calls", { from, to, ...extra });
    expect(placed.status).toBe(201);
    const event = await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall" && e.data.serverCallId === placed.body.serverCallId && e.data.to.rawId === to, `IncomingCall to ${to}`);
    return { placed: placed.body, event };
  }

  describe("Event Grid subscriptions", () => {
    test("validates a webhook with the SubscriptionValidation handshake", async () => {
      const handshake = h.receiver.received.find((r) => r.headers["aeg-event-type"] === "SubscriptionValidation")!;
      expect(handshake.body[0]).toMatchObject({ eventType: "Microsoft.EventGrid.SubscriptionValidationEvent", data: { validationCode: expect.any(String), validationUrl: expect.stringContaining("/emulator/subscriptions/") } });
    });

    test("leaves a subscription inactive when the endpoint does not echo the code, until the validationUrl is visited", async () => {
      h.receiver.respondWith((r) => (r.headers["aeg-event-type"] === "SubscriptionValidation" ? { status: 200, body: "{}" } : undefined));
      const pending = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/manual") });
      h.receiver.respondWith(undefined);
      expect(pending.body.state).toBe("awaitingValidation");
      const handshake = h.receiver.received.filter((r) => r.path === "/manual").at(-1)!;
      const validationUrl = new URL(handshake.body[0].data.validationUrl);
      const visited = await h.control("GET", validationUrl.pathname + validationUrl.search);
      expect(visited.body.state).toBe("active");
    });

    test("marks a subscription failed when the endpoint refuses the handshake", async () => {
      h.receiver.respondWith(() => ({ status: 403 }));
      const failed = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/refusing") });
      h.receiver.respondWith(undefined);
      expect(failed.body.state).toBe("failed");
      expect(failed.body.lastError).toMatch(/403/);
    });
  });

  describe("IncomingCall", () => {
    test("arrives in the Event Grid schema with aeg-event-type Notification", async () => {
      const { placed, event } = await ring(caller, appNumber, { customContext: { sipHeaders: { "X-MS-Custom-a": "1" }, voipHeaders: { b: "2" } } });
      const post = h.receiver.received.find((r) => r.body.includes(event))!;
      expect(post.headers["aeg-event-type"]).toBe("Notification");
      expect(event).toMatchObject({
        subject: `/caller/${caller}/recipient/${appNumber}`,
        dataVersion: "1.0",
        metadataVersion: "1",
        topic: expect.stringContaining("/providers/Microsoft.Communication/communicationServices/"),
        data: {
          from: { kind: "phoneNumber", rawId: caller, phoneNumber: { value: "+14255550123" } },
          to: { kind: "phoneNumber", rawId: appNumber },
          incomingCallContext: placed.incomingCallContext,
          correlationId: placed.correlationId,
          customContext: { sipHeaders: { "X-MS-Custom-a": "1" }, voipHeaders: { b: "2" } },
        },
      });
      expect(event.data.incomingCallContext).toMatch(/^eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0\./);
    });

    test("from a phone number has callerDisplayName \"\" and no customContext key when the caller sent none", async () => {
      const { event } = await ring();
      // DialogOperationsTest (PSTN caller); no recorded IncomingCall has a customContext key.
      expect(event.data.callerDisplayName).toBe("");
      expect(Object.keys(event.data)).toEqual(["to", "from", "serverCallId", "callerDisplayName", "incomingCallContext", "correlationId"]);
      const post = h.receiver.received.find((r) => r.body.includes(event))!;
      expect(post.raw).not.toContain("customContext");
    });

    test("is answered once: CallConnected and ParticipantsUpdated follow, a second answer is refused", async () => {
      const { event } = await ring();
      const answered = await h.client.answerCall(event.data.incomingCallContext, h.callbackUri, { operationContext: "ans" });
      const id = answered.callConnectionProperties.callConnectionId!;
      expect((await h.waitForEvent("CallConnected", id)).operationContext).toBe("ans");
      const roster = await h.waitForEvent("ParticipantsUpdated", id);
      expect(roster.participants.map((p) => (p.identifier as any).phoneNumber)).toContain("+14255550123");
      const again = await h.client.answerCall(event.data.incomingCallContext, h.callbackUri).catch((e) => e);
      expect(again.statusCode).toBe(400);
      expect(again.message).toMatch(/already used to answer/);
    });

    test("refuses an incomingCallContext callsim did not issue", async () => {
      const error = await h.client.answerCall("not-a-context", h.callbackUri).catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.message).toMatch(/incomingCallContext/);
    });

    test.each(["none", "busy", "forbidden"] as const)("is rejected with reason %s, publishing no callback event", async (reason) => {
      const { event } = await ring();
      await h.client.rejectCall(event.data.incomingCallContext, { callRejectReason: reason });
      const again = await h.client.answerCall(event.data.incomingCallContext, h.callbackUri).catch((e) => e);
      expect(again.statusCode).toBe(400);
      await h.settle();
      // No callback URL was ever given, so look at everything the emulator sent: IncomingCall only.
      expect(h.emulator.events().map((e) => e.type)).toEqual(["Microsoft.Communication.IncomingCall"]);
    });

    test("is redirected to an ACS user: a new IncomingCall whose to is the target, and no callback event", async () => {
      const { placed, event } = await ring();
      await h.client.redirectCall(event.data.incomingCallContext, { targetParticipant: { communicationUserId: agent } });
      const second = await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall" && e.data.to.rawId === agent, "IncomingCall to the agent");
      expect(second.data.serverCallId).toBe(placed.serverCallId);
      expect(second.data.from.rawId).toBe(caller);
      expect(second.data.incomingCallContext).not.toBe(event.data.incomingCallContext);
      const answered = await h.client.answerCall(second.data.incomingCallContext, h.callbackUri);
      await h.waitForEvent("CallConnected", answered.callConnectionProperties.callConnectionId!);
      expect(h.receiver.events("/callbacks").every((e) => e.data.callConnectionId === answered.callConnectionProperties.callConnectionId)).toBe(true);
    });

    test("is redirected to an outside number: the party is rung and the caller joins them, with no event to the app", async () => {
      const { placed, event } = await ring();
      await h.client.redirectCall(event.data.incomingCallContext, { targetParticipant: { phoneNumber: "+14255550199" } });
      await h.settle();
      const calls = await h.control("GET", "/emulator/calls");
      const call = calls.body.find((c: any) => c.serverCallId === placed.serverCallId);
      expect(call.invitations.map((i: any) => [i.purpose, i.target])).toContainEqual(["redirect", "4:+14255550199"]);
      expect(h.emulator.events().filter((e) => e.channel === "callback")).toEqual([]);
    });

    test("fails the answer with AnswerFailed when the caller already hung up", async () => {
      const { placed, event } = await ring();
      const hungUp = await h.control("POST", `/emulator/calls/${encodeURIComponent(placed.serverCallId)}/participants/${encodeURIComponent(caller)}:hangUp`);
      expect(hungUp.status).toBe(204);
      await waitUntilEnded(placed.serverCallId);
      const answered = await h.client.answerCall(event.data.incomingCallContext, h.callbackUri);
      const failed = await h.waitForEvent("AnswerFailed", answered.callConnectionProperties.callConnectionId!);
      expect(failed.resultInformation).toMatchObject({ code: 487, subCode: 8542 });
    });
  });

  async function waitUntilEnded(serverCallId: string) {
    for (let i = 0; i < 100; i++) {
      const calls = await h.control("GET", "/emulator/calls");
      if (calls.body.find((c: any) => c.serverCallId === serverCallId)?.ended) return;
      await h.settle();
    }
    throw new Error(`call ${serverCallId} did not end`);
  }
});
