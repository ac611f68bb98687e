import { describe, expect, test } from "vitest";
import { matchOperation, validateCallbackEvent, validateRequestParameters, validateResponseBody } from "../../contracts/validator.js";

const participant = { identifier: { kind: "communicationUser", communicationUser: { id: "8:acs:r_u1" } }, isMuted: false };

describe("contracts/validator", () => {
  test("holds responses to the identifier's kind and rawId, which the spec's examples leave out", () => {
    expect(validateResponseBody("CallConnection_GetParticipant", 200, participant)).toEqual([{ path: "identifier.rawId", message: "is required in responses" }]);
    expect(validateResponseBody("CallConnection_GetParticipant", 200, participant, { requireResponseOnlyFields: false })).toEqual([]);
    expect(validateResponseBody("CallConnection_GetParticipant", 200, { ...participant, identifier: { ...participant.identifier, rawId: "8:acs:r_u1" } })).toEqual([]);
  });

  test("allows only version and publicEventType beyond an event's model, as real payloads carry them", () => {
    const event = (data: Record<string, unknown>) => ({ id: "1", source: "s", type: "Microsoft.Communication.CallConnected", specversion: "1.0", data: { callConnectionId: "c", serverCallId: "s", correlationId: "x", ...data } });
    expect(validateCallbackEvent(event({ version: "2026-03-12", publicEventType: "Microsoft.Communication.CallConnected" }))).toEqual([]);
    expect(validateCallbackEvent(event({ version: 3 }))).toEqual([{ path: "data.version", message: "must be a string" }]);
    expect(validateCallbackEvent(event({ extra: true }))).toEqual([{ path: "data.extra", message: "is not a field of CallConnected" }]);
  });

  test("answers 204 operations only without a body, and errors only in the error shape", () => {
    expect(validateResponseBody("CallConnection_HangupCall", 204, undefined)).toEqual([]);
    expect(validateResponseBody("CallConnection_HangupCall", 204, { done: true })).toEqual([{ path: "", message: "CallConnection_HangupCall answers 204 without a body" }]);
    expect(validateResponseBody("CallConnection_HangupCall", 200, undefined)).toEqual([{ path: "", message: "status 200 is not a response of CallConnection_HangupCall (spec: 204, default)" }]);
    expect(validateResponseBody("CallConnection_HangupCall", 404, { error: { code: "8522" } })).toEqual([{ path: "error.message", message: "is required" }]);
  });

  test("finds the spec's operation for a method and path", () => {
    expect(matchOperation("GET", "/calling/callConnections/abc/participants/8%3Aacs%3Ar_u1")).toBe("CallConnection_GetParticipant");
    expect(matchOperation("POST", "/calling/callConnections/abc:play")).toBe("CallMedia_Play");
    expect(matchOperation("POST", "/calling/recordings/r1:resume")).toBe("CallRecording_ResumeRecording");
    expect(matchOperation("PUT", "/calling/callConnections")).toBeUndefined();
  });

  test("checks query and header parameters: api-version required, Repeatability-* in their formats", () => {
    const check = (query: string, headers: Record<string, string>) => validateRequestParameters("CreateCall", { query: new URLSearchParams(query), headers });
    expect(check("api-version=2026-03-12", { "repeatability-request-id": "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "repeatability-first-sent": "Sun, 06 Nov 1994 08:49:37 GMT" })).toEqual([]);
    expect(check("", { "repeatability-request-id": "42", "repeatability-first-sent": "yesterday" })).toEqual([
      { path: "api-version", message: "is required (query parameter)" },
      { path: "Repeatability-Request-ID", message: "must be a UUID" },
      { path: "Repeatability-First-Sent", message: "must be an IMF-fixdate such as Sun, 06 Nov 1994 08:49:37 GMT" },
    ]);
  });
});
