import { describe, expect, test } from "vitest";
import { explore, type ExploreApp } from "../../scenarios/explorer.js";
import { answeringApp, countsCopies, robust } from "./apps/inProcessApps.js";

// What explore() reports of a search: the summary a person reads, how many orders were sampled
// after a bounded search, and the progress it gives along the way.

const ROSTER_FIRST = "the handler for ParticipantsUpdated threw: roster for a call that is not connected";

/** Assumes CallConnected precedes ParticipantsUpdated, and keeps, for the test, whether each of its runs failed. */
function recordingRuns() {
  const runs: Array<{ threw: boolean }> = [];
  const app: ExploreApp = answeringApp(
    () => {
      const run = { connected: false, threw: false };
      runs.push(run);
      return run;
    },
    (events, ctx) => {
      const type = events[0].type;
      if (type.endsWith("CallConnected")) ctx.state.connected = true;
      if (type.endsWith("ParticipantsUpdated") && !ctx.state.connected) {
        ctx.state.threw = true;
        throw new Error("roster for a call that is not connected");
      }
    },
  );
  return { app, failed: () => runs.map((r) => r.threw) };
}

const count = (flags: boolean[]) => flags.filter(Boolean).length;

describe("the summary of a failing search", () => {
  test("stopped at the first failing order: how many orders it took, the smallest order and its cost, in the scenario named", async () => {
    const { app, failed } = recordingRuns();
    const result = await explore({ app, seed: 3, scenario: { name: "answer-incoming" } });
    const searched = failed().slice(0, result.runs - result.coverage.shrinking);
    // The search stops at its first failure: only its last order failed.
    expect(searched).toEqual([...Array.from({ length: searched.length - 1 }, () => false), true]);
    expect(result.failures).toBe(1);
    expect(result.summary).toBe(
      `A failing order was found after ${searched.length} orders explored in answer-incoming. ` +
        `Smallest failing order (0 copies, 1 moved event): app calls POST :answer → ParticipantsUpdated. Reason: ${ROSTER_FIRST}. Replay: ${result.failure!.token}`,
    );
  });

  test("with all: how many of all the orders failed, counted over every order", async () => {
    const { app, failed } = recordingRuns();
    const result = await explore({ app, seed: 3, all: true });
    const searched = failed().slice(0, result.runs - result.coverage.shrinking);
    expect(count(searched)).toBeGreaterThan(1);
    expect(result.failures).toBe(count(searched));
    expect(result.summary).toBe(
      `${count(searched)} of all allowed orders, in ${searched.length} runs (${result.coverage.pruned} cut short at a state already explored; ${result.coverage.states} distinct states) failed. ` +
        `Smallest failing order (0 copies, 1 moved event): app calls POST :answer → ParticipantsUpdated. Reason: ${ROSTER_FIRST}. Replay: ${result.failure!.token}`,
    );
  });

  test("with all, past the bound: the systematic and the sampled orders, and the seed that repeats them", async () => {
    const { app, failed } = recordingRuns();
    const result = await explore({ app, seed: 11, all: true, maxRuns: 1, samples: 50 });
    const searched = failed().slice(0, result.runs - result.coverage.shrinking);
    expect(searched).toHaveLength(51);
    expect(result.coverage).toMatchObject({ systematic: 1, sampled: 50 });
    expect(result.failures).toBe(count(searched));
    expect(result.summary).toMatch(new RegExp(`^${count(searched)} of 51 orders \\(not exhaustive: 1 orders run of at least \\d+ \\(at most \\d+%\\); the plain order was run, then 50 seeded random orders.*; seed 11\\) failed\\. Smallest failing order \\(0 copies, 1 moved event\\): `));
  });

  test("a failure found by sampling counts the sampled orders too, and names a copy in the singular", async () => {
    const result = await explore({ app: countsCopies(), seed: 5, maxRuns: 1, samples: 50 });
    const { systematic, sampled } = result.coverage;
    expect(systematic).toBe(1);
    expect(sampled).toBeGreaterThan(1);
    expect(result.summary).toBe(
      `A failing order was found after ${1 + sampled} orders explored. Smallest failing order (1 copy, 0 moved events): ` +
        `app calls POST :answer → app gets POST :answer → 200 → CallConnected → CallConnected (again). Reason: invariant failed: CallConnected counted 2 times. Replay: ${result.failure!.token}`,
    );
  });

  test("a failure found by sampling is shrunk, and the runs spent shrinking are counted", async () => {
    const result = await explore({ app: countsCopies(), seed: 5, maxRuns: 1, samples: 50 });
    expect(result.coverage.shrinking).toBeGreaterThan(0);
    expect(result.runs).toBe(result.coverage.systematic + result.coverage.sampled + result.coverage.shrinking);
    expect(result.failure!.cost).toEqual({ duplicates: 1, moved: 0 });
    expect(result.failure!.order).toEqual(["app calls POST :answer", "app gets POST :answer → 200", "CallConnected", "CallConnected (again)"]);
  });
});

describe("the summary of a passing search", () => {
  test("a bounded search: the orders run and sampled, and the seed", async () => {
    const result = await explore({ app: robust(), seed: 7, maxRuns: 1, samples: 3, scenario: { name: "answer-incoming" } });
    expect(result.summary).toMatch(/^Every one of 4 orders \(not exhaustive: 1 orders run of at least \d+ \(at most \d+%\); the plain order was run, then 3 seeded random orders.*; seed 7\) passed in answer-incoming \(seed 7\)\.$/);
  });

  test("a seed is drawn when none is given: a whole number below 2^31, reported", async () => {
    const seeds = await Promise.all([1, 2].map(async () => (await explore({ app: robust(), maxRuns: 1, samples: 0 })).seed));
    for (const seed of seeds) expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31).toBe(true);
    // Two draws of 2^31 meet once in two billion.
    expect(seeds[0]).not.toBe(seeds[1]);
  });
});

describe("sampling after a bounded search", () => {
  test("runs exactly `samples` seeded random orders when the systematic search did not finish", async () => {
    const result = await explore({ app: robust(), seed: 7, maxRuns: 1, samples: 3 });
    expect(result.exhaustive).toBe(false);
    expect(result.coverage).toMatchObject({ systematic: 1, sampled: 3 });
    expect(result.runs).toBe(4);
  });

  test("runs none after an exhaustive search", async () => {
    const result = await explore({ app: robust(), seed: 7, samples: 3 });
    expect(result.exhaustive).toBe(true);
    expect(result.coverage.sampled).toBe(0);
    expect(result.runs).toBe(result.coverage.systematic);
  });

  test("stops at the first failing sample, unless all", async () => {
    const { app, failed } = recordingRuns();
    const result = await explore({ app, seed: 11, maxRuns: 1, samples: 50 });
    const sampled = failed().slice(1, 1 + result.coverage.sampled);
    expect(sampled.length).toBeLessThan(50);
    expect(sampled.at(-1)).toBe(true);
    expect(count(sampled)).toBe(1);
    expect(result.failures).toBe(1);
  });

  test("in pct mode: the prioritised runs are the samples, and no more are run", async () => {
    const result = await explore({ app: robust(), seed: 7, mode: "pct", maxRuns: 10, samples: 5 });
    expect(result.coverage).toMatchObject({ systematic: 0, sampled: 10 });
    expect(result.runs).toBe(10);
  });
});

describe("progress", () => {
  test("after every run: the runs so far and how many of them failed", async () => {
    const { app, failed } = recordingRuns();
    const progress: Array<{ runs: number; failures: number }> = [];
    const result = await explore({ app, seed: 3, all: true, onProgress: (p) => progress.push({ ...p }) });
    const flags = failed();
    expect(progress).toHaveLength(result.runs);
    expect(progress).toEqual(flags.map((_, i) => ({ runs: i + 1, failures: count(flags.slice(0, i + 1)) })));
    expect(count(flags)).toBeGreaterThan(1);
  });
});
