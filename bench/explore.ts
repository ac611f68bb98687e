/**
 * The explorer over the whole catalog, each scenario's own steps as a robust app, at default
 * settings: the search with state-based pruning and the plain search, in the same run.
 */
import { explore } from "../scenarios/explorer.js";
import { SCENARIOS } from "../scenarios/catalog/index.js";
import { scenarioApp } from "../scenarios/scenarioApp.js";

/** One scenario explored one way. */
export interface ExploreMeasure {
  runs: number;
  states: number;
  exhaustive: boolean;
  ms: number;
}

/** Explores every catalog scenario with and without pruning; the plain search is bounded by `plainMaxRuns` (default settings: 2,000). */
export async function exploreCatalog(plainMaxRuns: number): Promise<Array<{ name: string; pruned: ExploreMeasure; plain: ExploreMeasure }>> {
  const measure = async (scenario: (typeof SCENARIOS)[number], prune: boolean): Promise<ExploreMeasure> => {
    const started = performance.now();
    const result = await explore({ scenario, app: scenarioApp(scenario), seed: 1, prune, samples: 0, ...(prune ? {} : { maxRuns: plainMaxRuns }) });
    if (result.failure) throw new Error(`${scenario.name} failed under exploration: ${result.failure.reason}`);
    return { runs: result.runs, states: result.coverage.states, exhaustive: result.exhaustive, ms: performance.now() - started };
  };
  const out = [];
  for (const scenario of SCENARIOS) out.push({ name: scenario.name, pruned: await measure(scenario, true), plain: await measure(scenario, false) });
  return out;
}
