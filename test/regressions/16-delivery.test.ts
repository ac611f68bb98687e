import { CallAutomationClient } from "@azure/communication-call-automation";
import { describe, expect, test } from "vitest";
import { createEmulator, type DeliveryOptions } from "../../emulator/emulator.js";

// Issue 16: how callbacks are retried, held in order and given up, as an app sees it.

const target = (n: number) => ({ communicationUserId: `8:acs:16161616-1616-1616-1616-161616161616_${String(n).padStart(8, "0")}-0000-0000-0000-000000000000` });

/** An emulator on the virtual clock whose callbacks to https://app.test/ get `reply(attempt, type)`. */
function emulatorAnswering(delivery: DeliveryOptions, reply: (attempt: number, type: string) => number) {
  const emulator = createEmulator({ selfCheck: true, seed: 16, clock: "virtual", loose: true, delivery });
  const attempts = new Map<string, number>();
  emulator.routeCallbacks("https://app.test/", async (request) => {
    const [event] = (await request.json()) as Array<{ id: string; type: string }>;
    const n = (attempts.get(event.id) ?? 0) + 1;
    attempts.set(event.id, n);
    return new Response(null, { status: reply(n, event.type.replace("Microsoft.Communication.", "")) });
  });
  const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
  return { emulator, client };
}

describe("callback retries", () => {
  test("an event the app always fails is tried exactly maxAttempts times, doubling the wait, then dead-lettered", async () => {
    const { emulator, client } = emulatorAnswering({ maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 10_000 }, () => 500);
    const { callConnectionProperties } = await client.createCall({ targetParticipant: target(1) }, "https://app.test/cb");
    await emulator.settle();
    const [connected] = emulator.events({ callConnectionId: callConnectionProperties.callConnectionId, type: "CallConnected" });
    expect(connected.state).toBe("deadLettered");
    expect(connected.attempts.map((a) => a.status)).toEqual([500, 500, 500]);
    expect(connected.attempts[1].at - connected.attempts[0].at).toBe(100);
    expect(connected.attempts[2].at - connected.attempts[1].at).toBe(200);
    await emulator.close();
  });
});
