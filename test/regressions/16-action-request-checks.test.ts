import { describe, expect, test } from "vitest";
import { validateRequestBody } from "../../contracts/validator.js";
import { subscribeEventGrid } from "../support/calls.js";
import { signedRequest } from "../support/directoryClients.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

// Issue 16: connect, answer and reject re-check fields the spec's request validation already
// refuses (README, Contributing). These tests hold that claim: each bad body is refused by the
// spec check itself, and the service answers 400 naming the field, before any engine code runs.
// The engine checks stay for callers of the engine that skip HTTP; their mutants carry a
// `Stryker disable` that points here.

const API = "api-version=2026-03-12";
const caller = "4:+14255550123";
const appNumber = "4:+18005550100";

describe.each(TRANSPORTS)("action bodies refused before anything happens over %s", (transport) => {
  const h = useHarness({ transport, selfCheck: true, phoneNumbers: [appNumber.slice(2)] }, subscribeEventGrid);

  /** The spec check's own verdict on `body`, then what the service answers: both name `field`. */
  async function refusedBySpec(operationId: string, path: string, body: Record<string, unknown>, field: string) {
    expect(validateRequestBody(operationId, body, { apiVersion: "2026-03-12" }).map((v) => v.path)).toContain(field);
    const refused = await signedRequest(h, "POST", `${path}?${API}`, body);
    expect(refused.status).toBe(400);
    expect(refused.body.error.target).toBe(field);
  }

  test.each([
    ["no callLocator", {}],
    ["a callLocator that is no object", { callLocator: "serverCallLocator" }],
  ])("connect with %s is refused, naming callLocator, and no connection is made", async (_, bad) => {
    await refusedBySpec("Connect", "/calling/callConnections:connect", { callbackUri: h.callbackUri, ...bad }, "callLocator");
    await h.settle();
    expect(h.receiver.events().filter((e) => e.data?.callConnectionId)).toEqual([]);
  });

  test("connect with a null callLocator, which the spec check lets through, is refused by callsim itself, naming callLocator", async () => {
    // The validator holds null to no type, so here the engine's own check is the one that answers.
    const body = { callbackUri: h.callbackUri, callLocator: null };
    expect(validateRequestBody("Connect", body, { apiVersion: "2026-03-12" })).toEqual([]);
    const refused = await signedRequest(h, "POST", `/calling/callConnections:connect?${API}`, body);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ target: "callLocator", message: expect.stringContaining("callLocator is required.") });
  });

  test("connect with an operationContext that is no string is refused, naming it, and the call goes on without the app", async () => {
    const started = await h.control("POST", "/emulator/calls", { participants: ["4:+14255550124", caller] });
    const body = { callbackUri: h.callbackUri, callLocator: { kind: "serverCallLocator", serverCallId: started.body.serverCallId }, operationContext: 42 };
    await refusedBySpec("Connect", "/calling/callConnections:connect", body, "operationContext");
    const call = ((await h.control("GET", "/emulator/calls")).body as any[]).find((c) => c.serverCallId === started.body.serverCallId);
    expect(call.participants).toHaveLength(2);
  });

  test.each([
    ["answeredBy.id", { answeredBy: { id: 42 } }],
    ["operationContext", { operationContext: 42 }],
  ])("answer with a %s that is no string is refused, naming it, and the IncomingCall can still be answered", async (field, bad) => {
    const placed = await h.control("POST", "/emulator/incoming-calls", { from: caller, to: appNumber });
    await refusedBySpec("AnswerCall", "/calling/callConnections:answer", { incomingCallContext: placed.body.incomingCallContext, callbackUri: h.callbackUri, ...bad }, field);
    const answered = await h.client.answerCall(placed.body.incomingCallContext, h.callbackUri);
    await h.waitForEvent("CallConnected", answered.callConnectionProperties.callConnectionId!);
  });

  test("reject with a reason outside none, busy, forbidden is refused, naming it, and the IncomingCall can still be answered", async () => {
    const placed = await h.control("POST", "/emulator/incoming-calls", { from: caller, to: appNumber });
    await refusedBySpec("RejectCall", "/calling/callConnections:reject", { incomingCallContext: placed.body.incomingCallContext, callRejectReason: "later" }, "callRejectReason");
    const answered = await h.client.answerCall(placed.body.incomingCallContext, h.callbackUri);
    await h.waitForEvent("CallConnected", answered.callConnectionProperties.callConnectionId!);
  });
});
