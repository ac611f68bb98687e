import { inProcessBinding, type AppBinding, type ExploreApp, type RunOutcome } from "./explorerRun.js";
import { compareOutcomes, costOf, searchByCost, shrink, type OrderCost, type SearchProgress } from "./explorerSearch.js";
import type { Independence } from "./explorerIndependence.js";
import { DEFAULT_PCT_DEPTH, pctSearch, type PctGuarantee } from "./explorerPct.js";
import { allOrders, coverageText, describe, diagram, plural, shardText } from "./explorerSummary.js";
import { decodeToken, encodeToken, mulberry32 } from "./explorerTokens.js";
import { mergeParts, parseShard, PIECES_PER_PART, piecesOf, type PartResult, type Shard } from "./explorerShards.js";
import { defaultWorkers, explorePart, explorePartInWorker, rerunner, type PartJob } from "./explorerWorkers.js";
import { SCENARIOS } from "./catalog/index.js";
import type { Scenario } from "./scenario.js";

export type { AppContext, ExploreApp } from "./explorerRun.js";
export type { OrderCost } from "./explorerSearch.js";
export type { Independence } from "./explorerIndependence.js";
export type { PctGuarantee } from "./explorerPct.js";
export type { Shard } from "./explorerShards.js";
export type { WorkerRecipe } from "./explorerWorkers.js";
export { ExploreSetupError } from "./exploreErrors.js";
export { coverageText, diagram } from "./explorerSummary.js";
export { encodeToken } from "./explorerTokens.js";

/** Options of {@link explore}. */
export interface ExploreOptions<S> {
  /** The world to run in (party behaviours, calls started outside the app); none means the default world. */
  scenario?: Pick<Scenario, "world"> & { name?: string };
  /** The app: its functions in-process, or a binding to an app behind a URL (see explorerHttp.ts). */
  app: ExploreApp<S> | AppBinding;
  /** Seeds the emulator's ids and the sampling; random (and reported) when absent. */
  seed?: number;
  /** Orders run systematically, cheapest first (see {@link ExploreResult.coverage}). Default 2,000. */
  maxRuns?: number;
  /** Seeded random orders run after `maxRuns` when the systematic search did not finish. Default `maxRuns`. */
  samples?: number;
  /** How many at-least-once copies a run may deliver. Default 1. */
  duplicates?: number;
  /** Reruns exactly one order from a replay token of an earlier report. */
  replay?: string;
  /** Keep going after the first failing order, to count every failing one. Default false. */
  all?: boolean;
  /** Runs spent shrinking a failing order to a minimal one. Default 200. */
  shrinkRuns?: number;
  /**
   * Do not explore a state twice (the app's state, the emulator's, what is left to deliver).
   * Default true; an app whose state cannot be fingerprinted (behind a URL, or holding
   * functions) is explored without it, and the report says so.
   */
  prune?: boolean;
  /** What the app asserts about its handlers; default the app's own `independence`, else "none" (see {@link ExploreApp.independence}). */
  independence?: Independence;
  /**
   * "systematic" (default): every order, cheapest first, within `maxRuns`. "pct": `maxRuns`
   * prioritised random orders (PCT), for spaces too large to run in full; the report states the
   * chance they had of meeting a bug of `depth` (see {@link PctGuarantee}).
   */
  mode?: "systematic" | "pct";
  /** The bug depth PCT targets (ordering constraints a bug needs). Default 3. */
  depth?: number;
  /**
   * Threads the systematic search runs on: the main thread and `workers - 1` worker threads.
   * Default the machine's cores when the app says how a worker builds it
   * ({@link ExploreApp.worker}) and its world is a catalog scenario or none; else 1. A search
   * is split only once it has run {@link SPLIT_AFTER_RUNS} orders without finishing.
   */
  workers?: number;
  /**
   * This machine's part of a search shared by several (`"2/3"` or `{ index: 2, count: 3 }`,
   * vitest's convention): the shards together run the whole search, each reports what it covered.
   */
  shard?: Shard | string;
  /** Orders run on the main thread before the search is split across worker threads. Default {@link SPLIT_AFTER_RUNS}. */
  splitAfterRuns?: number;
  /** Called after every run, e.g. for a progress line. */
  onProgress?(progress: { runs: number; failures: number }): void;
}

/** A failing order, as small as was found. */
export interface ExploreFailure {
  reason: string;
  /** What was delivered and done, in order. */
  order: string[];
  /** How far the order strays from the plain one. */
  cost: OrderCost;
  /** `explore({ ..., replay: token })` reruns exactly this order. */
  token: string;
  /** A Mermaid sequenceDiagram of the run. */
  diagram: string;
}

/** How much of the space of orders a result covers. */
export interface ExploreCoverage {
  /** Orders run in cost order (plain, then moved events, then copies). */
  systematic: number;
  /** Seeded random orders run after the systematic bound. */
  sampled: number;
  /** Runs spent shrinking a failure. */
  shrinking: number;
  /** Orders found but not run (a lower bound on what is left; 0 when exhaustive). */
  notRun: number;
  /** Every order cheaper than this was run systematically (absent when exhaustive or replayed). */
  completeBelow?: OrderCost;
  /** Steps at which a rerun of an order offered fewer choices than its first run (the app did not act the same way). */
  divergent?: number;
  /** Distinct states the systematic search reached (0 without state-based pruning). */
  states: number;
  /** Systematic runs cut short at a state explored before: every order through it was covered by the earlier run's subtree. */
  pruned: number;
  /** Why the search did not prune by state, when it did not. */
  stateless?: string;
  /** Threads the systematic search ran on (1 without worker threads). */
  workers?: number;
  /** With `shard`: which part this was, and how much of the split search it covered. */
  shard?: ShardCoverage;
  /** With `mode: "pct"`: what the prioritised random runs guarantee. */
  pct?: PctGuarantee;
}

/** What one shard covered of a split search. */
export interface ShardCoverage extends Shard {
  /** Runs of the shared part every shard makes alike before splitting (their orders count in each shard). */
  sharedRuns: number;
  /** Prefixes of the split this shard explored under, and how many there were in all (0 of 0: the search ended before splitting, and every shard ran all of it). */
  pieces: number;
  of: number;
}

/** What an exploration found. */
export interface ExploreResult {
  scenario?: string;
  seed: number;
  /** Orders run, shrinking included. */
  runs: number;
  /** True when every allowed order was run. */
  exhaustive: boolean;
  coverage: ExploreCoverage;
  failures: number;
  /** The smallest failing order found, shrunk, if any. */
  failure?: ExploreFailure;
  /** A one-paragraph report for a person. */
  summary: string;
}

/** Default bound on systematic exploration. */
export const DEFAULT_MAX_RUNS = 2_000;
/** Default number of runs spent shrinking a failing order. */
export const DEFAULT_SHRINK_RUNS = 200;
/** Orders run on the main thread before a search is split across worker threads: a smaller search is done before a worker would start. */
export const SPLIT_AFTER_RUNS = 1_000;

/**
 * Runs the app's own handlers against every delivery order the service may produce:
 * reordered events, duplicates, events before the REST response that caused them, and
 * deliveries delayed past world events and the app's next action. Plain orders come first,
 * then reorderings, then duplicates; a failing order is shrunk to a minimal one.
 * @throws {@link ExploreSetupError} when the exploration cannot run (the app made no request, got no event, or cannot be reached).
 * @example
 * const result = await explore({ app: { start: ({ client, callbackUri }) => client.createCall(target, callbackUri), handle: myHandler } });
 * if (result.failure) console.log(result.failure.diagram);
 */
export async function explore<S>(options: ExploreOptions<S>): Promise<ExploreResult> {
  const seed = options.seed ?? (options.replay ? Number(options.replay.split(".")[1]) : Math.floor(Math.random() * 2 ** 31));
  const duplicates = options.duplicates ?? 1;
  const maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS;
  // One in-process binding serves every run (it keeps the SDK client between runs).
  const binding = "deliver" in options.app ? options.app : inProcessBinding(options.app);
  const independence = options.independence ?? options.app.independence ?? "none";
  const setup = { binding, scenario: options.scenario, seed, duplicates };
  const { run, rerun, divergent } = rerunner(setup);
  let runs = 0;
  let failures = 0;
  const counted = (outcome: Pick<RunOutcome, "failure">) => {
    runs++;
    if (outcome.failure) failures++;
    options.onProgress?.({ runs, failures });
  };

  if (options.replay) {
    const path = decodeToken(options.replay);
    const outcome = await run((_, step) => path[step] ?? 0);
    counted(outcome);
    const failure = outcome.failure ? failureOf(seed, outcome) : undefined;
    const summary = failure
      ? `The replayed order ${options.replay} failed${named(options)}: ${failure.order.join(" → ")}. Reason: ${failure.reason}.`
      : `The replayed order ${options.replay} passed${named(options)}.`;
    return { scenario: options.scenario?.name, seed, runs: 1, exhaustive: false, coverage: { systematic: 1, sampled: 0, shrinking: 0, notRun: 0, states: 0, pruned: 0 }, failures: failure ? 1 : 0, failure, summary };
  }

  const all = options.all ?? false;
  let search: SearchProgress & { divergent?: number; shard?: ShardCoverage; workers?: number; pct?: PctGuarantee };
  if (options.mode === "pct") search = await pctSearch(run, mulberry32(seed), maxRuns, options.depth ?? DEFAULT_PCT_DEPTH, all, counted);
  else {
    const prune = options.prune ?? true;
    const shard = typeof options.shard === "string" ? parseShard(options.shard) : options.shard;
    const recipe = "deliver" in options.app ? undefined : options.app.worker;
    // A world made of functions cannot cross to a worker: only a catalog scenario's (by name) or none.
    const portable = recipe !== undefined && (!options.scenario?.world || SCENARIOS.includes(options.scenario as Scenario));
    const workers = portable ? Math.max(1, options.workers ?? defaultWorkers()) : 1;
    const base = { maxRuns, all, prune, independence, onRun: counted };
    if (!shard && workers === 1) search = await searchByCost(rerun, base);
    else {
      // The shared part: alike in every shard, as its split must be; worker threads split only a search too big to finish first.
      const parts = shard?.count ?? workers;
      const shared = await searchByCost(rerun, { ...base, splitAt: parts * PIECES_PER_PART, splitAfter: shard ? 0 : (options.splitAfterRuns ?? SPLIT_AFTER_RUNS) });
      if (!shared.pending) search = { ...shared, shard: shard && { ...shard, sharedRuns: shared.runs, pieces: 0, of: 0 } };
      else {
        const mine = shard ? piecesOf(shared.pending, shard) : shared.pending;
        const threads = Math.max(1, Math.min(workers, mine.length));
        const budget = Math.max(1, Math.ceil((maxRuns - shared.runs) / threads));
        const job = (index: number): PartJob => ({ seed, duplicates, start: piecesOf(mine, { index, count: threads }), visited: shared.visited, maxRuns: budget, all, prune, independence });
        const results: PartResult[] = await Promise.all(
          Array.from({ length: threads }, (_, i) =>
            i === 0 ? explorePart(setup, job(1), counted) : explorePartInWorker(recipe!, options.scenario?.name, job(i + 1), (failure) => counted({ failure: failure ? "failed" : undefined })),
          ),
        );
        search = { ...mergeParts(shared, results), workers: threads, shard: shard && { ...shard, sharedRuns: shared.runs, pieces: mine.length, of: shared.pending.length } };
      }
    }
  }
  const failing = search.failing;
  let sampled = 0;
  if (!search.exhaustive && options.mode !== "pct") {
    // Beyond the bound: seeded random orders, reproducible from the seed.
    const random = mulberry32(seed);
    for (let i = 0; i < (options.samples ?? maxRuns) && (failing.length === 0 || all); i++) {
      const outcome = await run((candidates) => Math.floor(random() * candidates.length));
      counted(outcome);
      sampled++;
      if (outcome.failure) failing.push(outcome);
    }
  }
  let shrinking = 0;
  let smallest = [...failing].sort(compareOutcomes)[0];
  if (smallest) {
    const shrunk = await shrink(smallest, run, options.shrinkRuns ?? DEFAULT_SHRINK_RUNS, counted);
    smallest = shrunk.outcome;
    shrinking = shrunk.runs;
  }
  const coverage: ExploreCoverage = {
    systematic: options.mode === "pct" ? 0 : search.runs,
    sampled: options.mode === "pct" ? search.runs : sampled,
    shrinking,
    notRun: search.notRun,
    completeBelow: search.completeBelow,
    divergent: divergent() + (search.divergent ?? 0),
    states: search.states,
    pruned: search.pruned,
    stateless: search.stateless,
    ...(search.workers !== undefined && { workers: search.workers }),
    ...(search.shard && { shard: search.shard }),
    ...(search.pct && { pct: search.pct }),
  };
  return report(options, seed, runs, search.exhaustive, coverage, failing.length, smallest);
}

function failureOf(seed: number, outcome: RunOutcome): ExploreFailure {
  return {
    reason: outcome.failure!,
    order: outcome.trace.map(describe),
    cost: costOf(outcome),
    token: encodeToken(seed, outcome.choices),
    diagram: diagram(outcome.trace, outcome.failure!),
  };
}

function named(options: ExploreOptions<unknown>): string {
  return options.scenario?.name ? ` in ${options.scenario.name}` : "";
}

function report<S>(options: ExploreOptions<S>, seed: number, runs: number, exhaustive: boolean, coverage: ExploreCoverage, failures: number, smallest: RunOutcome | undefined): ExploreResult {
  const failure = smallest && failureOf(seed, smallest);
  const stoppedEarly = failures > 0 && !options.all;
  const part = coverage.shard ? `${shardText(coverage.shard)}: ` : "";
  const scope = stoppedEarly ? `${coverage.systematic + coverage.sampled} orders explored` : exhaustive ? `${part}${allOrders(coverage)}` : `${coverage.systematic + coverage.sampled} orders (${coverageText({ exhaustive, coverage })}; seed ${seed})`;
  const shrunk = failure && ` (${plural(failure.cost.duplicates, "copy", "copies")}, ${plural(failure.cost.moved, "moved event", "moved events")})`;
  const summary = failure
    ? `${stoppedEarly ? "A failing order was found after" : `${failures} of`} ${scope}${stoppedEarly ? "" : " failed"}${named(options)}. Smallest failing order${shrunk}: ${failure.order.join(" → ")}. Reason: ${failure.reason}. Replay: ${failure.token}`
    : `Every one of ${scope} passed${named(options)} (seed ${seed}).`;
  const note = coverage.divergent ? ` Note: at ${coverage.divergent} step(s) the app did not act as it did when the same order ran before (it acts late, or remembers earlier runs): give it a reset URL, or raise the quiet window.` : "";
  return { scenario: options.scenario?.name, seed, runs, exhaustive: exhaustive && !stoppedEarly && !coverage.divergent, coverage, failures, failure, summary: summary + note };
}

