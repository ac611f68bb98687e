import { describe, expect, test } from "vitest";
import { VirtualClock } from "../../emulator/clock/virtualClock.js";
import {
  callbackChannelPolicy,
  EVENT_GRID_RETRY_SCHEDULE_MS,
  eventGridChannelPolicy,
} from "../../emulator/engine/deliveryPolicy.js";
import { DeliveryTimeoutError, Outbox, type DeliveryChange } from "../../emulator/engine/outbox.js";
import { callLanes, HOUR, outboxWith, settled } from "../support/outboxSink.js";

// Issue 16: the outbox's delivery rules (retries, time to live, bookkeeping), driven directly.

describe("callback channel policy", () => {
  test("doubles the wait from the base delay and caps it at the longest wait", () => {
    const policy = callbackChannelPolicy({ maxAttempts: 9, baseDelayMs: 100, maxDelayMs: 500 });
    expect([2, 3, 4, 5].map((next) => policy.delayBefore(next, undefined))).toEqual([100, 200, 400, 500]);
  });

  test("honours a Retry-After between zero and the longest wait", () => {
    const policy = callbackChannelPolicy({ maxAttempts: 9, baseDelayMs: 100, maxDelayMs: 500 });
    expect(policy.delayBefore(2, 300)).toBe(300);
    expect(policy.delayBefore(2, 0)).toBe(0);
    expect(policy.delayBefore(2, -5)).toBe(0);
    expect(policy.delayBefore(2, 700)).toBe(500);
  });

  test("retries 408, 429 and every 5xx; no other status; never a timeout; no time to live", () => {
    const policy = callbackChannelPolicy({ maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 });
    const statuses = [302, 400, 407, 408, 409, 428, 429, 430, 499, 500, 503, 599];
    expect(statuses.filter((s) => policy.retryable(s))).toEqual([408, 429, 500, 503, 599]);
    expect(policy).toMatchObject({ maxAttempts: 3, timeToLiveMs: Infinity, retriesTimeouts: false });
  });
});

describe("Event Grid channel policy", () => {
  test("waits by Event Grid's schedule, then every 12 hours, whatever Retry-After says", () => {
    const policy = eventGridChannelPolicy({ maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1_440 });
    expect([2, 3, 11, 12, 30].map((next) => policy.delayBefore(next, 1))).toEqual([10_000, 30_000, 12 * HOUR, 12 * HOUR, 12 * HOUR]);
    expect(EVENT_GRID_RETRY_SCHEDULE_MS.at(-1)).toBe(12 * HOUR);
  });

  test("retries every status but 400, 401, 403 and 413, and a timeout; lives its minutes", () => {
    const policy = eventGridChannelPolicy({ maxDeliveryAttempts: 7, eventTimeToLiveInMinutes: 2 });
    expect([400, 401, 402, 403, 404, 413, 429, 500].filter((s) => policy.retryable(s))).toEqual([402, 404, 429, 500]);
    expect(policy).toMatchObject({ maxAttempts: 7, timeToLiveMs: 120_000, retriesTimeouts: true });
  });
});

describe("outbox attempts", () => {
  test("posts each event alone in a JSON array with its headers, and counts 2xx (only) as delivered", async () => {
    const { outbox, posts, enqueue, post } = outboxWith({ policy: { maxAttempts: 1 } });
    for (let i = 0; i < 5; i++) enqueue(`https://app.test/${i}`);
    expect(posts[0].delivery).toMatchObject({ url: "https://app.test/0", headers: { "x-n": "1" } });
    expect(JSON.parse(posts[0].delivery.body)).toEqual([{ id: "e1", n: 1 }]);
    for (const [id, status] of [["e1", 199], ["e2", 200], ["e3", 299], ["e4", 300], ["e5", 204]] as const) await post(id).answer({ status });
    expect(outbox.events().map((e) => e.state)).toEqual(["deadLettered", "delivered", "delivered", "deadLettered", "delivered"]);
    expect(outbox.stats()).toMatchObject({ delivered: 3, deadLettered: 2, pending: 0, retained: 5 });
  });

  test("tells listeners of each event queued and each attempt's outcome, until they unsubscribe", async () => {
    const { outbox, enqueue, clock, post } = outboxWith({ policy: { maxAttempts: 2, baseDelayMs: 40 } });
    const changes: Array<[string, DeliveryChange]> = [];
    const stop = outbox.subscribe((record, change) => changes.push([record.id, change]));
    enqueue("https://app.test/cb");
    await post("e1").answer({ status: 500 });
    clock.advance(40);
    await post("e1").answer({ status: 500 });
    expect(changes).toEqual([
      ["e1", { kind: "queued" }],
      ["e1", { kind: "attempted", attempt: { at: 0, status: 500 }, outcome: "retrying", retryInMs: 40 }],
      ["e1", { kind: "attempted", attempt: { at: 40, status: 500 }, outcome: "deadLettered" }],
    ]);
    stop();
    enqueue("https://app.test/cb");
    expect(changes).toHaveLength(3);
  });

  test("an endpoint that cannot be reached is tried again; a callback timeout is not", async () => {
    const { outbox, enqueue, clock, post } = outboxWith({ policy: { maxAttempts: 3, baseDelayMs: 10 } });
    enqueue("https://app.test/a");
    enqueue("https://app.test/b");
    enqueue("https://app.test/c");
    await post("e1").answer(new Error("connect ECONNREFUSED"));
    await post("e2").answer(new DeliveryTimeoutError("no answer within 30000 ms (delivery timeout)"));
    await post("e3").answer("socket hang up");
    clock.advance(10);
    await post("e1").answer({ status: 200 });
    await post("e3").answer({ status: 200 });
    const [unreachable, silent, odd] = outbox.events();
    expect(unreachable).toMatchObject({ state: "delivered", attempts: [{ at: 0, error: "connect ECONNREFUSED" }, { at: 10, status: 200 }] });
    expect(silent).toMatchObject({ state: "deadLettered", attempts: [{ at: 0, error: "no answer within 30000 ms (delivery timeout)" }] });
    expect(odd.attempts[0].error).toBe("socket hang up");
  });

  test("a sink that throws at once counts as an unreachable endpoint", async () => {
    const clock = new VirtualClock(0);
    let calls = 0;
    const outbox = new Outbox(clock, () => {
      if (++calls === 1) throw new Error("bad URL");
      return Promise.resolve({ status: 200 });
    }, { policy: { baseDelayMs: 5 } });
    outbox.enqueue({ id: "e1", type: "T", channel: "callback", destination: "https://app.test/", event: {} }, {});
    await settled();
    clock.advance(5);
    await settled();
    expect(outbox.events()[0]).toMatchObject({ state: "delivered", attempts: [{ at: 0, error: "bad URL" }, { at: 5, status: 200 }] });
  });

  test("an option left undefined keeps its default; sendNow skips the queue", async () => {
    const { outbox, enqueue, posts } = outboxWith({ policy: { maxAttempts: undefined, baseDelayMs: 7 }, eventGrid: { maxDeliveryAttempts: undefined }, limits: { maxBacklog: undefined } });
    expect(outbox.policy).toEqual({ maxAttempts: 5, baseDelayMs: 7, maxDelayMs: 5_000 });
    expect(outbox.eventGridPolicy.maxDeliveryAttempts).toBe(30);
    expect(outbox.limits.maxBacklog).toBe(10_000);
    enqueue("https://app.test/cb");
    const now = outbox.sendNow({ url: "https://app.test/now", headers: {}, body: "[]" });
    await settled();
    expect(posts.map((p) => p.delivery.url)).toEqual(["https://app.test/cb", "https://app.test/now"]);
    await posts[1].answer({ status: 202 });
    expect(await now).toEqual({ status: 202 });
  });
});

describe("Event Grid time to live", () => {
  test("an event is retried while its next attempt falls within the time to live, and dead-lettered past it", async () => {
    const { outbox, enqueue, clock, post } = outboxWith({ eventGrid: { eventTimeToLiveInMinutes: 1 } });
    enqueue("https://app.test/eg", {}, "eventGrid");
    // The first answer takes 50 s: the next attempt, 10 s later, is exactly at the time to live.
    clock.advance(50_000);
    await post("e1").answer({ status: 500 });
    expect(outbox.events()[0].state).toBe("pending");
    clock.advance(10_000);
    await post("e1").answer({ status: 500 });
    expect(outbox.events()[0]).toMatchObject({ state: "deadLettered", attempts: [{ at: 0 }, { at: 60_000 }] });
  });
});

describe("outbox bookkeeping", () => {
  test("stats: the oldest waiting event's age, the most ever waiting, and a backlog that saturates", async () => {
    const { outbox, enqueue, clock, post } = outboxWith({ limits: { maxBacklog: 2 } });
    expect(outbox.stats()).toMatchObject({ pending: 0, oldestPendingMs: 0, maxPendingSeen: 0 });
    enqueue("https://app.test/a");
    expect(outbox.isSaturated()).toBe(false);
    clock.advance(100);
    enqueue("https://app.test/b");
    expect(outbox.isSaturated()).toBe(true);
    clock.advance(200);
    expect(outbox.stats()).toMatchObject({ pending: 2, oldestPendingMs: 300, maxPendingSeen: 2 });
    await post("e1").answer({ status: 200 });
    expect(outbox.isSaturated()).toBe(false);
    expect(outbox.stats()).toMatchObject({ pending: 1, oldestPendingMs: 200, maxPendingSeen: 2 });
    await post("e2").answer({ status: 200 });
    expect(outbox.stats()).toMatchObject({ pending: 0, oldestPendingMs: 0, delivered: 2 });
  });

  test("the log keeps the newest settled events past its limit plus a tenth, and never drops a waiting one", async () => {
    const { outbox, enqueue, post } = outboxWith({ limits: { eventLogLimit: 20 } });
    enqueue("https://app.test/held");
    for (let i = 0; i < 21; i++) {
      enqueue(`https://app.test/${i}`);
      await post(`e${i + 2}`).answer({ status: 200 });
    }
    expect(outbox.events()).toHaveLength(22);
    enqueue("https://app.test/last");
    expect(outbox.events()).toHaveLength(20);
    expect(outbox.events()[0]).toMatchObject({ id: "e1", state: "pending" });
    expect(outbox.events().map((e) => e.sequence).slice(1, 3)).toEqual([5, 6]);
    expect(outbox.stats()).toMatchObject({ retained: 20, droppedFromLog: 3, oldestPendingMs: 0 });
  });

  test("a log limit under ten still trims one event at a time", async () => {
    const { outbox, enqueue, post } = outboxWith({ limits: { eventLogLimit: 3 } });
    for (let i = 1; i <= 5; i++) {
      enqueue(`https://app.test/${i}`);
      await post(`e${i}`).answer({ status: 200 });
    }
    expect(outbox.events().map((e) => e.id)).toEqual(["e3", "e4", "e5"]);
    expect(outbox.stats().droppedFromLog).toBe(2);
  });

  test("whenIdle resolves once every event settled", async () => {
    const { outbox, enqueue, post } = outboxWith();
    await outbox.whenIdle();
    enqueue("https://app.test/a");
    let idle = false;
    void outbox.whenIdle().then(() => (idle = true));
    await settled();
    expect(idle).toBe(false);
    await post("e1").answer({ status: 200 });
    expect(idle).toBe(true);
  });

  test("clear forgets the log, the counts, the retries and the lanes; an answer to a forgotten attempt changes nothing", async () => {
    const { outbox, enqueue, clock, sent, post } = outboxWith({ policy: { baseDelayMs: 10 } });
    enqueue("https://app.test/a");
    enqueue("https://app.test/a");
    enqueue("https://app.test/b");
    await post("e3").answer({ status: 503 });
    let idle = false;
    void outbox.whenIdle().then(() => (idle = true));
    outbox.clear();
    await settled();
    expect(idle).toBe(true);
    expect(clock.pending()).toEqual([]);
    expect(outbox.events()).toEqual([]);
    expect(outbox.stats()).toEqual({ retained: 0, droppedFromLog: 0, delivered: 0, deadLettered: 0, pending: 0, oldestPendingMs: 0, maxPendingSeen: 0 });
    const fresh = enqueue("https://app.test/a");
    expect(fresh.sequence).toBe(1);
    expect(sent().at(-1)).toBe(fresh.id);
    await post("e1").answer({ status: 200 });
    expect(outbox.stats()).toMatchObject({ pending: 1, delivered: 0 });
    await post(fresh.id).answer({ status: 200 });
    expect(outbox.stats()).toMatchObject({ pending: 0, delivered: 1 });
  });

  test("clear frees the origin places of attempts under way", async () => {
    const { outbox, enqueue, sent, post } = outboxWith(callLanes({ maxInFlightPerOrigin: 1 }));
    enqueue("https://app.test/a", { callConnectionId: "A" });
    outbox.clear();
    const fresh = enqueue("https://app.test/a", { callConnectionId: "B" });
    expect(sent()).toEqual(["e1", fresh.id]);
    await post("e1").answer({ status: 200 });
  });

  test("stop sends nothing more and retries nothing; what waits stays pending", async () => {
    const { outbox, enqueue, clock, sent, post } = outboxWith({ ...callLanes(), policy: { baseDelayMs: 10 } });
    enqueue("https://app.test/a", { callConnectionId: "A" });
    enqueue("https://app.test/a", { callConnectionId: "A" });
    enqueue("https://app.test/b", { callConnectionId: "B" });
    await post("e3").answer({ status: 503 });
    outbox.stop();
    expect(clock.pending()).toEqual([]);
    await post("e1").answer({ status: 503 });
    expect(clock.pending()).toEqual([]);
    enqueue("https://app.test/c", { callConnectionId: "C" });
    clock.advance(HOUR);
    expect(sent()).toEqual(["e1", "e3"]);
    expect(outbox.stats().pending).toBe(4);
  });
});

describe("outbox details", () => {
  test("defaults: callbacks' and Event Grid's policies, the log limits, and one delivery at a time per URL", () => {
    const { outbox } = outboxWith();
    expect(outbox.policy).toEqual({ maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5_000 });
    expect(outbox.eventGridPolicy).toEqual({ maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1_440 });
    expect(outbox.limits).toEqual({ eventLogLimit: 10_000, maxBacklog: 10_000 });
    expect(outbox.ordering).toEqual({ laneBy: "destination", callOrderGraceMs: Infinity, maxInFlightPerOrigin: Infinity });
    expect(new DeliveryTimeoutError("late").name).toBe("DeliveryTimeoutError");
  });

  test("keeps callsim's note on a record only when there is one", () => {
    const { outbox } = outboxWith();
    const noted = outbox.enqueue({ id: "n", type: "T", channel: "callback", destination: "https://app.test/", event: {}, note: "why" }, {});
    const plain = outbox.enqueue({ id: "p", type: "T", channel: "callback", destination: "https://app.test/", event: {} }, {});
    expect(noted.note).toBe("why");
    expect("note" in plain).toBe(false);
  });

  test("a retry is a labelled timer on the clock", async () => {
    const { enqueue, clock, post } = outboxWith({ policy: { baseDelayMs: 25 } });
    enqueue("https://app.test/cb");
    await post("e1").answer({ status: 500 });
    expect(clock.pending()).toEqual([{ at: 25, label: "retry Type1 to https://app.test/cb" }]);
  });

  test("the oldest waiting event is found again after the log was trimmed or cleared", async () => {
    const { outbox, enqueue, clock, post } = outboxWith({ limits: { eventLogLimit: 10 } });
    for (let i = 1; i <= 8; i++) {
      enqueue(`https://app.test/${i}`);
      await post(`e${i}`).answer({ status: 200 });
    }
    enqueue("https://app.test/held");
    clock.advance(100);
    expect(outbox.stats().oldestPendingMs).toBe(100);
    for (let i = 10; i <= 12; i++) {
      enqueue(`https://app.test/${i}`);
      await post(`e${i}`).answer({ status: 200 });
    }
    expect(outbox.stats()).toMatchObject({ droppedFromLog: 2, oldestPendingMs: 100 });
    outbox.clear();
    enqueue("https://app.test/fresh");
    clock.advance(30);
    expect(outbox.stats().oldestPendingMs).toBe(30);
  });

  test("a failure of an attempt made before clear changes nothing", async () => {
    const { outbox, enqueue, clock, post } = outboxWith();
    enqueue("https://app.test/a");
    outbox.clear();
    await post("e1").answer(new Error("connect ECONNREFUSED"));
    expect(clock.pending()).toEqual([]);
    expect(outbox.stats()).toMatchObject({ pending: 0, deadLettered: 0 });
  });
});

describe("outbox rules, more", () => {
  test("Event Grid's whole schedule: 10 s, 30 s, 1, 5, 10, 30 min, 1, 3, 6, 12 h", () => {
    const policy = eventGridChannelPolicy({ maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1_440 });
    const minutes = Array.from({ length: 10 }, (_, i) => policy.delayBefore(i + 2, undefined) / 60_000);
    expect(minutes).toEqual([1 / 6, 0.5, 1, 5, 10, 30, 60, 180, 360, 720]);
  });

  test("a status the channel does not retry dead-letters the event at once, whatever attempts are left", async () => {
    const { outbox, enqueue, post } = outboxWith({ policy: { maxAttempts: 3 } });
    enqueue("https://app.test/cb");
    await post("e1").answer({ status: 404 });
    expect(outbox.events()[0]).toMatchObject({ state: "deadLettered", attempts: [{ status: 404 }] });
  });

  test("the time to live counts from when the event was queued, not from the clock's start", async () => {
    const { outbox, enqueue, clock, post } = outboxWith({ eventGrid: { eventTimeToLiveInMinutes: 1 } });
    clock.advance(HOUR);
    enqueue("https://app.test/eg", {}, "eventGrid");
    await post("e1").answer({ status: 500 });
    expect(outbox.events()[0].state).toBe("pending");
  });

  test("the most events ever waiting does not fall when fewer wait later", async () => {
    const { outbox, enqueue, post } = outboxWith();
    enqueue("https://app.test/a");
    enqueue("https://app.test/b");
    await post("e1").answer({ status: 200 });
    await post("e2").answer({ status: 200 });
    enqueue("https://app.test/c");
    expect(outbox.stats().maxPendingSeen).toBe(2);
  });

  test("whenIdle waits for the last event, not the first to settle", async () => {
    const { outbox, enqueue, post } = outboxWith();
    enqueue("https://app.test/a");
    enqueue("https://app.test/b");
    let idle = false;
    void outbox.whenIdle().then(() => (idle = true));
    await post("e1").answer({ status: 200 });
    expect(idle).toBe(false);
    await post("e2").answer({ status: 200 });
    expect(idle).toBe(true);
  });

  test("origins without a path are told apart by their whole host", async () => {
    const { enqueue, sent } = outboxWith(callLanes({ maxInFlightPerOrigin: 1 }));
    enqueue("https://host1", { callConnectionId: "A" });
    enqueue("https://host2", { callConnectionId: "B" });
    expect(sent()).toEqual(["e1", "e2"]);
  });
});
