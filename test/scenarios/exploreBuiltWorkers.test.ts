/**
 * `callsim explore --app <module> --workers 2` as users run it: the built CLI (dist/), the only
 * build that splits a search across worker threads (run from the TypeScript sources the search
 * stays in-process). The split search must reach the same verdict over the same orders as one
 * thread, and name a failing order by the same replay token.
 *
 * The app (apps/frontDesk.mjs) has 1,050 orders without pruning and copies: more than the 1,000 a
 * search runs on the main thread before it deals the rest out. It writes the thread of every
 * run's start to a file, which says which threads ran the orders.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { ExploreResult } from "../../scenarios/explorer.js";
import { CLI } from "../support/cliServer.js";
import { EXIT_BOUND_MS } from "../support/exploreCli.js";

const APP = join(import.meta.dirname, "apps", "frontDesk.mjs");
/** Every order of the app, one at a time, cheapest first; no random samples after them. */
const SEARCH = ["--prune", "off", "--duplicates", "0", "--samples", "0", "--max-runs", "5000", "--seed", "2"];

/** How one built `callsim explore` ended: its exit code, output, JSON report and the threads its runs started on. */
interface BuiltRun {
  code: number | null;
  output: string;
  result: ExploreResult;
  /** worker_threads.threadId of each run's start (0 is the main thread). */
  threads: number[];
}

/** Runs the built CLI on the app with `--workers <workers>` and awaits its exit. */
async function exploreBuilt(workers: number, appEnv: Record<string, string> = {}): Promise<BuiltRun> {
  const dir = mkdtempSync(join(tmpdir(), "callsim-built-workers-"));
  const report = join(dir, "report.json");
  const threadsFile = join(dir, "threads.txt");
  const child = spawn(process.execPath, [CLI, "explore", "--app", APP, "--workers", String(workers), ...SEARCH, "--reporter", "json", "--json-file", report], {
    env: { ...process.env, ...appEnv, FRONT_DESK_THREADS: threadsFile, FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  // A bound that catches a hang; every run here ends in seconds.
  const hang = setTimeout(() => child.kill("SIGKILL"), EXIT_BOUND_MS);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve)).finally(() => clearTimeout(hang));
  if (code !== 0 && code !== 1) throw new Error(`callsim explore --workers ${workers} exited with ${code}:\n${output}`);
  const { scenarios } = JSON.parse(readFileSync(report, "utf8")) as { scenarios: Array<{ result: ExploreResult }> };
  const threads = readFileSync(threadsFile, "utf8").trim().split("\n").map(Number);
  return { code, output, result: scenarios[0].result, threads };
}

/** The runs each thread started, by threadId. */
const runsByThread = (threads: number[]) => threads.reduce<Record<number, number>>((by, id) => ({ ...by, [id]: (by[id] ?? 0) + 1 }), {});

describe("callsim explore --workers 2, built", () => {
  test(
    "runs part of the search on a worker thread, and passes over every order as one thread does",
    async () => {
      const [one, two] = await Promise.all([exploreBuilt(1), exploreBuilt(2)]);
      expect(one.code, one.output).toBe(0);
      expect(two.code, two.output).toBe(0);
      // One thread: every run on the main thread, and the report names no thread count.
      expect(Object.keys(runsByThread(one.threads))).toEqual(["0"]);
      expect(one.result.coverage.workers).toBeUndefined();
      // Two: a worker thread (not the main thread, id 0) ran orders, and the report says so.
      expect(two.result.coverage.workers).toBe(2);
      const byThread = runsByThread(two.threads);
      expect(Object.keys(byThread)).toHaveLength(2);
      const workerRuns = Object.entries(byThread).find(([id]) => id !== "0")![1];
      expect(workerRuns).toBeGreaterThan(0);
      // The same verdict over the same number of orders: the threads together ran every order once.
      expect(two.result.exhaustive).toBe(true);
      expect(two.result.exhaustive).toBe(one.result.exhaustive);
      expect(two.result.coverage.systematic).toBe(one.result.coverage.systematic);
      expect(two.result.runs).toBe(one.result.runs);
      expect(two.threads).toHaveLength(two.result.runs);
      expect(two.result.failures).toBe(0);
      expect(two.output).toContain(`PASS default-world: exhaustive: all ${one.result.coverage.systematic} allowed orders`);
    },
    2 * EXIT_BOUND_MS,
  );

  test(
    "finds a planted ordering bug past the split, and names the same smallest failing order and replay token as one thread",
    async () => {
      const bug = { FRONT_DESK_BUG: "1" };
      const [one, two] = await Promise.all([exploreBuilt(1, bug), exploreBuilt(2, bug)]);
      expect(one.code, one.output).toBe(1);
      expect(two.code, two.output).toBe(1);
      // The bug lies past the 1,000 orders run before the split: the worker thread took part.
      expect(one.result.coverage.systematic).toBeGreaterThan(1_000);
      expect(two.result.coverage.workers).toBe(2);
      expect(Object.keys(runsByThread(two.threads))).toHaveLength(2);
      // Every run the report counts started on one of the threads, and no other run did.
      expect(two.threads).toHaveLength(two.result.runs);
      const [failure, split] = [one.result.failure!, two.result.failure!];
      expect(split.token).toBe(failure.token);
      expect(split.reason).toBe(failure.reason);
      expect(split.order).toEqual(failure.order);
      expect(split.cost).toEqual(failure.cost);
      expect(two.result.seed).toBe(one.result.seed);
      // The orders run differ: each thread stops at its own first failure, not at the other's.
      for (const run of [one, two]) expect(run.output).toContain(`Replay: ${failure.token}`);
    },
    2 * EXIT_BOUND_MS,
  );
});
