import { CallAutomationClient } from "@azure/communication-call-automation";
import { afterEach, describe, expect, test } from "vitest";
import { createEmulator, type Emulator } from "../../emulator/emulator.js";
import { AppEndpoint } from "./appEndpoint.js";

/** Calls per run: each makes a full flow (create, CallConnected, ParticipantsUpdated, hang up, CallDisconnected). */
const CALLS = 1_000;
/**
 * Retries fast enough for a test: 1 ms doubling to 8 ms, many attempts so a restart never
 * exhausts them. Each call's next event waits for the one before however slow a busy runner
 * answers (not the default 250 ms at most), so that the order per call can be checked.
 */
const FAST_RETRIES = { maxAttempts: 50, baseDelayMs: 1, maxDelayMs: 8, callOrderGraceMs: 60_000 };

let emulator: Emulator | undefined;
let app: AppEndpoint | undefined;
afterEach(async () => {
  await emulator?.close();
  await app?.kill();
});

/**
 * An emulator on the real clock whose callbacks go over loopback HTTP to the app's endpoint.
 * The SDK reaches it through its in-process httpClient: REST over HTTP is covered by the SDK
 * suites, and here it would spend a 2-core runner's CPU on the SDK rather than on deliveries.
 */
async function start(): Promise<{ emulator: Emulator; app: AppEndpoint; client: CallAutomationClient }> {
  emulator = createEmulator({ selfCheck: true, seed: 6, delivery: FAST_RETRIES });
  app = new AppEndpoint();
  await app.listen();
  return { emulator, app, client: new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() }) };
}

/**
 * REST requests in flight at once. All 1,000 calls are live together; their requests share
 * this many keep-alive sockets instead of opening 1,000 connections in one burst.
 */
const REQUESTS_IN_FLIGHT = 64;
let inFlight = 0;
const queued: Array<() => void> = [];
async function limited<T>(request: () => Promise<T>): Promise<T> {
  if (inFlight >= REQUESTS_IN_FLIGHT) await new Promise<void>((resolve) => queued.push(resolve));
  inFlight++;
  try {
    return await request();
  } finally {
    inFlight--;
    queued.shift()?.();
  }
}

/** One full call flow through the SDK, each call on its own callback URL (so queues run side by side). */
async function flow(client: CallAutomationClient, app: AppEndpoint, n: number): Promise<void> {
  const target = { communicationUserId: `8:acs:22222222-2222-2222-2222-222222222222_${String(n).padStart(8, "0")}-0000-0000-0000-000000000000` };
  const { callConnection, callConnectionProperties } = await limited(() => client.createCall({ targetParticipant: target }, app.url(`/calls/${n}`)));
  const id = callConnectionProperties.callConnectionId!;
  await app.waitFor("ParticipantsUpdated", id);
  await limited(() => callConnection.hangUp(false));
  await app.waitFor("CallDisconnected", id);
}

/** Checks and prints what the app got against what the emulator sent. */
function report(name: string, emulator: Emulator, app: AppEndpoint) {
  const sent = emulator.events();
  const figures = app.figures(sent.map((e) => e.id));
  console.log(`${name}: calls ${CALLS}, events sent ${figures.sent}, delivered ${figures.delivered}, duplicated ${figures.duplicated}, lost ${figures.lost}`);
  expect(figures.sent).toBe(CALLS * 3);
  expect(sent.every((e) => e.state === "delivered")).toBe(true);
  expect(figures.lost).toBe(0);
  // In order per call: the app saw each call's events in the order the emulator sent them.
  const expected = new Map<string, string[]>();
  for (const e of sent) expected.set(e.callConnectionId!, [...(expected.get(e.callConnectionId!) ?? []), e.id]);
  const got = app.orderByCall();
  const outOfOrder = [...expected].filter(([id, ids]) => JSON.stringify(got.get(id)) !== JSON.stringify(ids));
  expect(outOfOrder).toEqual([]);
  return figures;
}

// A few seconds each on an idle 2-core runner; the timeout leaves room for a busy one.
describe("load and faults, 1,000 concurrent calls over loopback", { timeout: 60_000 }, () => {
  test("a healthy endpoint gets every event exactly once, in order per call", async () => {
    const { emulator, app, client } = await start();
    await Promise.all(Array.from({ length: CALLS }, (_, n) => flow(client, app, n)));
    await emulator.whenIdle();
    const figures = report("healthy endpoint", emulator, app);
    expect(figures.duplicated).toBe(0);
    expect(emulator.events().every((e) => e.attempts.length === 1)).toBe(true);
  });

  test("an endpoint that answers 503 to the first two attempts of every delivery still gets every event, in order", async () => {
    const { emulator, app, client } = await start();
    app.answer = (_event, attempt) => (attempt <= 2 ? 503 : 200);
    await Promise.all(Array.from({ length: CALLS }, (_, n) => flow(client, app, n)));
    await emulator.whenIdle();
    const figures = report("503 twice per delivery", emulator, app);
    expect(figures.duplicated).toBe(0);
    expect(emulator.events().every((e) => e.attempts.map((a) => a.status).join() === "503,503,200")).toBe(true);
  });

  test("killing the endpoint mid-run and starting it again on the same port loses nothing", async () => {
    const { emulator, app, client } = await start();
    // Kill it once a third of the events are in.
    let killed!: () => void;
    const third = new Promise<void>((resolve) => (killed = resolve));
    const answer = app.answer;
    app.answer = (event, attempt) => {
      if (app.arrivals.length === CALLS) killed();
      return answer(event, attempt);
    };
    // Restart once deliveries to 10 different calls have been refused by the dead port.
    const refusedCalls = new Set<string>();
    const refused = new Promise<void>((resolve) => {
      const stop = emulator.engine.outbox.subscribe((record) => {
        if (record.state !== "pending" || !record.attempts.at(-1)?.error) return;
        refusedCalls.add(record.callConnectionId!);
        if (refusedCalls.size < 10) return;
        stop();
        resolve();
      });
    });
    const run = Promise.all(Array.from({ length: CALLS }, (_, n) => flow(client, app, n)));
    await third;
    await app.kill();
    await refused;
    const refusedAttempts = emulator.events().flatMap((e) => e.attempts).filter((a) => a.error).length;
    await app.listen();
    await run;
    await emulator.whenIdle();
    const figures = report("endpoint killed and restarted", emulator, app);
    console.log(`endpoint killed and restarted: attempts that failed while it was down ${refusedAttempts}`);
    expect(refusedAttempts).toBeGreaterThan(0);
    // At least once: an event whose answer was cut off by the kill may arrive twice; none is lost.
    expect(figures.duplicated).toBeLessThanOrEqual(refusedAttempts + 64);
  });
});
