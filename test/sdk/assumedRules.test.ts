import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEFAULT_RESOURCE_ID } from "../../emulator/delivery/callbackToken.js";
import { INCOMING_CALL_TIMEOUT_MS } from "../../emulator/engine/actions/incomingCall.js";
import { startHarness, type Harness } from "../support/harness.js";

// Rules callsim chose where the docs are silent (contracts/DEVIATIONS.md), one block each.

// Virtual time only: the rule is about 30 s of waiting.
describe("an IncomingCall nobody acts on", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ transport: "direct" });
    await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid") });
  });
  afterAll(() => h.close());

  test("is abandoned after 30 s: the call ends and its context can no longer be answered", async () => {
    expect(INCOMING_CALL_TIMEOUT_MS).toBe(30_000);
    const placed = await h.control("POST", "/emulator/incoming-calls", { from: "4:+14255550123", to: "4:+18005550100" });
    const call = () => h.emulator.calls().find((c) => c.serverCallId === placed.body.serverCallId)!;
    h.emulator.advance(INCOMING_CALL_TIMEOUT_MS - 1);
    expect(call().ended).toBe(false);
    h.emulator.advance(1);
    expect(call().ended).toBe(true);
    const answered = await h.client.answerCall(placed.body.incomingCallContext, h.callbackUri);
    const failed = await h.waitForEvent("AnswerFailed", answered.callConnectionProperties.callConnectionId!);
    expect(failed.resultInformation?.code).toBe(487);
  });
});

// Over real HTTP: the headers are what a real callback endpoint sees.
describe("callback deliveries", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ transport: "server" });
  });
  afterAll(() => h.close());

  test("carry a Bearer JWT for callsim's fixed resource id, signed by callsim's own key with a jti of its own", async () => {
    const { callConnectionProperties } = await h.client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, h.callbackUri);
    await h.waitForEvent("CallConnected", callConnectionProperties.callConnectionId!);
    const delivery = h.receiver.received.find((r) => r.path === "/callbacks")!;
    expect(delivery.headers["content-type"]).toMatch(/application\/json/);
    const token = String(delivery.headers.authorization).replace(/^Bearer /, "");
    expect(DEFAULT_RESOURCE_ID).toBe("c0115170-0000-4000-8000-00000000ca11");
    expect(decodeJwt(token)).toMatchObject({ aud: DEFAULT_RESOURCE_ID, jti: expect.any(String) });
    const jwks = await h.control("GET", "/calling/keys");
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toEqual([decodeProtectedHeader(token).kid]);
  });
});
