import { describe, expect, test } from "vitest";
import { validateRequestBody } from "../../contracts/validator.js";

// A subtype (WebSocketTranscriptionOptions) checked its base, whose discriminator sent it back to the subtype, forever.
describe("request validation of discriminated options", () => {
  const body = (transcriptionOptions: Record<string, unknown>) => ({
    targets: [{ phoneNumber: { value: "+14255550123" } }],
    sourceCallerIdNumber: { value: "+18005550100" },
    callbackUri: "https://app.example.com/events",
    transcriptionOptions,
  });

  test("accepts websocket transcriptionOptions", () => {
    expect(validateRequestBody("CreateCall", body({ transportType: "websocket", transportUrl: "wss://app.example.com/t", locale: "en-US" }), { strict: true })).toEqual([]);
  });

  test("still names a field the subtype does not know, in strict mode", () => {
    const violations = validateRequestBody("CreateCall", body({ transportType: "websocket", locale: "en-US", transportUrll: "wss://x" }), { strict: true });
    expect(violations.map((v) => v.path)).toEqual(["transcriptionOptions.transportUrll"]);
  });

  test("still requires the base's fields", () => {
    const violations = validateRequestBody("CreateCall", body({ transportType: "websocket" }), { strict: false });
    expect(violations.map((v) => v.path)).toEqual(["transcriptionOptions.locale"]);
  });
});
