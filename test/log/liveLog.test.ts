import { Writable } from "node:stream";
import { CallAutomationClient } from "@azure/communication-call-automation";
import { describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/emulator.js";
import { createCliLogger } from "../../emulator/log/cliLogger.js";
import { attachLiveLog } from "../../emulator/log/liveLog.js";

/** An emulator on the virtual clock with the live log attached, writing JSON records into `records`. */
function loggedEmulator(level: "info" | "debug" = "info") {
  const emulator = createEmulator({ clock: "virtual", seed: 3, selfCheck: "throw", delivery: { maxAttempts: 2 } });
  const records: Array<Record<string, any>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) records.push(JSON.parse(line));
      done();
    },
  });
  const stop = attachLiveLog(emulator, createCliLogger({ level, format: "json", stream }));
  const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
  return { emulator, client, records, stop };
}

const target = { targetParticipant: { phoneNumber: "+14255550123" }, sourceCallIdNumber: { phoneNumber: "+18005550100" } };

describe("live log", () => {
  test("logs each Call Automation request with its operation, call, status and time", async () => {
    const { emulator, client, records } = loggedEmulator();
    emulator.onCallback("https://app.test/", () => undefined);
    const sent = performance.now();
    const { callConnectionProperties } = await client.createCall(target, "https://app.test/events");
    const answered = performance.now() - sent;
    const request = records.find((r) => r.kind === "request")!;
    expect(request).toMatchObject({ level: 30, operation: "createCall", operationId: "CreateCall", status: 201, callConnectionId: callConnectionProperties.callConnectionId });
    // The time the emulator took to answer: within the time the client waited for the answer.
    expect(request.ms).toBeGreaterThanOrEqual(0);
    expect(request.ms).toBeLessThanOrEqual(Math.ceil(answered));
    expect(request).not.toHaveProperty("violations");
  });

  test("logs each delivered event with its type, call, destination, status and attempt", async () => {
    const { emulator, client, records } = loggedEmulator();
    emulator.onCallback("https://app.test/", () => undefined);
    const { callConnectionProperties } = await client.createCall(target, "https://app.test/events");
    await emulator.settle();
    const delivered = records.filter((r) => r.kind === "delivery").map((r) => r.type);
    expect(delivered).toEqual(emulator.events().map((e) => e.type.replace("Microsoft.Communication.", "")));
    expect(records.find((r) => r.kind === "delivery" && r.type === "CallConnected")).toMatchObject({
      callConnectionId: callConnectionProperties.callConnectionId,
      destination: "https://app.test/events",
      status: 200,
      attempt: 1,
    });
  });

  test("logs a failed attempt as a retry (warn) and an exhausted event as a dead letter (error)", async () => {
    const { emulator, client, records } = loggedEmulator();
    emulator.onCallback("https://app.test/", () => ({ status: 503 }));
    await client.createCall(target, "https://app.test/events");
    await emulator.settle();
    const retry = records.find((r) => r.kind === "retry")!;
    expect(retry).toMatchObject({ level: 40, type: "CallConnected", status: 503, attempt: 1, maxAttempts: 2 });
    expect(records.find((r) => r.kind === "deadLetter")).toMatchObject({ level: 50, type: "CallConnected", status: 503, attempt: 2 });
  });

  test("adds the spec's verdict and the error to a request that has a fault", async () => {
    const { emulator, records } = loggedEmulator();
    await emulator.handle({
      method: "POST",
      url: "/calling/callConnections?api-version=2026-03-12",
      headers: { host: "callsim.test", "content-type": "application/json" },
      rawBody: JSON.stringify({ targets: [{ phoneNumber: {} }], callbackUri: "https://app.test/events" }),
      protocol: "https",
    });
    const request = records.find((r) => r.kind === "request")!;
    expect(request.level).toBe(40);
    expect(request.status).toBe(401);
    expect(request.error).toMatch(/./);
    expect(request.violations.join(" ")).toMatch(/targets\[0\]\.phoneNumber\.value/);
  });

  test("logs control-plane actions, and its reads only at debug", async () => {
    const info = loggedEmulator("info");
    await info.emulator.handle({ method: "PUT", url: "/emulator/parties/4%3A%2B14255550123", headers: {}, rawBody: '{"behavior":"busy"}', protocol: "http" });
    await info.emulator.handle({ method: "GET", url: "/emulator/calls", headers: {}, rawBody: "", protocol: "http" });
    expect(info.records.filter((r) => r.kind === "control")).toEqual([expect.objectContaining({ method: "PUT", path: "/emulator/parties/4:+14255550123", status: 200 })]);
    const debug = loggedEmulator("debug");
    await debug.emulator.handle({ method: "GET", url: "/emulator/calls", headers: {}, rawBody: "", protocol: "http" });
    expect(debug.records.filter((r) => r.kind === "control")).toEqual([expect.objectContaining({ level: 20, method: "GET", status: 200 })]);
  });

  test("warns when an incoming call reaches no Event Grid subscriber", async () => {
    const { emulator, records } = loggedEmulator();
    await emulator.handle({ method: "POST", url: "/emulator/incoming-calls", headers: {}, rawBody: '{"from":"4:+14255550123","to":"4:+18005550100"}', protocol: "http" });
    expect(records.at(-1)).toMatchObject({ level: 40, kind: "notice", msg: expect.stringMatching(/^IncomingCall reached no Event Grid subscriber/) });
  });

  test("stops when told to, and costs nothing once stopped", async () => {
    const { emulator, client, records, stop } = loggedEmulator();
    emulator.onCallback("https://app.test/", () => undefined);
    stop();
    await client.createCall(target, "https://app.test/events");
    await emulator.settle();
    expect(records).toEqual([]);
  });
});
