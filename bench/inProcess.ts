import { CallAutomationClient } from "@azure/communication-call-automation";
import { setupServer } from "msw/node";
import { createEmulator } from "../emulator/emulator.js";
import { createMswHandlers } from "../emulator/http/msw.js";

const CALLBACKS = "https://app.bench/";
const user = (n: number) => `8:acs:66666666-6666-6666-6666-666666666666_${String(n).padStart(8, "0")}-0000-0000-0000-000000000000`;

/**
 * Full call flows per second in-process on the virtual clock: createCall, CallConnected,
 * ParticipantsUpdated, hangUp, CallDisconnected, `batch` calls at a time, through the direct
 * SDK httpClient or through msw. Counts the events the app received to prove the flows ran.
 */
export async function flowsPerSecond(via: "direct" | "msw", durationMs: number, batch = 50): Promise<{ flows: number; perSecond: number; events: number }> {
  const emulator = createEmulator({ seed: 11, clock: "virtual" });
  let events = 0;
  emulator.onCallback(CALLBACKS, ({ events: received }) => void (events += received.length));
  let client: CallAutomationClient;
  let server: ReturnType<typeof setupServer> | undefined;
  if (via === "msw") {
    server = setupServer(...createMswHandlers(emulator.handle));
    server.listen({ onUnhandledRequest: "bypass" });
    client = new CallAutomationClient(emulator.connectionString());
  } else {
    client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
  }
  let flows = 0;
  let expectedEvents = 0;
  const start = performance.now();
  while (performance.now() - start < durationMs) {
    const calls = await Promise.all(Array.from({ length: batch }, (_, i) => client.createCall({ targetParticipant: { communicationUserId: user(i) } }, `${CALLBACKS}cb`)));
    await emulator.settle();
    await Promise.all(calls.map((c) => c.callConnection.hangUp(false)));
    await emulator.settle();
    flows += batch;
    expectedEvents += batch * 3;
    if (events !== expectedEvents) throw new Error(`flows lost events: ${events} of ${expectedEvents}`);
    // Keep the run about throughput, not about a growing store.
    emulator.reset();
    events = expectedEvents = 0;
  }
  const elapsed = performance.now() - start;
  server?.close();
  await emulator.close();
  return { flows, perSecond: flows / (elapsed / 1000), events: flows * 3 };
}

/** Heap growth for `calls` live (connected) calls on one emulator, after a full GC. */
export async function heapPerLiveCall(calls: number): Promise<{ heapGrowthBytes: number; perCallBytes: number; gc: boolean }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const emulator = createEmulator({ seed: 12, clock: "virtual" });
  emulator.onCallback(CALLBACKS, () => undefined);
  const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
  // Warm the code paths so the measurement is the calls, not compiled code.
  await client.createCall({ targetParticipant: { communicationUserId: user(999_999) } }, `${CALLBACKS}cb`);
  await emulator.settle();
  emulator.reset();
  gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let offset = 0; offset < calls; offset += 100) {
    await Promise.all(Array.from({ length: Math.min(100, calls - offset) }, (_, i) => client.createCall({ targetParticipant: { communicationUserId: user(offset + i) } }, `${CALLBACKS}cb`)));
    await emulator.settle();
  }
  if (emulator.calls().filter((c) => !c.ended).length !== calls) throw new Error("not every call is live");
  gc?.();
  const growth = process.memoryUsage().heapUsed - before;
  await emulator.close();
  return { heapGrowthBytes: growth, perCallBytes: growth / calls, gc: !!gc };
}
