import { describe, expect, test } from "vitest";
import { explore, type ExploreApp } from "../../scenarios/explorer.js";
import * as apps from "./apps/inProcessApps.js";

// When explore() splits a search across worker threads or shards, and how the split shares the
// bound, counts the runs and failures made elsewhere, and reports what it did.

const APPS = new URL("./apps/inProcessApps.ts", import.meta.url).href;

/** An app of the suite that a worker thread can build too. */
const portable = (name: "assumesConnectedFirst" | "robust"): ExploreApp => ({ ...apps[name](), worker: { module: APPS, export: name } });

/** Whether the coverage names a thread count at all (a search on one thread names none). */
const namesWorkers = (coverage: object) => Object.keys(coverage).includes("workers");

describe("whether a search is split across worker threads", () => {
  test("an app without a worker recipe runs on the main thread, even when a split is due", async () => {
    const result = await explore({ app: apps.robust(), seed: 7, workers: 2, splitAfterRuns: 0 });
    expect(result.exhaustive).toBe(true);
    expect(namesWorkers(result.coverage)).toBe(false);
  });

  test("a world made of functions cannot go to a worker: the search stays on the main thread", async () => {
    const world = async () => undefined;
    const result = await explore({ app: portable("robust"), scenario: { world }, seed: 7, workers: 2, splitAfterRuns: 0 });
    expect(result.exhaustive).toBe(true);
    expect(namesWorkers(result.coverage)).toBe(false);
  });

  test("a search that ends within the default 1,000 runs is not split; one past splitAfterRuns is", async () => {
    const small = await explore({ app: portable("robust"), seed: 7, workers: 2 });
    expect(small.exhaustive).toBe(true);
    expect(small.coverage.systematic).toBeLessThan(1_000);
    expect(namesWorkers(small.coverage)).toBe(false);
    const split = await explore({ app: portable("robust"), seed: 7, workers: 2, splitAfterRuns: 3 });
    expect(split.exhaustive).toBe(true);
    expect(split.coverage.workers).toBe(2);
  });
});

describe("a split search", () => {
  test("shares maxRuns between its threads: a bounded search runs no more than the bound (rounded up per thread)", async () => {
    const whole = await explore({ app: apps.robust(), seed: 7, prune: false, samples: 0 });
    const maxRuns = 20;
    expect(whole.coverage.systematic).toBeGreaterThan(maxRuns + 1);
    const result = await explore({ app: portable("robust"), seed: 7, prune: false, samples: 0, maxRuns, workers: 2, splitAfterRuns: 0 });
    expect(result.coverage.workers).toBe(2);
    expect(result.exhaustive).toBe(false);
    expect(result.coverage.systematic).toBeLessThanOrEqual(maxRuns + 1);
    // Every run counts, the worker's as well as the main thread's.
    expect(result.runs).toBe(result.coverage.systematic);
  });

  test("one shard of one runs exactly maxRuns orders, the shared part's included", async () => {
    const result = await explore({ app: apps.robust(), seed: 7, shard: "1/1", maxRuns: 6, samples: 0 });
    expect(result.exhaustive).toBe(false);
    expect(result.coverage.shard!.sharedRuns).toBeGreaterThan(0);
    expect(result.coverage.systematic).toBe(6);
    expect(result.runs).toBe(6);
  });

  test("progress counts the runs and failures of the worker thread too", async () => {
    const progress: Array<{ runs: number; failures: number }> = [];
    const result = await explore({ app: portable("assumesConnectedFirst"), seed: 3, prune: false, all: true, samples: 0, shrinkRuns: 0, workers: 2, splitAfterRuns: 0, onProgress: (p) => progress.push({ ...p }) });
    expect(result.coverage.workers).toBe(2);
    expect(result.failures).toBeGreaterThan(1);
    expect(progress).toHaveLength(result.runs);
    expect(progress.at(-1)).toEqual({ runs: result.coverage.systematic, failures: result.failures });
  });

  test("counts the steps where its parts' reruns did not go as before, and says so", async () => {
    let started = 0;
    const app = apps.answeringApp(
      () => ({ run: ++started }),
      async (events, ctx) => {
        // Remembers earlier runs: only the very first run reads the call's properties when it connects.
        if (events[0].type.endsWith("CallConnected") && ctx.state.run === 1) await ctx.client.getCallConnection(events[0].data.callConnectionId).getCallConnectionProperties();
      },
    );
    // The first run alone queues enough prefixes for the split: every rerun is in the shard's part.
    const result = await explore({ app, seed: 1, shard: "1/1", duplicates: 0 });
    expect(result.coverage.shard!.sharedRuns).toBe(1);
    expect(result.coverage.divergent).toBeGreaterThan(0);
    expect(result.exhaustive).toBe(false);
    expect(result.summary).toContain(` Note: at ${result.coverage.divergent} step(s) the app did not act as it did when the same order ran before`);
  });
});
