import { CallAutomationClient } from "@azure/communication-call-automation";
import { describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/emulator.js";
import { DEFAULT_ENDED_CALL_RETENTION } from "../../emulator/engine/store.js";

const user = (n: number) => ({ communicationUserId: `8:acs:12121212-1212-1212-1212-121212121212_${String(n).padStart(8, "0")}-0000-0000-0000-000000000000` });

describe("memory stays bounded however many calls a run makes", () => {
  test("keeps the newest ended calls (10,000 by default) and forgets older ones with their connections and invitations", async () => {
    expect(DEFAULT_ENDED_CALL_RETENTION).toBe(10_000);
    const emulator = createEmulator({ selfCheck: true, seed: 13, clock: "virtual", endedCallRetention: 10, delivery: { eventLogLimit: 20 } });
    emulator.onCallback("https://app.test/", () => undefined);
    const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
    const connections = [];
    for (let n = 0; n < 40; n++) {
      const { callConnection } = await client.createCall({ targetParticipant: user(n) }, "https://app.test/cb");
      await emulator.settle();
      await callConnection.addParticipant({ targetParticipant: user(1000 + n) });
      await emulator.settle();
      await callConnection.hangUp(true);
      await emulator.settle();
      connections.push(callConnection);
    }
    const live = await client.createCall({ targetParticipant: user(99) }, "https://app.test/cb");
    await emulator.settle();
    const store = emulator.engine.context.store;
    // At most the retention plus a tenth (forgotten in batches), and the live call always stays.
    expect(store.calls.size).toBeLessThanOrEqual(10 + 1 + 1);
    expect(store.connections.size).toBe(store.calls.size);
    expect(store.invitations.size).toBeLessThanOrEqual(2 * store.calls.size);
    const info = JSON.parse((await emulator.handle({ method: "GET", url: "/emulator/info", headers: { host: "x" }, rawBody: "", protocol: "http" })).body as string);
    expect(info.calls).toEqual({ live: 1, ended: store.calls.size - 1, forgotten: 40 - (store.calls.size - 1) });
    expect(info.events.retained).toBeLessThanOrEqual(22);
    expect(emulator.calls().some((c) => c.connections[0].callConnectionId === live.callConnectionProperties.callConnectionId && !c.ended)).toBe(true);
    // A forgotten call is simply unknown now: 404, in the service's shape.
    const error = await connections[0].getCallConnectionProperties().catch((e) => e);
    expect(error.statusCode).toBe(404);
    const recent = await connections[39].getCallConnectionProperties().catch((e) => e);
    expect(recent.message).toMatch(/has ended/);
  });
});
