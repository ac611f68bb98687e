import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { CallAutomationClient } from "@azure/communication-call-automation";
import { describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/emulator.js";

// Bodies the SDK's types would never let through: sent raw, in-process, without auth.
const emulator = createEmulator({ clock: "virtual", loose: true, selfCheck: "throw" });
const strictEmulator = createEmulator({ clock: "virtual", loose: true, strict: true, selfCheck: "throw" });
const user = { communicationUser: { id: "8:acs:r_u1" } };
const callbackUri = "https://app.test/cb";

async function post(target: ReturnType<typeof createEmulator>, path: string, body: unknown) {
  const response = await target.handle({
    method: "POST",
    url: `${path}?api-version=2026-03-12`,
    headers: { host: "callsim.test", "content-type": "application/json" },
    rawBody: typeof body === "string" ? body : JSON.stringify(body),
    protocol: "https",
  });
  return { status: response.status, body: response.body ? JSON.parse(String(response.body)) : undefined };
}

const C = "/calling/callConnections/any-connection";
const BAD_BODIES: Array<[string, string, unknown, string, RegExp]> = [
  ["CreateCall without callbackUri", "/calling/callConnections", { targets: [user] }, "callbackUri", /callbackUri is required/],
  ["CreateCall with targets not an array", "/calling/callConnections", { targets: user, callbackUri }, "targets", /targets must be an array/],
  ["CreateCall with a phone number without value", "/calling/callConnections", { targets: [{ phoneNumber: {} }], callbackUri }, "targets[0].phoneNumber.value", /targets\[0\]\.phoneNumber\.value is required/],
  ["CreateCall with an identifier kind the spec does not know", "/calling/callConnections", { targets: [{ ...user, kind: "robot" }], callbackUri }, "targets[0].kind", /must be one of unknown, communicationUser/],
  ["CreateCall with a number for callbackUri", "/calling/callConnections", { targets: [user], callbackUri: 42 }, "callbackUri", /callbackUri must be a string/],
  ["CreateCall with an array body", "/calling/callConnections", [user], "", /request body must be an object/],
  ["AnswerCall without incomingCallContext", "/calling/callConnections:answer", { callbackUri }, "incomingCallContext", /incomingCallContext is required/],
  ["RejectCall with an unknown reason", "/calling/callConnections:reject", { incomingCallContext: "x", callRejectReason: "maybe" }, "callRejectReason", /must be one of none, busy, forbidden/],
  ["RedirectCall without target", "/calling/callConnections:redirect", { incomingCallContext: "x" }, "target", /target is required/],
  ["Connect without callLocator", "/calling/callConnections:connect", { callbackUri }, "callLocator", /callLocator is required/],
  ["AddParticipant without participantToAdd", `${C}/participants:add`, {}, "participantToAdd", /participantToAdd is required/],
  ["AddParticipant with a timeout over 180 s", `${C}/participants:add`, { participantToAdd: user, invitationTimeoutInSeconds: 500 }, "invitationTimeoutInSeconds", /between 0 and 180/],
  ["AddParticipant with a fractional timeout", `${C}/participants:add`, { participantToAdd: user, invitationTimeoutInSeconds: 1.5 }, "invitationTimeoutInSeconds", /must be an integer/],
  ["RemoveParticipant without participantToRemove", `${C}/participants:remove`, {}, "participantToRemove", /participantToRemove is required/],
  ["Mute with targetParticipants not an array", `${C}/participants:mute`, { targetParticipants: user }, "targetParticipants", /must be an array/],
  ["CancelAddParticipant without invitationId", `${C}/participants:cancelAddParticipant`, {}, "invitationId", /invitationId is required/],
  ["TransferToParticipant with a boolean operationContext", `${C}:transferToParticipant`, { targetParticipant: user, operationContext: true }, "operationContext", /must be a string/],
];

describe("request validation", () => {
  test.each(BAD_BODIES)("answers %s with 400 naming the field", async (_name, path, body, field, message) => {
    const response = await post(emulator, path, body);
    expect(response.status).toBe(400);
    expect(Object.keys(response.body)).toEqual(["error"]);
    expect(response.body.error.code).toBe("8523");
    expect(response.body.error.message).toMatch(message);
    expect(response.body.error.target).toBe(field || undefined);
  });

  test("names every field at fault, the first in full and the others after it", async () => {
    const response = await post(emulator, "/calling/callConnections", { targets: [{ phoneNumber: {} }, { microsoftTeamsUser: {} }] });
    expect(response.body.error.message).toMatch(/^callbackUri is required \(and 2 more: targets\[0\]\.phoneNumber\.value, targets\[1\]\.microsoftTeamsUser\.userId\)/);
  });

  test("logs each refused request with its violations", async () => {
    await post(emulator, "/calling/callConnections:reject", { incomingCallContext: "x", callRejectReason: "maybe" });
    const log = emulator.requests().filter((r) => r.operationId === "RejectCall");
    expect(log.at(-1)).toMatchObject({ method: "POST", status: 400, violations: [{ path: "callRejectReason", message: expect.stringMatching(/must be one of/) }] });
  });
});

describe("strict mode", () => {
  const typo = { targets: [user], callbackUri, operationContxt: "typo" };

  test("accepts a field the spec does not know unless strict, and logs it either way", async () => {
    const response = await post(emulator, "/calling/callConnections", typo);
    expect(response.status).toBe(201);
    expect(emulator.requests().at(-1)).toMatchObject({ operationId: "CreateCall", status: 201, violations: [{ path: "operationContxt", message: "is not a field of CreateCallRequest" }] });
  });

  test.each([
    ["at the top", typo, "operationContxt", /operationContxt is not a field of CreateCallRequest/],
    ["inside an identifier", { targets: [{ communicationUser: { id: "8:acs:r_u1", displayName: "A" } }], callbackUri }, "targets[0].communicationUser.displayName", /is not a field of CommunicationUserIdentifierModel/],
  ])("refuses a field the spec does not know %s with 400 naming it", async (_where, body, field, message) => {
    const response = await post(strictEmulator, "/calling/callConnections", body);
    expect(response.status).toBe(400);
    expect(response.body.error.target).toBe(field);
    expect(response.body.error.message).toMatch(message);
  });

  test("still accepts what the official SDK sends", async () => {
    const client = new CallAutomationClient(strictEmulator.connectionString(), { httpClient: strictEmulator.httpClient() });
    const { callConnectionProperties } = await client.createCall(
      { targetParticipant: { phoneNumber: "+14255550123" }, sourceCallIdNumber: { phoneNumber: "+18005550100" } },
      callbackUri,
      { operationContext: "sdk" },
    );
    expect(callConnectionProperties.callConnectionState).toBe("connecting");
  });
});

const cli = join(import.meta.dirname, "..", "..", "dist", "emulator", "cli.js");

// dist/ is rebuilt by the global setup (test/support/buildDist.ts); mutation testing builds none.
describe.skipIf(process.env.STRYKER_MUTATOR_WORKER !== undefined)("callsim --strict", () => {
  test("refuses an unknown field when started with --strict", async () => {
    const child = spawn(process.execPath, [cli, "--port", "0", "--loose", "--strict"], { stdio: "pipe" });
    try {
      const endpoint = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on("line", (line) => line.startsWith("callsim listening on ") && resolve(line.slice("callsim listening on ".length)));
        child.on("exit", (code) => reject(new Error(`callsim exited with ${code}`)));
      });
      const response = await fetch(`${endpoint}/calling/callConnections?api-version=2026-03-12`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(typo()) });
      expect(response.status).toBe(400);
      expect((await response.json()).error.message).toMatch(/operationContxt is not a field/);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

function typo() {
  return { targets: [user], callbackUri, operationContxt: "typo" };
}
