import { inProcessBinding, runOnce, type AppBinding, type Chooser, type ExploreApp, type RunOutcome, type TraceEntry, type Visit } from "./explorerRun.js";
import { compareOutcomes, costOf, searchByCost, shrink, type OrderCost } from "./explorerSearch.js";
import { ExploreSetupError } from "./exploreErrors.js";
import type { Independence } from "./explorerIndependence.js";
import type { Scenario } from "./scenario.js";

export type { AppContext, ExploreApp } from "./explorerRun.js";
export type { OrderCost } from "./explorerSearch.js";
export type { Independence } from "./explorerIndependence.js";
export { ExploreSetupError } from "./exploreErrors.js";

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
  const binding = () => ("deliver" in options.app ? options.app : inProcessBinding(options.app));
  const independence = options.independence ?? options.app.independence ?? "none";
  const run = (choose: Chooser, visit?: Visit) => runOnce(binding(), options.scenario, seed, duplicates, choose, visit);
  let runs = 0;
  let failures = 0;
  const counted = (outcome: RunOutcome) => {
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

  // An app that reacts late or keeps state across runs may offer fewer steps when an order is
  // rerun: the search then takes the plain step there and says so, rather than stopping.
  let divergent = 0;
  const rerun = (choose: Chooser, visit?: Visit) =>
    run((candidates, step) => {
      const choice = choose(candidates, step);
      if (choice < candidates.length) return choice;
      divergent++;
      return 0;
    }, visit);
  const search = await searchByCost(rerun, { maxRuns, all: options.all ?? false, prune: options.prune ?? true, independence, onRun: counted });
  const failing = search.failing;
  let sampled = 0;
  if (!search.exhaustive && (failing.length === 0 || options.all)) {
    // Beyond the bound: seeded random orders, reproducible from the seed.
    const random = mulberry32(seed);
    for (let i = 0; i < (options.samples ?? maxRuns) && (failing.length === 0 || options.all); i++) {
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
  const coverage: ExploreCoverage = { systematic: search.runs, sampled, shrinking, notRun: search.notRun, completeBelow: search.completeBelow, divergent, states: search.states, pruned: search.pruned, stateless: search.stateless };
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

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function named(options: ExploreOptions<unknown>): string {
  return options.scenario?.name ? ` in ${options.scenario.name}` : "";
}

/** What the systematic search guarantees, in words. */
export function coverageText(result: Pick<ExploreResult, "exhaustive" | "coverage">): string {
  const { coverage } = result;
  if (result.exhaustive) return `exhaustive: ${allOrders(coverage)}`;
  if (coverage.divergent && coverage.notRun === 0) return `${coverage.systematic} orders run, but the app did not act the same way in reruns (${coverage.divergent} step(s)): not a guarantee`;
  const below = coverage.completeBelow;
  const complete = !below
    ? ""
    : below.duplicates === 0
      ? below.moved === 0
        ? "; not even the plain order was run"
        : below.moved === 1
          ? "; the plain order was run"
          : `; every order without copies that moves at most ${below.moved - 1} event(s) was run`
      : below.duplicates === 1
        ? "; every order without copies was run"
        : `; every order with at most ${below.duplicates - 1} copies was run`;
  const share = Math.floor((100 * coverage.systematic) / (coverage.systematic + coverage.notRun));
  const sampled = coverage.sampled > 0 ? `, then ${coverage.sampled} seeded random orders` : "";
  return `not exhaustive: ${coverage.systematic} orders run of at least ${coverage.systematic + coverage.notRun} (at most ${share}%)${complete}${sampled}${pruning(coverage)}`;
}

/** "all N allowed orders", or with state-based pruning, how many runs covered every allowed order. */
function allOrders(coverage: ExploreCoverage): string {
  if (coverage.states === 0 || coverage.stateless) return `all ${coverage.systematic} allowed orders${pruning(coverage)}`;
  return `all allowed orders, in ${coverage.systematic} runs${pruning(coverage)}`;
}

/** What state-based pruning did, or why there was none. */
function pruning(coverage: ExploreCoverage): string {
  if (coverage.stateless) return ` (without state-based pruning: ${coverage.stateless})`;
  if (coverage.states === 0) return "";
  return ` (${coverage.pruned} cut short at a state already explored; ${coverage.states} distinct states)`;
}

function report<S>(options: ExploreOptions<S>, seed: number, runs: number, exhaustive: boolean, coverage: ExploreCoverage, failures: number, smallest: RunOutcome | undefined): ExploreResult {
  const failure = smallest && failureOf(seed, smallest);
  const stoppedEarly = failures > 0 && !options.all;
  const scope = stoppedEarly ? `${coverage.systematic + coverage.sampled} orders explored` : exhaustive ? allOrders(coverage) : `${coverage.systematic + coverage.sampled} orders (${coverageText({ exhaustive, coverage })}; seed ${seed})`;
  const shrunk = failure ? ` (${plural(failure.cost.duplicates, "copy", "copies")}, ${plural(failure.cost.moved, "moved event", "moved events")})` : "";
  const summary = failure
    ? `${stoppedEarly ? "A failing order was found after" : `${failures} of`} ${scope}${stoppedEarly ? "" : " failed"}${named(options)}. Smallest failing order${shrunk}: ${failure.order.join(" → ")}. Reason: ${failure.reason}. Replay: ${failure.token}`
    : `Every one of ${scope} passed${named(options)} (seed ${seed}).`;
  const note = coverage.divergent ? ` Note: at ${coverage.divergent} step(s) the app did not act as it did when the same order ran before (it acts late, or remembers earlier runs): give it a reset URL, or raise the quiet window.` : "";
  return { scenario: options.scenario?.name, seed, runs, exhaustive: exhaustive && !stoppedEarly && !coverage.divergent, coverage, failures, failure, summary: summary + note };
}

function describe(entry: TraceEntry): string {
  switch (entry.kind) {
    case "request":
      return `app calls ${entry.label}`;
    case "response":
      return `app gets ${entry.label}`;
    case "event":
      return `${entry.type}${entry.duplicate ? " (again)" : ""}`;
    case "advance":
      return entry.label;
  }
}

/** A Mermaid sequence diagram of one run, ending with why it failed. */
export function diagram(trace: TraceEntry[], failure?: string): string {
  const lines = ["sequenceDiagram", "  participant App", "  participant ACS as callsim"];
  for (const entry of trace) {
    if (entry.kind === "request") lines.push(`  App->>ACS: ${entry.label}`);
    else if (entry.kind === "response") lines.push(`  ACS-->>App: ${entry.label}`);
    else if (entry.kind === "event") lines.push(`  ACS-)App: ${entry.type}${entry.duplicate ? " (duplicate)" : ""}`);
    else lines.push(`  Note over ACS: ${entry.label}`);
  }
  if (failure) lines.push(`  Note over App: FAILED: ${failure.replace(/[;#]/g, " ")}`);
  return lines.join("\n");
}

/**
 * `v2.<seed>.<choices>`: choices in base 36, dot-free. v2 numbers the candidates plain step
 * first (answers, events, time, end, copies); a v1 token meant another numbering.
 */
export function encodeToken(seed: number, choices: number[]): string {
  return `v2.${seed}.${choices.map((c) => c.toString(36)).join("-")}`;
}

function decodeToken(token: string): number[] {
  const [version, , path = ""] = token.split(".");
  if (version === "v1") throw new ExploreSetupError(`The replay token "${token}" comes from an older callsim that numbered orders differently; explore again to get a v2 token.`);
  if (version !== "v2") throw new ExploreSetupError(`Unknown replay token "${token}"; tokens look like v2.<seed>.<choices>.`);
  return path ? path.split("-").map((c) => Number.parseInt(c, 36)) : [];
}

/** A small seeded PRNG (mulberry32), so sampling repeats from the seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
