/**
 * The explorer over the whole catalog, each scenario's own steps as a robust app: at default
 * settings (state-based pruning, worker threads on the machine's cores), the same on one
 * thread, and the plain search, in the same run.
 */
import { explore } from "../scenarios/explorer.js";
import { SCENARIOS } from "../scenarios/catalog/index.js";
import { scenarioApp } from "../scenarios/scenarioApp.js";

/** One scenario explored one way. */
export interface ExploreMeasure {
  runs: number;
  states: number;
  exhaustive: boolean;
  /** Wall time. */
  ms: number;
  /** CPU time of the whole process, worker threads included: less sensitive than wall time to a shared machine's load. */
  cpuMs: number;
  /** Threads the search ran on. */
  workers: number;
}

/** Explores every catalog scenario at default settings, on one thread, and without pruning; the plain search is bounded by `plainMaxRuns` (default settings: 2,000). */
export async function exploreCatalog(plainMaxRuns: number): Promise<Array<{ name: string; pruned: ExploreMeasure; oneThread: ExploreMeasure; plain: ExploreMeasure }>> {
  const measure = async (scenario: (typeof SCENARIOS)[number], how: "default" | "oneThread" | "plain"): Promise<ExploreMeasure> => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const settings = how === "default" ? {} : how === "oneThread" ? { workers: 1 } : { prune: false, workers: 1, maxRuns: plainMaxRuns };
    const result = await explore({ scenario, app: scenarioApp(scenario), seed: 1, samples: 0, ...settings });
    if (result.failure) throw new Error(`${scenario.name} failed under exploration: ${result.failure.reason}`);
    const used = process.cpuUsage(cpu);
    return { runs: result.runs, states: result.coverage.states, exhaustive: result.exhaustive, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, workers: result.coverage.workers ?? 1 };
  };
  const out = [];
  for (const scenario of SCENARIOS) out.push({ name: scenario.name, pruned: await measure(scenario, "default"), oneThread: await measure(scenario, "oneThread"), plain: await measure(scenario, "plain") });
  return out;
}
