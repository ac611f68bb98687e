import { describe, expect, test } from "vitest";
import { ExploreSetupError } from "../../scenarios/exploreErrors.js";
import { independent, moveOf, type Move } from "../../scenarios/explorerIndependence.js";
import { pctChooser, pctGuarantee, pctSearch, pctText } from "../../scenarios/explorerPct.js";
import type { RunOutcome, Step, TraceEntry } from "../../scenarios/explorerRun.js";
import { mergeParts, parseShard, partResult, piecesOf, type PartResult } from "../../scenarios/explorerShards.js";
import type { Pending, SearchProgress } from "../../scenarios/explorerSearch.js";
import { canonical, fingerprintState } from "../../scenarios/explorerState.js";
import { allowed, noteContexts, stateOf } from "../../scenarios/explorerSteps.js";
import type { AppBinding } from "../../scenarios/explorerApp.js";
import type { Emulator } from "../../emulator/index.js";
import { coverageText, describe as describeEntry, diagram, plural, shardText } from "../../scenarios/explorerSummary.js";
import { decodeToken, encodeToken, mulberry32 } from "../../scenarios/explorerTokens.js";

// The explorer's parts, each against its own contract: the search tests (explorer*.test.ts) reach
// them only through whole explorations, where a slip in one part is often hidden by another.

type EventStep = Extract<Step, { kind: "event" }>;
const event = (id: string, type: string, call: string | undefined, extra: Partial<EventStep> = {}): EventStep => ({
  kind: "event",
  type,
  callConnectionId: call,
  destination: "http://app/callbacks",
  event: { id },
  duplicate: false,
  ...extra,
});
const response = (label: string): Step => ({ kind: "response", label, release: () => undefined });
const kinds = (steps: Step[]) => steps.map((s) => (s.kind === "event" ? `${s.duplicate ? "copy" : "event"} ${s.event.id}` : s.kind === "response" || s.kind === "advance" ? `${s.kind} ${s.label}` : s.kind));

describe("allowed: the steps the service may take next", () => {
  test("answers first, then events in emission order, then time; copies of delivered events after the plain steps", () => {
    const delivered = [event("e1", "CallConnected", "c1")];
    const { candidates, duplicateFrom } = allowed([event("e2", "ParticipantsUpdated", "c1"), response("createCall 201"), event("e3", "PlayCompleted", "c1")], delivered, 1, "10 s pass");
    expect(kinds(candidates)).toEqual(["response createCall 201", "event e2", "event e3", "advance 10 s pass", "copy e1"]);
    expect(duplicateFrom).toBe(4);
  });

  test("CallDisconnected waits for the other events of its connection, not for another connection's", () => {
    const pool = [event("d1", "CallDisconnected", "c1"), event("p1", "ParticipantsUpdated", "c1"), event("p2", "ParticipantsUpdated", "c2")];
    expect(kinds(allowed(pool, [], 0, undefined).candidates)).toEqual(["event p1", "event p2"]);
    expect(kinds(allowed([event("d1", "CallDisconnected", "c1"), event("p2", "ParticipantsUpdated", "c2")], [], 0, undefined).candidates)).toEqual(["event d1", "event p2"]);
  });

  test("no copy of CallDisconnected, nor of any event of a connection that ended; none when no copies are left", () => {
    const delivered = [event("c", "CallConnected", "c1"), event("d", "CallDisconnected", "c1"), event("x", "CallConnected", "c2")];
    expect(kinds(allowed([], delivered, 1, undefined).candidates)).toEqual(["end", "copy x"]);
    expect(allowed([], delivered, 0, undefined)).toEqual({ candidates: [], duplicateFrom: 0 });
  });

  test("the end of the run is offered only when copies are all that is left", () => {
    expect(kinds(allowed([], [event("x", "CallConnected", "c2")], 2, undefined).candidates)).toEqual(["end", "copy x"]);
    expect(kinds(allowed([], [event("x", "CallConnected", "c2")], 2, "1 s passes").candidates)).toEqual(["advance 1 s passes", "copy x"]);
    expect(allowed([], [], 2, undefined).candidates).toEqual([]);
  });
});

describe("a decision point's state", () => {
  const uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
  const other = "7C9E6679-7425-40DE-944B-E07FC1F90AE7";

  test("the random operation contexts an app's requests carry are noted once each, in the order first sent", () => {
    const contexts: string[] = [];
    noteContexts(JSON.stringify({ operationContext: uuid }), contexts);
    noteContexts(JSON.stringify({ targetParticipant: {}, operationContext: other }), contexts);
    noteContexts(JSON.stringify({ operationContext: uuid }), contexts);
    expect(contexts).toEqual([uuid, other]);
  });

  test("an operation context that is no UUID, or not a string, or a body that is not JSON, notes nothing", () => {
    const contexts: string[] = [];
    for (const body of [
      JSON.stringify({ operationContext: "transfer-1" }),
      JSON.stringify({ operationContext: `${uuid}x` }),
      JSON.stringify({ operationContext: `x${uuid}` }),
      JSON.stringify({ operationContext: uuid.replace(/-/g, "") }),
      JSON.stringify({ operationContext: uuid.replace("0f8fad5b", "0f8fad5") }),
      JSON.stringify({ operationContext: uuid.replace("70867728950e", "70867728950") }),
      JSON.stringify({ operationContext: uuid.replace("d9cb", "g9cb") }),
      JSON.stringify({ operationContext: 7 }),
      JSON.stringify({ context: uuid }),
      `{"operationContext": "${uuid}"`,
      "null",
    ]) {
      noteContexts(body, contexts);
    }
    // A body that names no operationContext is not read: a UUID elsewhere in it is not one.
    noteContexts(JSON.stringify({ callbackUri: uuid }), contexts);
    expect(contexts).toEqual([]);
    const both = [uuid];
    noteContexts(`"operationContext" ${other}`, both);
    expect(both).toEqual([uuid]);
  });

  const emulator = (pending: Array<{ at: number; label: string }>, calls: unknown[] = []) => ({ clock: { now: () => 5, pending: () => pending }, calls: () => calls }) as unknown as Emulator;
  const binding = (fingerprint: string): AppBinding => ({ fingerprint: () => ({ fingerprint }) }) as unknown as AppBinding;
  const text = (state: ReturnType<typeof stateOf>) => ("fingerprint" in state ? state.fingerprint : state.why);

  test("an app behind a URL has no state the explorer can see, and says so", () => {
    expect(stateOf({} as AppBinding, emulator([]), [], [], 1, [], [])).toEqual({ why: "it runs behind a URL, where the explorer cannot see its state" });
  });

  test("the world's timers count: a ring due later is another state", () => {
    const ringing = stateOf(binding("app"), emulator([{ at: 30_000, label: "ring" }]), [], [], 0, [], []);
    const later = stateOf(binding("app"), emulator([{ at: 60_000, label: "ring" }]), [], [], 0, [], []);
    const other = stateOf(binding("app"), emulator([{ at: 30_000, label: "answer" }]), [], [], 0, [], []);
    expect(new Set([text(ringing), text(later), text(other)]).size).toBe(3);
    expect(stateOf(binding("app"), emulator([{ at: 30_000, label: "ring" }]), [], [], 0, [], [])).toEqual(ringing);
  });

  test("an event without a connection (Event Grid's) is told apart from one with", () => {
    const grid = stateOf(binding("app"), emulator([]), [event("e1", "IncomingCall", undefined)], [], 0, [], []);
    const call = stateOf(binding("app"), emulator([]), [event("e1", "IncomingCall", "c1")], [], 0, [], []);
    expect(text(grid)).not.toBe(text(call));
  });

  test("states that differ only in which random operation contexts were drawn are one state; copies left stay apart", () => {
    const drawn = (context: string) => stateOf(binding(`sent ${context}`), emulator([]), [], [], 1, [`transfer ${context}`], [context]);
    expect(drawn(uuid)).toEqual(drawn(other));
    expect(text(drawn(uuid))).not.toContain(uuid);
    expect(drawn(uuid)).toMatchObject({ copiesLeft: 1 });
    const twice = stateOf(binding(`${uuid} then ${other}`), emulator([]), [], [], 1, [], [uuid, other]);
    const swapped = stateOf(binding(`${other} then ${uuid}`), emulator([]), [], [], 1, [], [other, uuid]);
    expect(twice).toEqual(swapped);
    const notSwapped = stateOf(binding(`${other} then ${uuid}`), emulator([]), [], [], 1, [], [uuid, other]);
    expect(notSwapped).not.toEqual(twice);
  });
});

describe("canonical: a state's text", () => {
  test("sorts object keys, Map entries and Set members, keeps arrays in order, drops undefined fields", () => {
    expect(canonical({ b: 1, a: "x", c: undefined })).toBe('{"a":"x","b":1}');
    expect(canonical(new Map([["z", 1], ["a", 2]]))).toBe(canonical(new Map([["a", 2], ["z", 1]])));
    expect(canonical(new Map([["z", 1], ["a", 2]]))).toBe('Map{"a":2,"z":1}');
    expect(canonical(new Set([3, 1, 2]))).toBe("Set{1,2,3}");
    expect(canonical([3, 1])).toBe("[3,1]");
    expect(canonical([null, undefined, true, 10n])).toBe("[null,undefined,true,10]");
    expect(canonical(new Date(5))).toBe("Date(5)");
    expect(canonical(Object.assign(Object.create(null), { k: 1 }))).toBe('{"k":1}');
    expect(canonical({ "b b": 1, a: 2 })).toBe('{"a":2,"b b":1}');
    expect(canonical({ e: 5, d: 4, c: 3, b: 2, a: 1, B: 0 })).toBe('{"B":0,"a":1,"b":2,"c":3,"d":4,"e":5}');
  });

  test("tells apart what JSON would confuse: a string from a number, a key order from another's values", () => {
    expect(canonical("1")).not.toBe(canonical(1));
    expect(canonical({ a: 1, b: 2 })).not.toBe(canonical({ a: 2, b: 1 }));
    expect(canonical({ b: 1, a: 2 })).toBe(canonical({ a: 2, b: 1 }));
  });

  test("a function, a symbol or a class instance has no faithful text; the app is told to give its own", () => {
    expect(fingerprintState({ f: () => 1 })).toEqual({ why: "its state holds a function; give the app a fingerprint(state) function" });
    expect(fingerprintState({ s: Symbol("x") })).toEqual({ why: "its state holds a symbol; give the app a fingerprint(state) function" });
    class Call {}
    expect(fingerprintState({ call: new Call() })).toEqual({ why: "its state holds an instance of Call; give the app a fingerprint(state) function" });
    expect(fingerprintState({ bare: Object.create(Object.create(null)) })).toEqual({ why: "its state holds an instance of a class; give the app a fingerprint(state) function" });
    expect(fingerprintState({ n: 1 })).toEqual({ fingerprint: '{"n":1}' });
    expect(fingerprintState({ n: 1 }, (s) => `n=${s.n}`)).toEqual({ fingerprint: "n=1" });
    expect(
      fingerprintState({}, () => {
        throw new Error("boom");
      }),
    ).toEqual({ why: "its fingerprint(state) threw: boom" });
    expect(
      fingerprintState({}, () => {
        throw "text";
      }),
    ).toEqual({ why: "its fingerprint(state) threw: text" });
  });
});

describe("independence: which moves commute", () => {
  const move = (over: Partial<Move>): Move => ({ key: "k", event: true, copy: false, call: "c1", destination: "d1", ...over });

  test("a move names its step the same way in every run: event or copy by id, else its kind and label", () => {
    expect(moveOf(event("e1", "CallConnected", "c1"))).toEqual({ key: "event e1", event: true, copy: false, call: "c1", destination: "http://app/callbacks" });
    expect(moveOf(event("e1", "CallConnected", "c1", { duplicate: true })).key).toBe("copy e1");
    expect(moveOf(event("e1", "CallConnected", "c1", { duplicate: true })).copy).toBe(true);
    expect(moveOf(response("hangUp 204"))).toEqual({ key: "response hangUp 204", event: false, copy: false });
    expect(moveOf({ kind: "advance", label: "5 s pass" })).toEqual({ key: "advance 5 s pass", event: false, copy: false });
    expect(moveOf({ kind: "end" })).toEqual({ key: "end", event: false, copy: false });
  });

  test("only events of different calls (or callback URLs) commute, and only for a per-call app", () => {
    expect(independent(move({ call: "c1" }), move({ call: "c2" }), "perCall")).toBe(true);
    expect(independent(move({ call: "c1" }), move({ call: "c2" }), "none")).toBe(false);
    expect(independent(move({ call: "c1" }), move({ call: "c1" }), "perCall")).toBe(false);
    expect(independent(move({ call: "c1", destination: "d1" }), move({ call: "c1", destination: "d2" }), "perCall")).toBe(true);
    expect(independent(move({ call: "c1" }), move({ event: false }), "perCall")).toBe(false);
    expect(independent(move({ event: false }), move({ call: "c2" }), "perCall")).toBe(false);
    expect(independent(move({ call: "c1", copy: true }), move({ call: "c2", copy: true }), "perCall")).toBe(false);
    expect(independent(move({ call: "c1", copy: true }), move({ call: "c2" }), "perCall")).toBe(true);
    expect(independent(move({ call: "c1" }), move({ call: "c2", copy: true }), "perCall")).toBe(true);
  });

  test("an event with no call (Event Grid's) commutes only with one sent elsewhere", () => {
    expect(independent(move({ call: undefined, destination: "d1" }), move({ call: "c1", destination: "d1" }), "perCall")).toBe(false);
    expect(independent(move({ call: undefined, destination: "d1" }), move({ call: "c1", destination: "d2" }), "perCall")).toBe(true);
    expect(independent(move({ call: "c1", destination: "d1" }), move({ call: undefined, destination: "d1" }), "perCall")).toBe(false);
  });
});

describe("replay tokens and the seeded generator", () => {
  test("a token carries the seed and the choices in base 36, and reads back", () => {
    expect(encodeToken(7, [0, 35, 36, 2])).toBe("v2.7.0-z-10-2");
    expect(decodeToken("v2.7.0-z-10-2")).toEqual([0, 35, 36, 2]);
    expect(encodeToken(3, [])).toBe("v2.3.");
    expect(decodeToken("v2.3.")).toEqual([]);
    expect(decodeToken("v2.3")).toEqual([]);
  });

  test("mulberry32 repeats from its seed, differs between seeds, and stays in [0, 1)", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect(first[0]).toBeCloseTo(0.6011037519201636, 12);
    expect(first[1]).toBeCloseTo(0.44829055899754167, 12);
    const other = mulberry32(43);
    expect(other()).not.toBe(first[0]);
    const many = Array.from({ length: 2000 }, mulberry32(1));
    expect(Math.min(...many)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...many)).toBeLessThan(1);
    expect(Math.max(...many)).toBeGreaterThan(0.99);
    expect(Math.min(...many)).toBeLessThan(0.01);
    // A negative or fractional seed is read as its unsigned 32-bit value.
    expect(mulberry32(-1)()).toBe(mulberry32(4294967295)());
  });
});

describe("shards", () => {
  test("reads i/n as vitest's --shard does, and refuses anything else naming the form", () => {
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    expect(parseShard(" 1 / 1 ")).toEqual({ index: 1, count: 1 });
    expect(parseShard("10/12")).toEqual({ index: 10, count: 12 });
    for (const bad of ["0/3", "4/3", "1/0", "0/0", "a/3", "1/3x", "x1/3", "1", "", "-1/3"]) {
      expect(() => parseShard(bad)).toThrow(new ExploreSetupError(`--shard (or CALLSIM_SHARD) is <index>/<count> with 1 <= index <= count, e.g. 1/3; got "${bad}".`));
    }
  });

  test("deals the prefixes out round-robin: part i takes every n-th from the i-th", () => {
    const pending = Array.from({ length: 7 }, (_, i): Pending => ({ prefix: [i], cost: { duplicates: 0, moved: i }, sleep: [] }));
    expect(piecesOf(pending, { index: 1, count: 3 }).map((p) => p.prefix[0])).toEqual([0, 3, 6]);
    expect(piecesOf(pending, { index: 3, count: 3 }).map((p) => p.prefix[0])).toEqual([2, 5]);
    expect(piecesOf(pending, { index: 1, count: 1 })).toHaveLength(7);
  });

  const outcome = (n: number): RunOutcome => ({ choices: [n], branching: [2], duplicateFrom: [2] }) as unknown as RunOutcome;
  const shared: SearchProgress = { runs: 5, failing: [outcome(1)], exhaustive: false, notRun: 9, states: 2, pruned: 1, visited: new Map([["s1", { spent: 0, copiesLeft: 0, sleep: new Set() }], ["s2", { spent: 0, copiesLeft: 0, sleep: new Set() }]]) };
  const part = (over: Partial<PartResult>): PartResult => ({ runs: 3, failing: [], exhaustive: true, notRun: 0, pruned: 2, states: [], divergent: 0, ...over });

  test("a part's result is its search's figures, with its states as a list that can cross to the main thread", () => {
    expect(partResult({ ...shared, completeBelow: { duplicates: 1, moved: 0 } }, 4)).toEqual({ runs: 5, failing: [outcome(1)], exhaustive: false, notRun: 9, completeBelow: { duplicates: 1, moved: 0 }, pruned: 1, stateless: undefined, states: ["s1", "s2"], divergent: 4 });
  });

  test("the parts merged are one search: runs and failures added, states counted once, exhaustive only when every part is", () => {
    const merged = mergeParts(shared, [part({ states: ["s2", "s3"], failing: [outcome(2)], divergent: 1 }), part({ states: ["s3", "s4"], runs: 4, pruned: 0 })]);
    expect(merged).toMatchObject({ runs: 12, exhaustive: true, notRun: 0, completeBelow: undefined, states: 4, pruned: 3, divergent: 1, stateless: undefined });
    expect(merged.failing).toEqual([outcome(1), outcome(2)]);
    expect([...merged.visited.keys()].sort()).toEqual(["s1", "s2", "s3", "s4"]);
    // The shared part's own record of a state it reached stays.
    expect(merged.visited.get("s2")).toBe(shared.visited.get("s2"));
  });

  test("an open part leaves the search open, complete below the cheapest bound among the open parts", () => {
    const merged = mergeParts(shared, [
      part({ exhaustive: false, notRun: 4, completeBelow: { duplicates: 1, moved: 0 } }),
      part({ exhaustive: false, notRun: 6, completeBelow: { duplicates: 0, moved: 3 } }),
      part({ exhaustive: false, notRun: 1, completeBelow: { duplicates: 0, moved: 2 } }),
      part({ exhaustive: true, completeBelow: { duplicates: 0, moved: 0 } }),
    ]);
    expect(merged.exhaustive).toBe(false);
    expect(merged.notRun).toBe(11);
    expect(merged.completeBelow).toEqual({ duplicates: 0, moved: 2 });
  });

  test("a search without state pruning counts no states, and says why, from the shared part or any part", () => {
    expect(mergeParts({ ...shared, stateless: "no fingerprint" }, [part({ states: ["x"] })])).toMatchObject({ states: 0, stateless: "no fingerprint" });
    expect(mergeParts(shared, [part({}), part({ stateless: "its state holds a function" })]).stateless).toBe("its state holds a function");
  });
});

describe("the report's words", () => {
  test("plural", () => {
    expect(plural(1, "copy", "copies")).toBe("1 copy");
    expect(plural(0, "copy", "copies")).toBe("0 copies");
    expect(plural(2, "copy", "copies")).toBe("2 copies");
  });

  test("a shard says what it ran", () => {
    expect(shardText({ index: 2, count: 3, sharedRuns: 12, pieces: 4, of: 11 })).toBe("shard 2/3 (the 12 runs every shard makes alike, then 4 of the 11 prefixes they split into)");
    expect(shardText({ index: 1, count: 2, sharedRuns: 9, pieces: 0, of: 0 })).toBe("shard 1/2 (the search ended in the 9 runs every shard makes alike, so this shard ran all of it)");
    const coverage = { systematic: 10, sampled: 0, shrinking: 0, notRun: 0, states: 0, pruned: 0, shard: { index: 1, count: 2, sharedRuns: 9, pieces: 0, of: 0 } };
    expect(coverageText({ exhaustive: true, coverage })).toBe("shard 1/2 (the search ended in the 9 runs every shard makes alike, so this shard ran all of it): exhaustive: all 10 allowed orders");
    expect(coverageText({ exhaustive: false, coverage: { ...coverage, notRun: 10 } })).toBe(
      "shard 1/2 (the search ended in the 9 runs every shard makes alike, so this shard ran all of it): not exhaustive: 10 orders run of at least 20 (at most 50%)",
    );
  });

  test("a bounded search's share is rounded down, never up to a coverage it did not reach", () => {
    const coverage = { systematic: 2, sampled: 0, shrinking: 0, notRun: 1, states: 0, pruned: 0 };
    expect(coverageText({ exhaustive: false, coverage })).toBe("not exhaustive: 2 orders run of at least 3 (at most 66%)");
    expect(coverageText({ exhaustive: false, coverage: { ...coverage, states: 5, pruned: 2 } })).toBe("not exhaustive: 2 orders run of at least 3 (at most 66%) (2 cut short at a state already explored; 5 distinct states)");
  });

  const trace: TraceEntry[] = [
    { kind: "request", label: "createCall" },
    { kind: "response", label: "createCall 201" },
    { kind: "event", type: "CallConnected", duplicate: false },
    { kind: "event", type: "CallConnected", duplicate: true },
    { kind: "advance", label: "10 s pass" },
  ];

  test("each step of a run in words", () => {
    expect(trace.map(describeEntry)).toEqual(["app calls createCall", "app gets createCall 201", "CallConnected", "CallConnected (again)", "10 s pass"]);
  });

  test("a run as a Mermaid sequence diagram, ending with why it failed, with the characters Mermaid reads as syntax left out", () => {
    expect(diagram(trace, "expected 1; got #2")).toBe(
      [
        "sequenceDiagram",
        "  participant App",
        "  participant ACS as callsim",
        "  App->>ACS: createCall",
        "  ACS-->>App: createCall 201",
        "  ACS-)App: CallConnected",
        "  ACS-)App: CallConnected (duplicate)",
        "  Note over ACS: 10 s pass",
        "  Note over App: FAILED: expected 1  got  2",
      ].join("\n"),
    );
    expect(diagram([])).toBe("sequenceDiagram\n  participant App\n  participant ACS as callsim");
  });
});

describe("PCT", () => {
  test("the guarantee is 1/(n*k^(d-1)) per run, and 1-(1-p)^runs for the runs made", () => {
    const g = pctGuarantee(100, 3, 10, 5);
    expect(g).toEqual({ runs: 100, depth: 3, steps: 10, length: 5, perRun: 1 / 250, atLeast: 1 - (1 - 1 / 250) ** 100 });
    // No step or no run length counts as one, so the bound never divides by zero.
    expect(pctGuarantee(1, 2, 0, 0).perRun).toBe(1);
    expect(pctGuarantee(1, 1, 4, 9).perRun).toBe(1 / 4);
  });

  test("in words: one in how many, and the chance met, with two decimals below 1% and 'over 99.9%' above", () => {
    expect(pctText(pctGuarantee(100, 3, 10, 5))).toBe(
      "prioritised random search (PCT), 100 runs at depth 3: with n = 10 steps offered and runs of k = 5 steps, each run meets any given bug of depth <= 3 with probability at least 1/(n*k^2) = 1/250, so these runs met it with probability at least 33.0%",
    );
    expect(pctText(pctGuarantee(1, 3, 100, 100))).toMatch(/= 1\/1,000,000, so these runs met it with probability at least 0\.00%$/);
    expect(pctText(pctGuarantee(2, 2, 10, 10))).toMatch(/at least 2\.0%$/);
    expect(pctText(pctGuarantee(1, 2, 10, 20))).toMatch(/= 1\/200, so these runs met it with probability at least 0\.50%$/);
    expect(pctText(pctGuarantee(10_000, 2, 10, 10))).toMatch(/at least over 99\.9%$/);
    expect(pctText(pctGuarantee(1, 1, 1, 1))).toMatch(/at least over 99\.9%$/);
  });

  const steps = (...ids: string[]) => ids.map((id) => event(id, "ParticipantsUpdated", "c1"));

  test("the step of highest priority goes next, each step keeping the priority it drew when first offered", () => {
    // Draws: change point (depth 2: one), then one priority per new step, in offer order.
    const draws = [0.99, 0.1, 0.9, 0.5];
    const offered = new Set<string>();
    const choose = pctChooser(() => draws.shift()!, 2, 1, offered);
    expect(choose(steps("a", "b", "c"), 5)).toBe(1);
    expect([...offered]).toEqual(["event a", "event b", "event c"]);
    // Offered again in another order, b still wins.
    expect(choose(steps("c", "b"), 6)).toBe(1);
  });

  test("at a change point the step about to go is lowered below every other", () => {
    const draws = [0, 0.1, 0.9, 0.5];
    const choose = pctChooser(() => draws.shift()!, 2, 10, new Set());
    // The change point falls at step 0 (floor(0 * 10)): b, the highest, is lowered, so c goes.
    expect(choose(steps("a", "b", "c"), 0)).toBe(2);
    expect(choose(steps("a", "b"), 1)).toBe(0);
  });

  test("a change point falls at the step its draw picks among the run's k steps", () => {
    // depth 2, k = 10: the change point's draw 0.55 puts it at step 5.
    const draws = [0.55, 0.1, 0.9];
    const choose = pctChooser(() => draws.shift()!, 2, 10, new Set());
    expect(choose(steps("a", "b"), 4)).toBe(1);
    expect(choose(steps("a", "b"), 5)).toBe(0);
    expect(choose(steps("a", "b"), 6)).toBe(0);
  });

  test("between steps of equal priority the earlier candidate goes", () => {
    const choose = pctChooser(() => 0.5, 2, 100, new Set());
    expect(choose(steps("a", "b", "c"), 0)).toBe(0);
  });

  test("depth d draws d-1 change points", () => {
    let drawn = 0;
    pctChooser(() => (drawn++, 0.5), 4, 10, new Set());
    expect(drawn).toBe(3);
  });

  const outcomeOf = (choices: number[], failure?: string): RunOutcome => ({ choices, failure }) as unknown as RunOutcome;

  test("the search runs the plain order first, stops at the first failure unless asked for all, and measures n and k", async () => {
    const chosen: number[][] = [];
    const run = async (choose: (c: Step[], s: number) => number) => {
      const picks = [choose(steps("a", "b"), 0), choose(steps("a", "b", "c"), 1)];
      chosen.push(picks);
      return outcomeOf(picks, chosen.length === 3 ? "failed" : undefined);
    };
    const heard: RunOutcome[] = [];
    const found = await pctSearch(run, mulberry32(1), 10, 2, false, (o) => heard.push(o));
    expect(chosen[0]).toEqual([0, 0]);
    expect(found.runs).toBe(3);
    expect(found.failing).toHaveLength(1);
    expect(heard).toHaveLength(3);
    expect(found.pct).toMatchObject({ runs: 3, depth: 2, steps: 3, length: 2 });
    expect(found.exhaustive).toBe(false);

    chosen.length = 0;
    const all = await pctSearch(run, mulberry32(1), 5, 2, true, () => undefined);
    expect(all.runs).toBe(5);
    expect(all.failing).toHaveLength(1);
  });

  test("a depth that is not a whole number of at least 1 is a setup error", async () => {
    const run = async () => outcomeOf([]);
    for (const depth of [0, -1, 1.5]) {
      await expect(pctSearch(run, mulberry32(1), 3, depth, false, () => undefined)).rejects.toThrow(new ExploreSetupError(`the PCT depth must be a whole number of at least 1, got ${depth}.`));
    }
    await expect(pctSearch(run, mulberry32(1), 2, 1, false, () => undefined)).resolves.toMatchObject({ runs: 2 });
  });
});
