import { CallAutomationClient } from "@azure/communication-call-automation";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { ContractViolationError } from "../../contracts/selfCheck.js";
import { startHarness, TRANSPORTS, type Harness } from "../support/harness.js";

const user = "8:acs:11111111-1111-1111-1111-111111111111_00000001-0000-0000-0000-000000000000";

/** Findings the self-check kept, as the error that would fail the test. */
function findings(h: Harness): ContractViolationError {
  try {
    h.emulator.assertSelfCheck();
  } catch (error) {
    return error as ContractViolationError;
  }
  throw new Error("the self-check found nothing");
}

describe.each(TRANSPORTS)("self-check over %s", (transport) => {
  let h: Harness;
  let client: CallAutomationClient;
  beforeAll(async () => {
    h = await startHarness({ transport });
    // No retries: a response the self-check refuses must fail once, at once.
    const retryOptions = { maxRetries: 0 };
    client =
      transport === "server"
        ? new CallAutomationClient(h.connectionString, { allowInsecureConnection: true, retryOptions })
        : transport === "direct"
          ? new CallAutomationClient(h.connectionString, { httpClient: h.emulator.httpClient(), retryOptions })
          : new CallAutomationClient(h.connectionString, { retryOptions });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  test("catches a planted response that departs from the spec, naming the field", async () => {
    const { callConnectionProperties, callConnection } = await client.createCall({ targetParticipant: { communicationUserId: user } }, h.callbackUri);
    await h.waitForEvent("CallConnected", callConnectionProperties.callConnectionId!);
    const engine = h.emulator.engine as { getCall: (id: string) => unknown };
    const getCall = engine.getCall;
    engine.getCall = (id) => ({ ...(getCall(id) as object), callConnectionState: "ringingLoudly", callbackUri: 42 });
    try {
      await expect(callConnection.getCallConnectionProperties()).rejects.toThrow();
    } finally {
      engine.getCall = getCall;
    }
    const error = findings(h);
    expect(error.findings).toEqual([
      {
        kind: "response",
        subject: "CallConnection_GetCall 200",
        violations: [
          { path: "callConnectionState", message: expect.stringMatching(/^must be one of unknown, connecting, connected/) },
          { path: "callbackUri", message: "must be a string" },
        ],
      },
    ]);
    expect(error.message).toMatch(/CallConnection_GetCall 200: callConnectionState must be one of/);
  });

  test("catches a planted callback event and a planted Event Grid event, naming the field", async () => {
    const outbox = h.emulator.engine.outbox;
    const event = { id: "e1", source: "calling/callConnections/c1", type: "Microsoft.Communication.CallConnected", specversion: "1.0", time: "2026-03-12T00:00:00Z", data: { serverCallId: 7 } };
    outbox.enqueue({ id: "e1", type: event.type, channel: "callback", destination: h.callbackUri, event }, { "content-type": "application/json" });
    const incoming = { id: "e2", subject: "call/x", eventType: "Microsoft.Communication.IncomingCall", eventTime: "2026-03-12T00:00:00Z", dataVersion: "1.0", data: { from: "4:+14255550123", serverCallId: 7 } };
    outbox.enqueue({ id: "e2", type: incoming.eventType, channel: "eventGrid", destination: h.receiver.url("/grid"), event: incoming }, { "content-type": "application/json", "aeg-event-type": "Notification" });
    await h.settle();
    const error = findings(h);
    const fields = error.findings.flatMap((f) => f.violations.map((v) => `${f.subject.split(" to ")[0]} ${v.path}`));
    expect(fields).toContain("Microsoft.Communication.CallConnected [0].data.serverCallId");
    expect(fields).toContain("Microsoft.Communication.IncomingCall [0].data.from");
    expect(fields).toContain("Microsoft.Communication.IncomingCall [0].data.serverCallId");
    expect(error.message).toMatch(/CallConnected to .*: \[0\]\.data\.serverCallId must be a string/);
  });

  test("finds nothing wrong with a whole call flow", async () => {
    const { callConnectionProperties, callConnection } = await h.client.createCall({ targetParticipant: { communicationUserId: user } }, h.callbackUri);
    const id = callConnectionProperties.callConnectionId!;
    await h.waitForEvent("ParticipantsUpdated", id);
    await callConnection.listParticipants();
    await callConnection.hangUp(true);
    await h.waitForEvent("CallDisconnected", id);
    expect(h.emulator.selfCheckFindings()).toEqual([]);
  });
});

describe("self-check in the harness", () => {
  let h: Harness;
  let failure: string | undefined;
  beforeAll(async () => {
    h = await startHarness({ transport: "direct" });
  });
  afterAll(() => h.close());

  // Expected to fail: the harness's afterEach finds the planted event and fails this test.
  test.fails("fails the test that made callsim send a bad event", async ({ onTestFailed }) => {
    onTestFailed(({ task }) => void (failure = task.result?.errors?.map((e) => e.message).join("\n")));
    const event = { id: "e1", source: "calling/callConnections/c1", type: "Microsoft.Communication.CallConnected", specversion: "1.0", data: { serverCallId: 7 } };
    h.emulator.engine.outbox.enqueue({ id: "e1", type: event.type, channel: "callback", destination: h.callbackUri, event }, {});
    await h.settle();
  });

  test("names the field in that failure, and lets the next test start clean", () => {
    expect(failure).toMatch(/CallConnected to .*\/callbacks: \[0\]\.data\.serverCallId must be a string/);
    expect(h.emulator.selfCheckFindings()).toEqual([]);
  });
});

describe("self-check in the test suite", () => {
  test("is on wherever a test makes an emulator", async () => {
    const { readdirSync, readFileSync, statSync } = await import("node:fs");
    const { join, relative } = await import("node:path");
    const root = join(import.meta.dirname, "..", "..");
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : name.endsWith(".ts") ? [join(dir, name)] : []));
    const made = [...files(join(root, "test")), ...files(join(root, "scenarios")), join(root, "emulator", "vitest.ts")].flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/createEmulator\(\{[^}]*\}/g)].map((m) => `${relative(root, file)}: ${m[0]}`),
    );
    expect(made.length).toBeGreaterThan(10);
    expect(made.filter((call) => !call.includes("selfCheck"))).toEqual([]);
  });
});
