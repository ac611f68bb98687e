import { describe, expect, test } from "vitest";
import { callLanes, HOUR, outboxWith } from "../support/outboxSink.js";

// Issue 16: the outbox's lanes (per call on the real clock, serial on the virtual one) and its
// per-origin limit, driven directly.

describe("call lanes (the real clock's ordering)", () => {
  test("a call's next event waits for the previous one's answer, at most the grace; another call's goes at once", async () => {
    const { enqueue, sent, clock, post } = outboxWith(callLanes());
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    enqueue("https://app.test/cb", { callConnectionId: "B" });
    enqueue("https://app.test/cb", { serverCallId: "S" });
    enqueue("https://app.test/other", { callConnectionId: "A" });
    expect(sent()).toEqual(["e1", "e3", "e4", "e5"]);
    clock.advance(249);
    expect(sent()).toEqual(["e1", "e3", "e4", "e5"]);
    clock.advance(1);
    expect(sent()).toEqual(["e1", "e3", "e4", "e5", "e2"]);
    // e2 now holds the lane: e6 waits for e2's answer, and goes as soon as e2 is delivered.
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    await post("e1").answer({ status: 200 });
    expect(sent()).toHaveLength(5);
    await post("e2").answer({ status: 200 });
    expect(sent().at(-1)).toBe("e6");
    expect(clock.now()).toBe(250);
  });

  test("each waiting event gets its own grace, counted from when it was queued", async () => {
    const { enqueue, sent, clock, post } = outboxWith(callLanes());
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    clock.advance(100);
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    clock.advance(150);
    expect(sent()).toEqual(["e1", "e2"]);
    clock.advance(99);
    expect(sent()).toEqual(["e1", "e2"]);
    clock.advance(1);
    expect(sent()).toEqual(["e1", "e2", "e3"]);
    // Nothing waits now: no grace timer is left behind.
    expect(clock.pending()).toEqual([]);
    // An event queued once its lane drained goes at once.
    for (const id of ["e1", "e2", "e3"]) await post(id).answer({ status: 200 });
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    expect(sent().at(-1)).toBe("e4");
  });

  test("an event that settles while the next waits lets it go, and the grace then lets nothing go twice", async () => {
    const { enqueue, sent, clock, post } = outboxWith(callLanes());
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    await post("e1").answer({ status: 200 });
    expect(sent()).toEqual(["e1", "e2"]);
    clock.advance(250);
    expect(sent()).toEqual(["e1", "e2", "e3"]);
    clock.advance(1_000);
    expect(sent()).toEqual(["e1", "e2", "e3"]);
  });

  test("with an endless grace, a call's events wait for each other however long, and arm no timer", async () => {
    const { enqueue, sent, clock, post } = outboxWith(callLanes({ callOrderGraceMs: Infinity }));
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    expect(clock.pending()).toEqual([]);
    clock.advance(HOUR);
    expect(sent()).toEqual(["e1"]);
    await post("e1").answer({ status: 200 });
    expect(sent()).toEqual(["e1", "e2"]);
  });
});

describe("serial lanes (the virtual clock's ordering)", () => {
  test("one event at a time per callback URL, retries included; another URL goes at once", async () => {
    const { enqueue, sent, clock, post } = outboxWith({ policy: { baseDelayMs: 100 } });
    enqueue("https://app.test/a", { callConnectionId: "A" });
    enqueue("https://app.test/a", { callConnectionId: "B" });
    enqueue("https://app.test/b", { callConnectionId: "A" });
    expect(sent()).toEqual(["e1", "e3"]);
    await post("e1").answer({ status: 503 });
    clock.advance(HOUR);
    expect(sent()).toEqual(["e1", "e3", "e1"]);
    await post("e1").answer({ status: 200 });
    expect(sent()).toEqual(["e1", "e3", "e1", "e2"]);
  });
});

describe("in flight per origin", () => {
  test("at most maxInFlightPerOrigin deliveries at once to one scheme, host and port; others wait their turn", async () => {
    const { enqueue, sent, post } = outboxWith(callLanes({ maxInFlightPerOrigin: 1 }));
    enqueue("https://app.test/a", { callConnectionId: "A" });
    enqueue("https://app.test/b", { callConnectionId: "B" });
    enqueue("https://app.test:8443/a", { callConnectionId: "C" });
    enqueue("https://other.test", { callConnectionId: "D" });
    enqueue("https://other.test", { callConnectionId: "E" });
    enqueue("https://app.test/c", { callConnectionId: "F" });
    expect(sent()).toEqual(["e1", "e3", "e4"]);
    await post("e1").answer({ status: 200 });
    expect(sent()).toEqual(["e1", "e3", "e4", "e2"]);
    await post("e4").answer({ status: 200 });
    expect(sent()).toEqual(["e1", "e3", "e4", "e2", "e5"]);
    await post("e2").answer({ status: 200 });
    expect(sent()).toEqual(["e1", "e3", "e4", "e2", "e5", "e6"]);
  });

  test("a retry waits for a place too, and two places at an origin take two deliveries", async () => {
    const { enqueue, sent, clock, post } = outboxWith({ ...callLanes({ maxInFlightPerOrigin: 2 }), policy: { baseDelayMs: 10 } });
    enqueue("https://app.test/a", { callConnectionId: "A" });
    enqueue("https://app.test/b", { callConnectionId: "B" });
    enqueue("https://app.test/c", { callConnectionId: "C" });
    expect(sent()).toEqual(["e1", "e2"]);
    await post("e1").answer({ status: 503 });
    expect(sent()).toEqual(["e1", "e2", "e3"]);
    clock.advance(10);
    expect(sent()).toHaveLength(3);
    await post("e2").answer({ status: 200 });
    expect(sent()).toEqual(["e1", "e2", "e3", "e1"]);
  });
});

describe("call lanes, more", () => {
  test("events with only a server call id keep their call's order too; events of no call share one lane per URL", () => {
    const { enqueue, sent } = outboxWith(callLanes({ callOrderGraceMs: Infinity }));
    enqueue("https://app.test/cb", { serverCallId: "S1" });
    enqueue("https://app.test/cb", { serverCallId: "S2" });
    enqueue("https://app.test/cb", { serverCallId: "S1" });
    enqueue("https://app.test/cb", { callConnectionId: "C", serverCallId: "S1" });
    enqueue("https://app.test/cb");
    enqueue("https://app.test/cb");
    expect(sent()).toEqual(["e1", "e2", "e4", "e5"]);
  });

  test("one grace timer at a time, set for the next waiting event's end of grace", () => {
    const { enqueue, clock } = outboxWith(callLanes());
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    clock.advance(100);
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    enqueue("https://app.test/cb", { callConnectionId: "B" });
    enqueue("https://app.test/cb", { callConnectionId: "B" });
    expect(clock.pending()).toEqual([{ at: 250, label: "call order grace" }]);
    clock.advance(150);
    expect(clock.pending()).toEqual([{ at: 350, label: "call order grace" }]);
  });

  test("clear forgets waiting events and their grace; stop arms no grace", () => {
    const { outbox, enqueue, clock, sent } = outboxWith(callLanes());
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    outbox.clear();
    expect(clock.pending()).toEqual([]);
    const first = enqueue("https://app.test/cb", { callConnectionId: "A" });
    const second = enqueue("https://app.test/cb", { callConnectionId: "A" });
    clock.advance(250);
    expect(sent()).toEqual(["e1", first.id, second.id]);
    outbox.stop();
    enqueue("https://app.test/cb", { callConnectionId: "A" });
    expect(clock.pending()).toEqual([]);
  });
});
