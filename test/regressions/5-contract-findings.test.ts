import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { validateRequestBody } from "../../contracts/validator.js";
import { startHarness, type Harness } from "../support/harness.js";

// Issue 5: defects the contract checks found (parity examples, fuzzing), one block each.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ transport: "direct" });
  await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid") });
});
afterAll(() => h.close());

// mediaStreamingOptions and transcriptionOptions are discriminated models whose
// subtype names the base in allOf; validating them recursed without end and answered 500.
describe("discriminated request models", () => {
  test("createCall with mediaStreamingOptions and transcriptionOptions is answered 201", async () => {
    const { callConnectionProperties } = await h.client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, h.callbackUri, {
      mediaStreamingOptions: { transportType: "websocket", transportUrl: "wss://app.test/media", audioChannelType: "mixed", contentType: "audio" },
      transcriptionOptions: { transportType: "websocket", transportUrl: "wss://app.test/text", locale: "en-US" },
    });
    expect(callConnectionProperties.callConnectionState).toBe("connecting");
  });

  test("a subtype's fields are checked once, and its own fields are known in strict mode", () => {
    const body = { targets: [{ communicationUser: { id: "8:acs:r_u1" } }], callbackUri: "https://app.test/cb", mediaStreamingOptions: { transportType: "websocket", audioChannelType: "loud", enableBidirectional: true } };
    expect(validateRequestBody("CreateCall", body, { strict: true })).toEqual([{ path: "mediaStreamingOptions.audioChannelType", message: "must be one of mixed, unmixed" }]);
  });
});

// Found by the fuzz test: POST /emulator/incoming-calls put callerDisplayName and
// customContext into the IncomingCall event unchecked, so a number there made an event the
// spec does not allow. They are now checked, and refused with 400 naming the field.
describe("POST /emulator/incoming-calls", () => {
  // The createCall above raises an IncomingCall of its own (to its ACS target): only the caller's count here.
  const fromCaller = () => h.emulator.events({ type: "IncomingCall" }).filter((r) => (r.event as any).data.from.rawId === "4:+14255550123");

  test.each([
    ["callerDisplayName", { callerDisplayName: 42 }, "callerDisplayName"],
    ["customContext", { customContext: "x-header" }, "customContext"],
    ["custom header", { customContext: { sipHeaders: { "X-MS-Custom-a": 1 } } }, "customContext.sipHeaders.X-MS-Custom-a"],
  ])("refuses a %s of the wrong type with 400 naming it, and sends no IncomingCall", async (_what, extra, field) => {
    const placed = await h.control("POST", "/emulator/incoming-calls", { from: "4:+14255550123", to: "4:+18005550100", ...extra });
    expect(placed.status).toBe(400);
    expect(placed.body.error.target).toBe(field);
    await h.settle();
    expect(fromCaller()).toEqual([]);
  });

  test("accepts a display name and custom headers and carries them on IncomingCall", async () => {
    const placed = await h.control("POST", "/emulator/incoming-calls", { from: "4:+14255550123", to: "4:+18005550100", callerDisplayName: "Ada", customContext: { voipHeaders: { k: "v" } } });
    expect(placed.status).toBe(201);
    await h.settle();
    const [record] = fromCaller();
    expect((record.event as any).data).toMatchObject({ callerDisplayName: "Ada", customContext: { voipHeaders: { k: "v" }, sipHeaders: {} } });
  });
});
