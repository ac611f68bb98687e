import { describe, expect, test } from "vitest";
import { acsUser, callTo, subscribeEventGrid } from "../support/calls.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

// Issue 16: what answering or redirecting an IncomingCall does once the invitation behind it
// was settled by someone else, what a redirect of an app's own addParticipant becomes, and
// what the 409 for unvalidated subscriptions lists.

const caller = "4:+14255550123";
const appNumber = "4:+18005550100";
const otherAppNumber = "4:+18005550101";
const outsider = "4:+14255550199";
const agent = acsUser(9);

describe.each(TRANSPORTS)("IncomingCall outcomes over %s", (transport) => {
  const h = useHarness({ transport, selfCheck: true, phoneNumbers: [appNumber.slice(2), otherAppNumber.slice(2)] });

  const incomingTo = (to: string) => h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall" && e.data.to.rawId === to, `IncomingCall to ${to}`);
  const incomingCallsTo = (to: string) => h.receiver.events().filter((e) => e.eventType === "Microsoft.Communication.IncomingCall" && e.data.to.rawId === to);
  const party = (rawId: string, settings: { behavior: string; delayMs?: number }) => h.control("PUT", `/emulator/parties/${encodeURIComponent(rawId)}`, settings);

  /** The app adds an ACS user whose own client declines at once; the app's IncomingCall for them stays unused. */
  async function declinedByTheUsersClient() {
    await subscribeEventGrid(h);
    const call = await callTo(h, acsUser(1));
    await party(agent, { behavior: "decline", delayMs: 0 });
    await call.connection.addParticipant({ targetParticipant: { communicationUserId: agent } });
    const offered = await incomingTo(agent);
    await h.waitForEvent("AddParticipantFailed", call.id);
    return { call, offered };
  }

  test("answering after the user's own client declined, in a call still going on, fails as canceled (487/8542), not as taken elsewhere", async () => {
    const { offered } = await declinedByTheUsersClient();
    const late = await h.client.answerCall(offered.data.incomingCallContext, h.callbackUri);
    const failed = await h.waitForEvent("AnswerFailed", late.callConnectionProperties.callConnectionId!);
    expect(failed.resultInformation).toMatchObject({ code: 487, subCode: 8542 });
  });

  test("redirecting after the user's own client declined does nothing: nobody else is offered the call", async () => {
    const { call } = await declinedByTheUsersClient();
    const offered = incomingCallsTo(agent).at(-1)!;
    await h.client.redirectCall(offered.data.incomingCallContext, { targetParticipant: { phoneNumber: otherAppNumber.slice(2) } });
    await h.settle();
    expect(incomingCallsTo(otherAppNumber)).toEqual([]);
    expect(h.eventTypes(call.id).filter((t) => t.startsWith("AddParticipant"))).toEqual(["AddParticipantFailed"]);
  });

  test("redirecting the app's own addParticipant to an outside number who answers completes the addParticipant", async () => {
    await subscribeEventGrid(h);
    const call = await callTo(h, acsUser(1));
    await party(outsider, { behavior: "answer", delayMs: 0 });
    await call.connection.addParticipant({ targetParticipant: { phoneNumber: appNumber.slice(2) }, sourceCallIdNumber: { phoneNumber: caller.slice(2) } });
    const offered = await incomingTo(appNumber);
    await h.client.redirectCall(offered.data.incomingCallContext, { targetParticipant: { phoneNumber: outsider.slice(2) } });
    const added = await h.waitForEvent("AddParticipantSucceeded", call.id);
    expect((added.participant as any).rawId ?? (added.participant as any).phoneNumber).toContain(outsider.slice(2));
  });

  test("a 409 for unvalidated subscriptions names each of them, one after another", async () => {
    h.receiver.respondWith((r) => (r.headers["aeg-event-type"] === "SubscriptionValidation" ? { status: 200, body: "{}" } : undefined));
    const first = (await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/first") })).body;
    const second = (await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/second") })).body;
    h.receiver.respondWith(undefined);
    const refused = await h.control("POST", "/emulator/incoming-calls", { from: caller, to: appNumber });
    expect(refused.status).toBe(409);
    const pending = "is awaiting validation: its endpoint has neither echoed the validationCode nor visited the validationUrl";
    expect(refused.body.error.message).toContain(`${first.id} (${h.receiver.url("/first")}) ${pending}; ${second.id} (${h.receiver.url("/second")}) ${pending}.`);
  });
});
