import { inProcessBinding, runOnce, type AppBinding, type Chooser, type ExploreApp, type RunOutcome, type TraceEntry } from "./explorerRun.js";
import type { Scenario } from "./scenario.js";

export type { AppContext, ExploreApp } from "./explorerRun.js";

/** Options of {@link explore}. */
export interface ExploreOptions<S> {
  /** The world to run in (party behaviours, calls started outside the app); none means the default world. */
  scenario?: Pick<Scenario, "world"> & { name?: string };
  /** The app: its functions in-process, or a binding to an app behind a URL (see explorerHttp.ts). */
  app: ExploreApp<S> | AppBinding;
  /** Seeds the emulator's ids and the sampling; random (and reported) when absent. */
  seed?: number;
  /** Orders explored exhaustively up to this bound; beyond it, this many seeded random samples. Default 2,000. */
  maxRuns?: number;
  /** How many at-least-once copies a run may deliver. Default 1. */
  duplicates?: number;
  /** Reruns exactly one order from a replay token of an earlier report. */
  replay?: string;
  /** Keep going after the first failing order, to count every failing one. Default false. */
  all?: boolean;
}

/** A failing order, as small as was found. */
export interface ExploreFailure {
  reason: string;
  /** What was delivered and done, in order. */
  order: string[];
  /** `explore({ ..., replay: token })` reruns exactly this order. */
  token: string;
  /** A Mermaid sequenceDiagram of the run. */
  diagram: string;
}

/** What an exploration found. */
export interface ExploreResult {
  scenario?: string;
  seed: number;
  /** Orders run. */
  runs: number;
  /** True when every allowed order was run; false when the bound was hit and orders were sampled. */
  exhaustive: boolean;
  failures: number;
  /** The smallest failing order found, if any. */
  failure?: ExploreFailure;
  /** A one-paragraph report for a person. */
  summary: string;
}

/** Default bound on exhaustive exploration. */
export const DEFAULT_MAX_RUNS = 2_000;

/**
 * Runs the app's own handlers against every delivery order the service may produce:
 * reordered events, duplicates, events before the REST response that caused them, and
 * deliveries delayed past world events and the app's next action.
 * @example
 * const result = await explore({ app: { start: ({ client, callbackUri }) => client.createCall(target, callbackUri), handle: myHandler } });
 * if (result.failure) console.log(result.failure.diagram);
 */
export async function explore<S>(options: ExploreOptions<S>): Promise<ExploreResult> {
  const seed = options.seed ?? (options.replay ? Number(options.replay.split(".")[1]) : Math.floor(Math.random() * 2 ** 31));
  const duplicates = options.duplicates ?? 1;
  const maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS;
  const binding = () => ("deliver" in options.app ? options.app : inProcessBinding(options.app));
  const run = (choose: Chooser) => runOnce(binding(), options.scenario, seed, duplicates, choose);
  const failing: RunOutcome[] = [];
  let runs = 0;
  let exhaustive = true;

  if (options.replay) {
    const path = decodeToken(options.replay);
    const outcome = await run((_, step) => path[step] ?? 0);
    return report(options, seed, 1, true, outcome.failure ? [outcome] : []);
  }

  // Every leaf of the choice tree once, rerunning from the start for each (stateless search),
  // in order of how many choices stray from emission order: plain orders first, so the first
  // failure found is one of the smallest, and bugs that need few deviations show up fast.
  const queue: number[][] = [[]];
  for (let next = 0; next < queue.length; next++) {
    if (runs >= maxRuns) {
      exhaustive = false;
      break;
    }
    const prefix = queue[next];
    const outcome = await run((_, step) => prefix[step] ?? 0);
    runs++;
    if (outcome.failure) {
      failing.push(outcome);
      if (!options.all) break;
    }
    for (let depth = prefix.length; depth < outcome.choices.length; depth++) {
      for (let alt = 1; alt < outcome.branching[depth]; alt++) queue.push([...outcome.choices.slice(0, depth), alt]);
    }
    queue[next] = [];
  }
  if (!exhaustive && (failing.length === 0 || options.all)) {
    // Beyond the bound: seeded random orders, reproducible from the seed.
    const random = mulberry32(seed);
    for (let i = 0; i < maxRuns; i++) {
      const outcome = await run((candidates) => Math.floor(random() * candidates.length));
      runs++;
      if (outcome.failure) failing.push(outcome);
    }
  }
  return report(options, seed, runs, exhaustive, failing);
}

function report<S>(options: ExploreOptions<S>, seed: number, runs: number, exhaustive: boolean, failing: RunOutcome[]): ExploreResult {
  const smallest = [...failing].sort((a, b) => deviations(a) - deviations(b) || a.trace.length - b.trace.length)[0];
  const failure = smallest && {
    reason: smallest.failure!,
    order: smallest.trace.map(describe),
    token: encodeToken(seed, smallest.choices),
    diagram: diagram(smallest.trace, smallest.failure!),
  };
  const stoppedEarly = failing.length > 0 && !options.all;
  const scope = stoppedEarly ? `${runs} orders explored` : exhaustive ? `all ${runs} allowed orders` : `${runs} orders (bound reached; seeded random sampling, seed ${seed})`;
  const summary = failure
    ? `${stoppedEarly ? "A failing order was found after" : `${failing.length} of`} ${scope}${stoppedEarly ? "" : " failed"}${options.scenario?.name ? ` in ${options.scenario.name}` : ""}. Smallest failing order: ${failure.order.join(" → ")}. Reason: ${failure.reason}. Replay: ${failure.token}`
    : `Every one of ${scope} passed${options.scenario?.name ? ` in ${options.scenario.name}` : ""} (seed ${seed}).`;
  return { scenario: options.scenario?.name, seed, runs, exhaustive: exhaustive && !stoppedEarly, failures: failing.length, failure, summary };
}

/** How far an order strays from plain emission order: the number of non-default choices. */
function deviations(outcome: RunOutcome): number {
  return outcome.choices.filter((c) => c !== 0).length;
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

/** `v1.<seed>.<choices>`: choices in base 36, dot-free. */
export function encodeToken(seed: number, choices: number[]): string {
  return `v1.${seed}.${choices.map((c) => c.toString(36)).join("-")}`;
}

function decodeToken(token: string): number[] {
  const [version, , path = ""] = token.split(".");
  if (version !== "v1") throw new Error(`Unknown replay token "${token}"; tokens look like v1.<seed>.<choices>.`);
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
