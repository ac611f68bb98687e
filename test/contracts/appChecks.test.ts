import { describe, expect, test } from "callsim/vitest";
import { ContractViolationError, createEmulator, validateCallbackEvent, validateRequestBody, type RequestLogEntry } from "callsim";

const agent = "8:acs:11111111-1111-1111-1111-111111111111_0000000a-0000-0000-0000-000000000000";

// What an app's own test does with the public API: assert that all it sent was valid.
describe("checks for apps", () => {
  test("logs every request the app sent with its status and an empty verdict when valid", async ({ emulator, client, waitForEvent }) => {
    const { callConnectionProperties, callConnection } = await client.createCall({ targetParticipant: { communicationUserId: agent } }, "https://app.test/events");
    await waitForEvent("CallConnected", { callConnectionId: callConnectionProperties.callConnectionId });
    await callConnection.listParticipants();
    await callConnection.hangUp(true);
    const log = emulator.requests();
    expect(log.map((r) => `${r.operationId} ${r.status}`)).toEqual(["CreateCall 201", "CallConnection_GetParticipants 200", "CallConnection_TerminateCall 204"]);
    expect(log.filter((r) => r.violations.length > 0)).toEqual([]);
  });

  test("names what is wrong with a request an app wrote by hand, even one the emulator accepted", async () => {
    // An app whose hand-written client does not sign: a loose emulator takes its requests.
    const emulator = createEmulator({ clock: "virtual", loose: true, selfCheck: "throw" });
    emulator.onCallback(() => true, () => undefined);
    const send = (url: string, body: unknown) =>
      emulator.handle({ method: "POST", url, headers: { host: "callsim.test" }, rawBody: JSON.stringify(body), protocol: "https" });
    await send("/calling/callConnections?api-version=2026-03-12", { targets: [{ communicationUser: { id: agent } }], callbackUri: "https://app.test/cb", operationContex: "typo" });
    await send("/calling/callConnections:reject", { incomingCallContext: "x", callRejectReason: "maybe" });
    await send("/calling/callConnection?api-version=2026-03-12", {});
    const log: RequestLogEntry[] = emulator.requests();
    expect(log.map(({ sequence, operationId, status, violations }) => ({ sequence, operationId, status, fields: violations.map((v) => v.path) }))).toEqual([
      // Accepted (the emulator is not strict), and still reported: a typo the service may ignore silently.
      { sequence: 1, operationId: "CreateCall", status: 201, fields: ["operationContex"] },
      { sequence: 2, operationId: "RejectCall", status: 400, fields: ["api-version", "callRejectReason"] },
      { sequence: 3, operationId: undefined, status: 404, fields: [""] },
    ]);
    expect(log[2].violations[0].message).toMatch(/not an operation of the spec: POST \/calling\/callConnection/);
    await emulator.settle();
    emulator.assertSelfCheck();
  });

  test("judges a logged request by the spec of the api-version it named", async () => {
    const emulator = createEmulator({ clock: "virtual", loose: true, selfCheck: "throw" });
    emulator.onCallback(() => true, () => undefined);
    const body = { targets: [{ communicationUser: { id: agent } }], callbackUri: "https://app.test/cb", transcriptionOptions: { transportType: "websocket", locale: "en-US" } };
    const send = (url: string, payload: unknown) => emulator.handle({ method: "POST", url, headers: { host: "callsim.test" }, rawBody: JSON.stringify(payload), protocol: "https" });
    await send("/calling/callConnections?api-version=2026-03-12", body);
    await send("/calling/callConnections?api-version=2024-04-15", body);
    await send("/calling/callConnections/abc:hold?api-version=2024-04-15", { targetParticipant: { communicationUser: { id: agent } } });
    const log: RequestLogEntry[] = emulator.requests();
    expect(log.map(({ status, violations }) => ({ status, violations }))).toEqual([
      { status: 201, violations: [] },
      { status: 201, violations: [{ path: "transcriptionOptions", message: "is not a field of CreateCallRequest" }] },
      { status: 404, violations: [{ path: "", message: "is not an operation of api-version 2024-04-15" }] },
    ]);
    await emulator.settle();
    emulator.assertSelfCheck();
  });

  test("judges a logged request's header parameters as sent, whatever the transport later does with its headers", async () => {
    const emulator = createEmulator({ clock: "virtual", loose: true, selfCheck: "throw" });
    const headers: Record<string, string> = { host: "callsim.test", "repeatability-request-id": "not-a-uuid", "repeatability-first-sent": new Date().toUTCString() };
    const body = JSON.stringify({ targets: [{ communicationUser: { id: agent } }], callbackUri: "https://app.test/cb" });
    await emulator.handle({ method: "POST", url: "/calling/callConnections?api-version=2026-03-12", headers, rawBody: body, protocol: "https" });
    // A transport may reuse or change its header object once the answer is written.
    headers["repeatability-request-id"] = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    const [entry] = emulator.requests();
    expect(entry.status).toBe(400);
    expect(entry.violations.map((v) => v.path)).toEqual(["Repeatability-Request-ID"]);
  });

  test("serves the same log on GET /emulator/requests and forgets it on reset", async ({ emulator, client }) => {
    await client.createCall({ targetParticipant: { communicationUserId: agent } }, "https://app.test/events");
    const get = async () => JSON.parse((await emulator.handle({ method: "GET", url: "/emulator/requests", headers: {}, rawBody: "", protocol: "http" })).body as string);
    expect(await get()).toEqual(emulator.requests());
    expect(emulator.requests()).toHaveLength(1);
    await emulator.handle({ method: "POST", url: "/emulator/reset", headers: {}, rawBody: "", protocol: "http" });
    expect(await get()).toEqual([]);
  });

  test("exports the validators an app can point at what it builds and receives", async ({ emulator, client, waitForEvent }) => {
    const received: unknown[] = [];
    emulator.onCallback("https://app.test/", ({ events }) => void received.push(...events));
    const { callConnectionProperties } = await client.createCall({ targetParticipant: { communicationUserId: agent } }, "https://app.test/events");
    await waitForEvent("ParticipantsUpdated", { callConnectionId: callConnectionProperties.callConnectionId });
    expect(received).toHaveLength(2);
    for (const event of received) expect(validateCallbackEvent(event)).toEqual([]);
    expect(validateCallbackEvent({ ...(received[0] as object), specversion: "0.3" })).toEqual([{ path: "specversion", message: "must be 1.0" }]);
    expect(validateRequestBody("CallConnection_AddParticipant", { participantToAdd: { phoneNumber: { value: "+14255550123" } }, invitationTimeoutInSeconds: 600 })).toEqual([
      { path: "invitationTimeoutInSeconds", message: "must be an integer between 0 and 180" },
    ]);
    expect(new ContractViolationError([{ kind: "event", subject: "CallConnected to x", violations: [{ path: "data.serverCallId", message: "is required" }] }]).message).toMatch(/CallConnected to x: data\.serverCallId is required/);
  });
});
