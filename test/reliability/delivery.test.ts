import { CallAutomationClient } from "@azure/communication-call-automation";
import { afterEach, describe, expect, test } from "vitest";
import { createEmulator, type Emulator } from "../../emulator/emulator.js";
import { DEFAULT_RETRY_POLICY } from "../../emulator/engine/outbox.js";
import { AppEndpoint } from "./appEndpoint.js";
import { emulatorAnswering } from "../support/answeringEmulator.js";

const target = (n: number) => ({ communicationUserId: `8:acs:33333333-3333-3333-3333-333333333333_${String(n).padStart(8, "0")}-0000-0000-0000-000000000000` });


async function control(emulator: Emulator, path: string) {
  const response = await emulator.handle({ method: "GET", url: path, headers: { host: "callsim.test" }, rawBody: "", protocol: "http" });
  return JSON.parse(String(response.body));
}

describe("delivery policy", () => {
  test("defaults: five attempts, 100 ms doubling, 30 s per attempt, Event Grid's 30 attempts and 1,440 minutes, reported by GET /emulator/info", async () => {
    const { emulator } = emulatorAnswering(undefined, () => 200);
    const info = await control(emulator, "/emulator/info");
    const eventGrid = { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1_440 };
    expect(info.delivery).toEqual({ ...DEFAULT_RETRY_POLICY, timeoutMs: 30_000, eventLogLimit: 10_000, maxBacklog: 10_000, eventGrid });
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5_000 });
    // On the real clock, each event goes on its own: its call's previous one holds it 250 ms at most.
    const real = createEmulator({ seed: 1, selfCheck: true });
    expect(real.info().delivery).toMatchObject({ timeoutMs: 30_000, eventGrid, callOrderGraceMs: 250, maxInFlightPerOrigin: 64 });
    await real.close();
  });

  test("retries with the configured back-off, then dead-letters the event with every attempt in GET /emulator/events", async () => {
    const { emulator, client } = emulatorAnswering({ maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 50 }, () => 503);
    const { callConnectionProperties } = await client.createCall({ targetParticipant: target(1) }, "https://app.test/cb");
    await emulator.settle();
    const events = await control(emulator, `/emulator/events?callConnectionId=${callConnectionProperties.callConnectionId}`);
    const connected = events.find((e: any) => e.type === "Microsoft.Communication.CallConnected");
    expect(connected.state).toBe("deadLettered");
    expect(connected.attempts.map((a: any) => a.status)).toEqual([503, 503, 503, 503]);
    const waits = connected.attempts.slice(1).map((a: any, i: number) => a.at - connected.attempts[i].at);
    expect(waits).toEqual([20, 40, 50]);
    // Dead-lettered, and the queue moved on: the next event was tried too, never dropped.
    expect(events.every((e: any) => e.state === "deadLettered" && e.attempts.length === 4)).toBe(true);
    const info = await control(emulator, "/emulator/info");
    expect(info.events).toMatchObject({ deadLettered: events.length, delivered: 0, pending: 0 });
  });

  test("honours Retry-After up to the longest back-off, and does not retry a 4xx other than 408 and 429", async () => {
    const { emulator, client } = emulatorAnswering({ baseDelayMs: 10, maxDelayMs: 3_000 }, (attempt, type) =>
      type === "ParticipantsUpdated" ? 404 : attempt === 1 ? { status: 429, headers: { "retry-after": "2" } } : attempt === 2 ? { status: 503, headers: { "retry-after": "3600" } } : 200,
    );
    await client.createCall({ targetParticipant: target(2) }, "https://app.test/cb");
    await emulator.settle();
    const [connected, updated] = emulator.events();
    expect(connected.attempts.map((a) => a.status)).toEqual([429, 503, 200]);
    expect(connected.attempts[1].at - connected.attempts[0].at).toBe(2_000);
    expect(connected.attempts[2].at - connected.attempts[1].at).toBe(3_000);
    expect(updated).toMatchObject({ state: "deadLettered", attempts: [{ status: 404 }] });
  });

  test("keeps the newest events in a bounded log and reports how many it dropped", async () => {
    const { emulator, client } = emulatorAnswering({ eventLogLimit: 10 }, () => 200);
    for (let n = 0; n < 20; n++) await client.createCall({ targetParticipant: target(n) }, "https://app.test/cb");
    await emulator.settle();
    const info = await control(emulator, "/emulator/info");
    const events = await control(emulator, "/emulator/events");
    expect(info.events.delivered).toBe(40);
    expect(events.length).toBeLessThanOrEqual(11);
    expect(info.events.retained).toBe(events.length);
    expect(info.events.droppedFromLog).toBe(40 - events.length);
    expect(events.at(-1).sequence).toBe(40);
  });

  test("bounds the backlog: actions get 429 with Retry-After while it is full, and work again once it drains", async () => {
    let down = true;
    const { emulator } = emulatorAnswering({ maxBacklog: 4, maxAttempts: 100, baseDelayMs: 1_000, maxDelayMs: 1_000 }, () => (down ? 503 : 200));
    const create = () =>
      emulator.handle({
        method: "POST",
        url: "/calling/callConnections?api-version=2026-03-12",
        headers: { host: "callsim.test", "content-type": "application/json" },
        rawBody: JSON.stringify({ targets: [{ communicationUser: { id: target(9).communicationUserId } }], callbackUri: "https://app.test/cb" }),
        protocol: "http",
      });
    expect((await create()).status).toBe(201);
    expect((await create()).status).toBe(201);
    emulator.advance(20); // both callees answer: two events each, none deliverable
    expect(emulator.deliveryStats().pending).toBe(4);
    const refused = await create();
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toBe("1");
    expect(JSON.parse(String(refused.body)).error.message).toMatch(/backlog is full: 4 events wait/);
    const info = await control(emulator, "/emulator/info");
    expect(info.events).toMatchObject({ pending: 4, maxPendingSeen: 4 });
    expect(info.events.oldestPendingMs).toBeGreaterThan(0);
    down = false;
    await emulator.settle();
    expect((await create()).status).toBe(201);
    expect(emulator.events().filter((e) => e.state === "delivered")).toHaveLength(4);
  });
});

describe("one slow endpoint never delays another", () => {
  let emulator: Emulator | undefined;
  const apps: AppEndpoint[] = [];
  afterEach(async () => {
    await emulator?.close();
    for (const app of apps.splice(0)) await app.kill();
  });

  test.each(["another app (origin)", "another callback URL of the same app"])("events for %s arrive while the slow one is still answering", async (where) => {
    emulator = createEmulator({ selfCheck: true, seed: 4, delivery: { baseDelayMs: 1, maxDelayMs: 1 } });
    const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
    const slow = new AppEndpoint();
    let release!: () => void;
    const released = new Promise<number>((resolve) => (release = () => resolve(200)));
    let slowReached!: () => void;
    const reached = new Promise<void>((resolve) => (slowReached = resolve));
    slow.answer = () => (slowReached(), released);
    await slow.listen();
    apps.push(slow);
    let fast = slow;
    if (where.startsWith("another app")) {
      fast = new AppEndpoint();
      await fast.listen();
      apps.push(fast);
    }
    const held = await client.createCall({ targetParticipant: target(1) }, slow.url("/slow"));
    await reached;
    if (fast === slow) slow.answer = (event) => (event.callConnectionId === held.callConnectionProperties.callConnectionId ? released : 200);
    const quick = await client.createCall({ targetParticipant: target(2) }, fast.url("/fast"));
    const quickId = quick.callConnectionProperties.callConnectionId!;
    await fast.waitFor("CallConnected", quickId);
    await fast.waitFor("ParticipantsUpdated", quickId);
    // The slow endpoint still holds its first event: nothing of its call has been accepted yet.
    expect(slow.arrivals.filter((a) => a.callConnectionId === held.callConnectionProperties.callConnectionId)).toEqual([]);
    release();
    await emulator.whenIdle();
    expect(emulator.events().every((e) => e.state === "delivered")).toBe(true);
  });

  test("a silent handler holds its call's next event back for the call-order grace, not for its timeout", async () => {
    emulator = createEmulator({ selfCheck: true, seed: 7 });
    const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
    const app = new AppEndpoint();
    let answer!: () => void;
    const silent = new Promise<number>((resolve) => (answer = () => resolve(200)));
    app.answer = (event) => (event.type === "CallConnected" ? silent : 200);
    await app.listen();
    apps.push(app);
    const { callConnectionProperties } = await client.createCall({ targetParticipant: target(4) }, app.url("/cb"));
    const id = callConnectionProperties.callConnectionId!;
    await app.waitFor("ParticipantsUpdated", id);
    // CallConnected's only attempt is still open (30 s timeout), and ParticipantsUpdated went anyway.
    const [connected] = emulator.events();
    expect(connected).toMatchObject({ type: "Microsoft.Communication.CallConnected", state: "pending", attempts: [{ at: expect.any(Number) }] });
    expect(app.arrivals.map((a) => a.type)).toEqual(["ParticipantsUpdated"]);
    answer();
    await emulator.whenIdle();
    expect(emulator.events().map((e) => [e.type, e.state, e.attempts.length])).toEqual([
      ["Microsoft.Communication.CallConnected", "delivered", 1],
      ["Microsoft.Communication.ParticipantsUpdated", "delivered", 1],
    ]);
  });

  test("a callback the endpoint does not answer within the per-attempt timeout is dead-lettered, not posted again; an unreachable one is retried", async () => {
    emulator = createEmulator({ selfCheck: true, seed: 5, delivery: { timeoutMs: 1_000, maxAttempts: 1_000, baseDelayMs: 1, maxDelayMs: 1 } });
    const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
    const app = new AppEndpoint();
    let never!: () => void;
    app.answer = (event, attempt) => (event.type === "CallConnected" && attempt === 1 ? new Promise<number>((resolve) => (never = () => resolve(200))) : 200);
    await app.listen();
    apps.push(app);
    const { callConnectionProperties } = await client.createCall({ targetParticipant: target(3) }, app.url("/cb"));
    await app.waitFor("ParticipantsUpdated", callConnectionProperties.callConnectionId!);
    await emulator.whenIdle();
    const [connected, updated] = emulator.events();
    expect(connected).toMatchObject({ state: "deadLettered", attempts: [{ error: "no answer within 1000 ms (delivery timeout)" }] });
    expect(app.posts.get(connected.id)).toBe(1);
    expect(updated.state).toBe("delivered");
    never();
    // An endpoint that refuses the connection never got the event: that one is tried again.
    app.answer = () => 200;
    await app.kill();
    const second = await client.createCall({ targetParticipant: target(5) }, app.url("/cb"));
    const refused = new Promise<void>((resolve) => {
      const stop = emulator!.engine.outbox.subscribe((record, change) => {
        if (change.kind === "attempted" && change.outcome === "retrying" && record.callConnectionId === second.callConnectionProperties.callConnectionId) (stop(), resolve());
      });
    });
    await refused;
    await app.listen();
    await app.waitFor("ParticipantsUpdated", second.callConnectionProperties.callConnectionId!);
    await emulator.whenIdle();
    const [reconnected] = emulator.events({ callConnectionId: second.callConnectionProperties.callConnectionId });
    expect(reconnected.state).toBe("delivered");
    expect(reconnected.attempts[0].error).toMatch(/ECONNREFUSED/);
  });
});
