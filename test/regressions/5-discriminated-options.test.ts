import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { validateRequestBody } from "../../contracts/validator.js";
import { startHarness, type Harness } from "../support/harness.js";

// Issue 5: mediaStreamingOptions and transcriptionOptions are discriminated models whose
// subtype names the base in allOf; validating them recursed without end and answered 500.
describe("discriminated request models", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ transport: "direct" });
  });
  afterAll(() => h.close());

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
