/**
 * The search's outer parts, each against its own contract: how a search is dealt out in shards and
 * merged back, PCT's choices and guarantee, and the report's words and diagram.
 */
import { describe, expect, test } from "vitest";
import { ExploreSetupError } from "../../scenarios/exploreErrors.js";
import { pctChooser, pctGuarantee, pctSearch, pctText } from "../../scenarios/explorerPct.js";
import type { RunOutcome, Step, TraceEntry } from "../../scenarios/explorerRun.js";
import { mergeParts, parseShard, partResult, piecesOf, type PartResult } from "../../scenarios/explorerShards.js";
import type { Pending, SearchProgress } from "../../scenarios/explorerSearch.js";
import { coverageText, describe as describeEntry, diagram, plural, shardText } from "../../scenarios/explorerSummary.js";
import { mulberry32 } from "../../scenarios/explorerTokens.js";
import { event } from "../support/explorerSteps.js";

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
