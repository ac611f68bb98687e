import { afterAll, describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/emulator.js";

// An id nobody handed out is answered 404 naming the field that holds it (error.target) and
// where a valid one comes from: what an app's error handling and a developer both read.
const emulator = createEmulator({ seed: 8, clock: "virtual", loose: true, selfCheck: "throw" });
afterAll(async () => {
  await emulator.close();
});

async function send(method: string, url: string) {
  const response = await emulator.handle({ method, url, headers: { host: "callsim.test" }, rawBody: "", protocol: "http" });
  return { status: response.status, error: JSON.parse(String(response.body)).error as { code: string; message: string; target?: string } };
}

describe("an unknown id", () => {
  test("of a call connection names callConnectionId and where ids come from", async () => {
    const { status, error } = await send("GET", "/calling/callConnections/no-such-call?api-version=2026-03-12");
    expect(status).toBe(404);
    expect(error).toEqual({ code: "8522", target: "callConnectionId", message: expect.stringContaining("Call connection no-such-call was not found. Use the callConnectionId returned by createCall") });
  });

  test("of a call, on the control plane, names serverCallId and GET /emulator/calls", async () => {
    const { status, error } = await send("POST", "/emulator/calls/no-such-call/participants/4:+14255550123:hangUp");
    expect(status).toBe(404);
    expect(error.target).toBe("serverCallId");
    expect(error.message).toContain("Call no-such-call was not found. Use a serverCallId from GET /emulator/calls.");
  });
});
