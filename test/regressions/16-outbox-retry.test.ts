import { CallAutomationClient } from "@azure/communication-call-automation";
import { describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/emulator.js";

// Issue 16: a 500 that was not retried passed every test, which used only 503, 429 and 404.
// Every 5xx is a server error (RFC 9110 §15.6) and worth another attempt, as are 408 and 429;
// any other 4xx means the app refused the event.

/** Answers the first delivery attempt of every event with `status`, later ones with 200. */
async function firstAttemptAnswered(status: number) {
  const emulator = createEmulator({ selfCheck: true, seed: 16, clock: "virtual", loose: true, delivery: { maxAttempts: 3, baseDelayMs: 10 } });
  const seen = new Set<string>();
  emulator.routeCallbacks("https://app.test/", async (request) => {
    const [event] = (await request.json()) as Array<{ id: string }>;
    const first = !seen.has(event.id);
    seen.add(event.id);
    return new Response(null, { status: first ? status : 200 });
  });
  const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
  const target = { communicationUserId: "8:acs:16161616-1616-1616-1616-161616161616_00000001-0000-0000-0000-000000000000" };
  const { callConnectionProperties } = await client.createCall({ targetParticipant: target }, "https://app.test/cb");
  await emulator.settle();
  const connected = emulator.events({ callConnectionId: callConnectionProperties.callConnectionId, type: "CallConnected" });
  await emulator.close();
  return connected;
}

describe("delivery retries by the endpoint's answer", () => {
  test.each([500, 501, 502, 504, 599, 408, 429])("%i is retried and the event then delivered", async (status) => {
    const [connected] = await firstAttemptAnswered(status);
    expect(connected.attempts.map((a) => a.status)).toEqual([status, 200]);
    expect(connected.state).toBe("delivered");
  });

  test.each([400, 401, 404, 499])("%i is not retried: the event is dead-lettered after one attempt", async (status) => {
    const [connected] = await firstAttemptAnswered(status);
    expect(connected.attempts.map((a) => a.status)).toEqual([status]);
    expect(connected.state).toBe("deadLettered");
  });
});
