import { describe, expect, test } from "vitest";
import type { Chooser, RunOutcome, Step, Visit } from "../../scenarios/explorerRun.js";
import { compareOutcomes, costOf, searchByCost, shrink, type Pending, type Visited } from "../../scenarios/explorerSearch.js";
import type { AppFingerprint } from "../../scenarios/explorerState.js";
import type { Independence } from "../../scenarios/explorerIndependence.js";

// searchByCost and shrink against a small world of events instead of an app: each run offers
// the undelivered events in emission order (index 0 is the plain step), then copies of the
// delivered ones while copies are left, as runOnce does; an order is written "B C A", a copy "A*".

interface FakeEvent {
  id: string;
  call?: string;
  /** Emitted only once this event is delivered. */
  after?: string;
}
interface World {
  events: FakeEvent[];
  copies?: number;
  /** Why a whole order is wrong (a run cut short is not checked, as runOnce does). */
  fails?: (order: string[]) => string | undefined;
  /** The state after `order`; by default what was delivered, as a set. */
  fingerprint?: (order: string[]) => AppFingerprint;
}

const deliveredSet = (order: string[]): AppFingerprint => ({ fingerprint: order.filter((x) => !x.endsWith("*")).sort().join(" ") });
const written = (outcome: RunOutcome) => outcome.trace.map((t) => (t.kind === "event" ? `${t.type}${t.duplicate ? "*" : ""}` : t.kind)).join(" ");
const eventStep = (e: FakeEvent, duplicate: boolean): Step => ({ kind: "event", type: e.id, callConnectionId: e.call, destination: "https://app.test/events", event: { id: e.id }, duplicate });

function world(w: World) {
  const orders: string[] = [];
  const visits: boolean[] = [];
  const run = async (choose: Chooser, visit?: Visit): Promise<RunOutcome> => {
    visits.push(visit !== undefined);
    let pool = w.events.filter((e) => !e.after);
    const delivered: FakeEvent[] = [];
    const order: string[] = [];
    let copiesLeft = w.copies ?? 0;
    const outcome: RunOutcome = { choices: [], branching: [], duplicateFrom: [], trace: [] };
    for (let step = 0; ; step++) {
      const plain = pool.map((e) => eventStep(e, false));
      const copies = copiesLeft > 0 ? delivered.map((e) => eventStep(e, true)) : [];
      if (plain.length === 0 && copies.length > 0) plain.push({ kind: "end" });
      const candidates = [...plain, ...copies];
      if (candidates.length === 0) break;
      const state = (): AppFingerprint => ({ ...(w.fingerprint ?? deliveredSet)(order), copiesLeft });
      if (visit && !visit(step, state)) {
        outcome.pruned = true;
        break;
      }
      const index = choose(candidates, step);
      if (index === -1) {
        outcome.pruned = true;
        break;
      }
      const chosen = candidates[index];
      if (!chosen) throw new Error(`choice ${index} is out of range at step ${step}`);
      outcome.choices.push(index);
      outcome.branching.push(candidates.length);
      outcome.duplicateFrom.push(plain.length);
      if (chosen.kind !== "event") break;
      const e = w.events.find((x) => x.id === chosen.type)!;
      if (chosen.duplicate) copiesLeft--;
      else {
        pool = [...pool.filter((x) => x !== e), ...w.events.filter((x) => x.after === e.id)];
        delivered.push(e);
      }
      order.push(chosen.duplicate ? `${e.id}*` : e.id);
      outcome.trace.push({ kind: "event", type: e.id, duplicate: chosen.duplicate });
    }
    if (!outcome.pruned) outcome.failure = w.fails?.(order);
    orders.push(order.join(" ") + (outcome.pruned ? " …" : ""));
    return outcome;
  };
  return { run, orders, visits };
}

const ABC = [{ id: "A" }, { id: "B" }, { id: "C" }];
const search = (w: ReturnType<typeof world>, options: { maxRuns?: number; all?: boolean; prune?: boolean; independence?: Independence; start?: Pending[]; visited?: Visited; splitAt?: number; splitAfter?: number } = {}) =>
  searchByCost(w.run, { maxRuns: 100, all: false, prune: false, onRun: () => undefined, ...options });
const outcome = (choices: number[], duplicateFrom: number[], length = choices.length): RunOutcome => ({
  choices,
  branching: choices.map(() => 9),
  duplicateFrom,
  trace: Array.from({ length }, () => ({ kind: "advance" as const, label: "t" })),
});
const before = (first: string, second: string) => (order: string[]) => (order.includes(first) && !order.slice(0, order.indexOf(first)).includes(second) ? `${first} before ${second}` : undefined);

describe("costOf and compareOutcomes: the cost of an order", () => {
  test("a choice from duplicateFrom on is a copy, any other non-zero choice a move", () => {
    expect(costOf(outcome([0, 2, 1, 3, 0], [1, 2, 3, 3, 2]))).toEqual({ duplicates: 2, moved: 1 });
  });

  test("orders fewer copies first, then fewer moved events, then a shorter run", () => {
    const oneCopy = outcome([1], [1], 2);
    const threeMoves = outcome([1, 1, 1], [3, 3, 3], 5);
    const oneMove = outcome([1], [3], 4);
    const oneMoveShort = outcome([1], [3], 2);
    const twoMoves = outcome([1, 1], [3, 3], 2);
    expect([oneCopy, twoMoves, threeMoves, oneMove, oneMoveShort].sort(compareOutcomes)).toEqual([oneMoveShort, oneMove, twoMoves, threeMoves, oneCopy]);
    expect(compareOutcomes(oneMove, twoMoves)).toBeLessThan(0);
    expect(compareOutcomes(twoMoves, oneMove)).toBeGreaterThan(0);
  });
});

describe("shrink: a failing order made cheaper", () => {
  const runShrink = async (w: World, failingPath: number[], budget: number) => {
    const fake = world(w);
    const failing = await fake.run((_, step) => failingPath[step] ?? 0);
    expect(failing.failure).toBeDefined();
    fake.orders.length = 0;
    const seen: RunOutcome[] = [];
    const shrunk = await shrink(failing, fake.run, budget, (o) => seen.push(o));
    expect(seen.length).toBe(shrunk.runs);
    return { ...shrunk, orders: fake.orders, order: written(shrunk.outcome) };
  };
  const cBeforeB = { events: [...ABC, { id: "D" }], fails: before("C", "B") };

  test("tries each deviation cut short, then undone, keeps the first cheaper failure, and stops when none is", async () => {
    // C B A D moves C and B; A C B D moves C only; the plain order passes.
    const shrunk = await runShrink(cBeforeB, [2, 1], 200);
    expect(shrunk.orders).toEqual(["A B C D", "A C B D", "A B C D", "A B C D"]);
    expect(shrunk.order).toBe("A C B D");
    expect(shrunk.outcome.choices).toEqual([0, 1, 0, 0]);
    expect(shrunk.runs).toBe(4);
  });

  test("keeps shrinking after each improvement", async () => {
    // D C B A moves three events; A D C B two; A D B C one.
    const shrunk = await runShrink({ events: [...ABC, { id: "D" }], fails: before("D", "B") }, [3, 2, 1], 200);
    expect(shrunk.orders).toEqual(["A B C D", "A D C B", "A B C D", "A B D C", "A D B C", "A B C D", "A B C D"]);
    expect(shrunk.order).toBe("A D B C");
    expect(costOf(shrunk.outcome)).toEqual({ duplicates: 0, moved: 1 });
  });

  test("spends no more runs than its budget, and returns the best order found within it", async () => {
    const none = await runShrink(cBeforeB, [2, 1], 0);
    expect([none.runs, none.order]).toEqual([0, "C B A D"]);
    const one = await runShrink(cBeforeB, [2, 1], 1);
    expect([one.runs, one.orders, one.order]).toEqual([1, ["A B C D"], "C B A D"]);
    const two = await runShrink(cBeforeB, [2, 1], 2);
    expect([two.runs, two.orders, two.order]).toEqual([2, ["A B C D", "A C B D"], "A C B D"]);
    const three = await runShrink(cBeforeB, [2, 1], 3);
    expect([three.runs, three.order]).toEqual([3, "A C B D"]);
  });

  test("a choice beyond the candidates of a changed run falls back to the plain step", async () => {
    // B emits C: with A first, step 1 offers only B and X, and the path's choice 2 falls back to B.
    const w = { events: [{ id: "A" }, { id: "B" }, { id: "X" }, { id: "C", after: "B" }], fails: before("B", "A") };
    const shrunk = await runShrink(w, [1, 2], 200);
    expect(shrunk.orders).toEqual(["A B X C", "A B X C", "B A X C", "A B X C", "A B X C"]);
    expect(shrunk.order).toBe("B A X C");
  });

  test("a failing variant that costs more is not kept", async () => {
    // Undoing B's move turns the second choice into a copy of A: it fails, but a copy costs more than two moves.
    const w = { events: [{ id: "A" }, { id: "B" }, { id: "C", after: "B" }], copies: 1, fails: (o: string[]) => (o[0] !== "A" || o.includes("A*") ? "A must come first, once" : undefined) };
    const shrunk = await runShrink(w, [1, 1], 200);
    expect(shrunk.orders).toEqual(["A B C", "A A* B C", "B A C", "A B C", "A B C"]);
    expect(shrunk.order).toBe("B A C");
    expect(costOf(shrunk.outcome)).toEqual({ duplicates: 0, moved: 1 });
  });
});

describe("searchByCost: every order, cheapest first", () => {
  test("runs the plain order, then each order that moves one event, then two", async () => {
    const w = world({ events: ABC });
    const progress = await search(w);
    expect(w.orders).toEqual(["A B C", "B A C", "C A B", "A C B", "B C A", "C B A"]);
    expect(progress).toMatchObject({ runs: 6, failing: [], exhaustive: true, notRun: 0, states: 0, pruned: 0 });
    expect(progress.completeBelow).toBeUndefined();
  });

  test("runs every order without copies before any order with one", async () => {
    const w = world({ events: [{ id: "A" }, { id: "B" }], copies: 1 });
    await search(w);
    expect(w.orders).toEqual(["A B", "B A", "A A* B", "A B A*", "A B B*", "B B* A", "B A B*", "B A A*"]);
  });

  test("stops at maxRuns and says how many orders it left and below which cost it ran them all", async () => {
    const w = world({ events: ABC });
    const progress = await search(w, { maxRuns: 3 });
    expect(w.orders).toEqual(["A B C", "B A C", "C A B"]);
    // Left: A C B (one move), B C A and C B A (two).
    expect(progress).toMatchObject({ runs: 3, exhaustive: false, notRun: 3, completeBelow: { duplicates: 0, moved: 1 } });
  });

  test("stops at the first failing order unless asked for all", async () => {
    const fails = before("C", "A");
    const first = await search(world({ events: ABC, fails }));
    expect(first.failing.map(written)).toEqual(["C A B"]);
    expect(first).toMatchObject({ runs: 3, exhaustive: false, notRun: 3, completeBelow: { duplicates: 0, moved: 1 } });
    const all = await search(world({ events: ABC, fails }), { all: true });
    expect(all.failing.map(written)).toEqual(["C A B", "B C A", "C B A"]);
    expect(all).toMatchObject({ runs: 6, exhaustive: true });
  });
});

describe("searchByCost: splitting a search", () => {
  test("stops once splitAt prefixes are queued and hands them back, cheapest first", async () => {
    // After the plain run: B…, C… and A C… are queued, each moving one event.
    const once = await search(world({ events: ABC }), { splitAt: 3 });
    expect(once).toMatchObject({ runs: 1, exhaustive: false, notRun: 3, completeBelow: { duplicates: 0, moved: 1 } });
    expect(once.pending).toEqual([
      { prefix: [1], cost: { duplicates: 0, moved: 1 }, sleep: [] },
      { prefix: [2], cost: { duplicates: 0, moved: 1 }, sleep: [] },
      { prefix: [0, 1], cost: { duplicates: 0, moved: 1 }, sleep: [] },
    ]);
    expect((await search(world({ events: ABC }), { splitAt: 4 })).pending).toBeUndefined();
  });

  test("splits only after splitAfter runs", async () => {
    const w = world({ events: ABC });
    const progress = await search(w, { splitAt: 3, splitAfter: 2 });
    expect(w.orders).toEqual(["A B C", "B A C"]);
    expect(progress.pending?.map((p) => [p.prefix, p.cost.moved])).toEqual([
      [[2], 1],
      [[0, 1], 1],
      [[1, 1], 2],
    ]);
  });

  test("hands back prefixes given out of cost order sorted by cost", async () => {
    const at = (prefix: number[], duplicates: number, moved: number): Pending => ({ prefix, cost: { duplicates, moved }, sleep: [] });
    const w = world({ events: ABC });
    const progress = await search(w, { start: [at([2, 1], 0, 2), at([0, 0, 1], 1, 0), at([1], 0, 1), at([0, 1], 0, 1)], splitAt: 4 });
    expect(w.orders).toEqual([]);
    expect(progress.pending?.map((p) => p.prefix)).toEqual([[1], [0, 1], [2, 1], [0, 0, 1]]);
    expect(progress.completeBelow).toEqual({ duplicates: 0, moved: 1 });
  });

  test("does not split after a failure unless asked for all failures", async () => {
    const fails = before("B", "A");
    const first = await search(world({ events: ABC, fails }), { splitAt: 3, splitAfter: 2 });
    expect(first.runs).toBe(2);
    expect(first.pending).toBeUndefined();
    expect(first.failing).toHaveLength(1);
    const all = await search(world({ events: ABC, fails }), { splitAt: 3, splitAfter: 2, all: true });
    expect(all.pending).toHaveLength(3);
    expect(all.failing).toHaveLength(1);
  });
});

describe("searchByCost: state-based pruning", () => {
  const seen = (spent: number, copiesLeft = 0, sleep: string[] = []): Visited => new Map([["A", { spent, copiesLeft, sleep: new Set(sleep) }]]);

  test("cuts a run short at a state reached before at no smaller cost, and counts it", async () => {
    const w = world({ events: ABC });
    const progress = await search(w, { prune: true });
    // B A reaches {A, B}, reached by the plain order at cost 0; A C and C B reach states of C A B and B C A at their own cost.
    expect(w.orders).toEqual(["A B C", "B A …", "C A B", "A C …", "B C A", "C B …"]);
    expect(progress).toMatchObject({ runs: 6, pruned: 3, states: 7, exhaustive: true });
    expect(progress.stateless).toBeUndefined();
  });

  test("explores a state inherited at a greater cost, and remembers the smaller one", async () => {
    const w = world({ events: ABC });
    const progress = await search(w, { prune: true, maxRuns: 1, visited: seen(1) });
    expect(w.orders).toEqual(["A B C"]);
    expect(progress.visited.get("A")?.spent).toBe(0);
    const again = world({ events: ABC });
    await search(again, { prune: true, maxRuns: 1, visited: seen(0) });
    expect(again.orders).toEqual(["A …"]);
  });

  test("explores a state again when more copies are left than before", async () => {
    const more = world({ events: ABC, copies: 1 });
    await search(more, { prune: true, maxRuns: 1, visited: seen(0, 0) });
    expect(more.orders).toEqual(["A B C"]);
    const same = world({ events: ABC, copies: 1 });
    await search(same, { prune: true, maxRuns: 1, visited: seen(0, 1) });
    expect(same.orders).toEqual(["A …"]);
  });

  test("explores a state again when less is asleep than before", async () => {
    const w = world({ events: ABC });
    await search(w, { prune: true, maxRuns: 1, visited: seen(0, 0, ["event B"]) });
    expect(w.orders).toEqual(["A B C"]);
    // B first leaves A asleep (another call's event): a state seen with A asleep, and no more, is cut short.
    const calls = { events: [{ id: "A", call: "c1" }, { id: "B", call: "c2" }, { id: "C", call: "c1" }] };
    const at = (sleep: string[]): Visited => new Map([["B", { spent: 1, copiesLeft: 0, sleep: new Set(sleep) }]]);
    const asleep = world(calls);
    await search(asleep, { prune: true, independence: "perCall", maxRuns: 2, visited: at(["event A"]) });
    expect(asleep.orders).toEqual(["A B C", "B …"]);
    const more = world(calls);
    await search(more, { prune: true, independence: "perCall", maxRuns: 2, visited: at(["event A", "event C"]) });
    expect(more.orders).toEqual(["A B C", "B C A"]);
  });

  test("without prune, runs are not asked about states, and the search says why", async () => {
    const w = world({ events: ABC });
    const progress = await search(w, { prune: false });
    expect(w.visits).toEqual([false, false, false, false, false, false]);
    expect(progress).toMatchObject({ stateless: "state-based pruning was turned off", states: 0, pruned: 0 });
  });

  test("a state without a fingerprint turns pruning off, with its reason, from that step on", async () => {
    const w = world({ events: ABC, fingerprint: (order) => (order.length === 0 ? { why: "it holds a socket" } : { fingerprint: order.join(" ") }) });
    const progress = await search(w, { prune: true });
    expect(w.orders).toEqual(["A B C", "B A C", "C A B", "A C B", "B C A", "C B A"]);
    expect(w.visits).toEqual([true, false, false, false, false, false]);
    expect(progress).toMatchObject({ stateless: "the app's state cannot be fingerprinted: it holds a socket", states: 0, pruned: 0 });
  });
});

describe("searchByCost: sleep sets", () => {
  const calls = { events: [{ id: "A", call: "c1" }, { id: "B", call: "c2" }, { id: "C", call: "c1" }] };
  // Events of different calls commute: an order is known by each call's own order of events.
  const perCall = (order: string) => ["c1", "c2"].map((c) => order.split(" ").filter((id) => calls.events.find((e) => e.id === id)?.call === c).join(" ")).join(" | ");
  const permutations = (ids: string[]): string[][] => (ids.length <= 1 ? [ids] : ids.flatMap((id) => permutations(ids.filter((x) => x !== id)).map((rest) => [id, ...rest])));

  test("with perCall, skip orders that only swap events of different calls, and still meet every distinct order", async () => {
    const w = world(calls);
    const progress = await search(w, { independence: "perCall" });
    // B C A moves B, and then C past A, which was asleep; the runs that would only repeat a known order end where all is asleep.
    expect(w.orders).toEqual(["A B C", "B C A", "C A …", "A C …"]);
    expect(progress).toMatchObject({ runs: 4, pruned: 2, exhaustive: true });
    const complete = w.orders.filter((o) => !o.endsWith("…"));
    expect(new Set(complete.map(perCall))).toEqual(new Set(permutations(["A", "B", "C"]).map((p) => perCall(p.join(" ")))));
  });

  test("with none, every order is run to the end", async () => {
    const w = world(calls);
    const progress = await search(w, { independence: "none" });
    expect(w.orders).toEqual(["A B C", "B A C", "C A B", "A C B", "B C A", "C B A"]);
    expect(progress.pruned).toBe(0);
  });
});
