import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { SCENARIOS } from "./catalog/index.js";
import { inProcessBinding, type AppBinding, type ExploreApp } from "./explorerApp.js";
import { ExploreSetupError } from "./exploreErrors.js";
import type { Independence } from "./explorerIndependence.js";
import { runOnce, type Chooser, type RunOutcome, type Visit } from "./explorerRun.js";
import { searchByCost, type Pending, type Visited } from "./explorerSearch.js";
import { partResult, type PartResult } from "./explorerShards.js";
import type { Scenario } from "./scenario.js";

/**
 * How a worker thread builds the same app: it imports `module` and takes its export `export`
 * (default "default", then "app"). An export that is a function is called with `args` and may
 * answer the app, or `{ app, scenario }`. Functions cannot cross to a worker; a module can.
 */
export interface WorkerRecipe {
  module: string;
  export?: string;
  args?: unknown[];
}

/** One part of a split search, as a worker (or the main thread) explores it. */
export interface PartJob {
  seed: number;
  duplicates: number;
  start: Pending[];
  visited: Visited;
  maxRuns: number;
  all: boolean;
  prune: boolean;
  independence: Independence;
}

/** What a run needs besides the choices: the app, its world, the seed and the copies allowed. */
export interface RunSetup {
  binding: AppBinding;
  scenario?: Pick<Scenario, "world">;
  seed: number;
  duplicates: number;
}

/**
 * Runs of one setup, rerun tolerant: an app that reacts late or keeps state across runs may
 * offer fewer steps when an order is rerun; the run then takes the plain step there and counts it.
 */
export function rerunner(setup: RunSetup): { run: (choose: Chooser, visit?: Visit) => Promise<RunOutcome>; rerun: (choose: Chooser, visit?: Visit) => Promise<RunOutcome>; divergent: () => number } {
  let divergent = 0;
  const run = (choose: Chooser, visit?: Visit) => runOnce(setup.binding, setup.scenario, setup.seed, setup.duplicates, choose, visit);
  const rerun = (choose: Chooser, visit?: Visit) =>
    run((candidates, step) => {
      const choice = choose(candidates, step);
      if (choice < candidates.length) return choice;
      divergent++;
      return 0;
    }, visit);
  return { run, rerun, divergent: () => divergent };
}

/** Explores one part of a split search in this thread. */
export async function explorePart(setup: RunSetup, job: PartJob, onRun: (outcome: RunOutcome) => void): Promise<PartResult> {
  const { rerun, divergent } = rerunner(setup);
  const search = await searchByCost(rerun, { maxRuns: job.maxRuns, all: job.all, prune: job.prune, independence: job.independence, onRun, start: job.start, visited: job.visited });
  return partResult(search, divergent());
}

/** Builds the app (and its world, when the recipe gives one) from a recipe, as a worker does. */
export async function buildFromRecipe(recipe: WorkerRecipe): Promise<{ app: ExploreApp; scenario?: Scenario }> {
  const module = (await import(recipe.module)) as Record<string, unknown>;
  const made = module[recipe.export ?? "default"] ?? (recipe.export ? undefined : module.app);
  const value = (typeof made === "function" ? await (made as (...args: unknown[]) => unknown)(...(recipe.args ?? [])) : made) as ExploreApp | { app: ExploreApp; scenario?: Scenario } | undefined;
  if (!value || typeof value !== "object") throw new ExploreSetupError(`the worker recipe's module ${recipe.module} has no export "${recipe.export ?? "default"}" that makes an app.`);
  return "app" in value && !("start" in value) ? value : { app: value as ExploreApp };
}

/**
 * The threads explore() uses by default: the machine's cores. Run from TypeScript source (under
 * a loader, as the suite runs), one: a worker would compile the whole emulator again, which
 * costs more than it saves; ask for workers explicitly there.
 */
export function defaultWorkers(): number {
  // Stryker disable next-line StringLiteral: run from the sources (the suite, Stryker) this URL ends in .ts, so endsWith("") answers the same; only the built JavaScript would then take one thread instead of the cores (startsWith is killed by explorerAppBinding.test.ts)
  return import.meta.url.endsWith(".ts") ? 1 : availableParallelism();
}

/** What a worker thread answers: one message per run as it ends, then its part's result or why it could not explore. */
export type Reply = { kind: "run"; failure: boolean } | { kind: "done"; result: PartResult } | { kind: "error"; message: string; setup: boolean };

/** What the main thread sends a worker: how to build the app, the catalog scenario it runs in (by name), and its part. */
export interface WorkerJob {
  recipe: WorkerRecipe;
  scenario?: string;
  job: PartJob;
}

/**
 * A worker's answer to one job, in whatever thread calls it: explorerWorker.ts only wires it to
 * the thread's port. The world is the recipe's own scenario, else the catalog's scenario named.
 */
export async function answerJob({ recipe, scenario, job }: WorkerJob, post: (reply: Reply) => void): Promise<void> {
  try {
    const built = await buildFromRecipe(recipe);
    const world = built.scenario ?? SCENARIOS.find((s) => s.name === scenario);
    const result = await explorePart({ binding: inProcessBinding(built.app), scenario: world, seed: job.seed, duplicates: job.duplicates }, job, (outcome) => post({ kind: "run", failure: outcome.failure !== undefined }));
    post({ kind: "done", result });
  } catch (error) {
    post({ kind: "error", message: error instanceof Error ? error.message : String(error), setup: error instanceof ExploreSetupError });
  }
}

/** Threads kept between explorations (starting one costs a few hundred milliseconds); unreferenced while idle, so they never hold the process open. */
const idle: Worker[] = [];

function startWorker(): Worker {
  // Under a TypeScript runner (the suite) this file is .ts, and so is the worker's entry: the
  // worker registers tsx's loader first (a worker takes no --import).
  // Stryker disable next-line ConditionalExpression,StringLiteral: run from the sources (the suite, Stryker) this URL ends in .ts and the tsx entry below is taken; only the built JavaScript starts its worker from explorerWorker.js, in a callsim process beyond Stryker's reach (test/scenarios/exploreBuiltWorkers.test.ts runs that branch from dist/)
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./explorerWorker.js", import.meta.url));
  const entry = JSON.stringify(new URL("./explorerWorker.ts", import.meta.url).href);
  return new Worker(`import("tsx/esm/api").then(({ register }) => { register(); return import(${entry}); });`, { eval: true });
}

/** Explores one part on a worker thread; `onRun` hears of each run as it ends. */
export function explorePartInWorker(recipe: WorkerRecipe, scenario: string | undefined, job: PartJob, onRun: (failure: boolean) => void): Promise<PartResult> {
  const worker = idle.pop() ?? startWorker();
  worker.ref();
  return new Promise<PartResult>((resolve, reject) => {
    const done = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.unref();
    };
    const onMessage = (reply: Reply) => {
      if (reply.kind === "run") return onRun(reply.failure);
      done();
      idle.push(worker);
      if (reply.kind === "done") resolve(reply.result);
      else reject(reply.setup ? new ExploreSetupError(reply.message) : new Error(reply.message));
    };
    const onError = (error: Error) => {
      done();
      void worker.terminate();
      reject(error);
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.postMessage({ recipe, scenario, job } satisfies WorkerJob);
  });
}
