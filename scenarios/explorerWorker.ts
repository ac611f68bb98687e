/**
 * A worker thread's side of a split exploration: builds the app from its recipe, explores the
 * part it is sent, and answers what it found. See explorerWorkers.ts.
 */
import { parentPort } from "node:worker_threads";
import { SCENARIOS } from "./catalog/index.js";
import { inProcessBinding } from "./explorerApp.js";
import { ExploreSetupError } from "./exploreErrors.js";
import { buildFromRecipe, explorePart, type PartJob, type WorkerRecipe } from "./explorerWorkers.js";

parentPort!.on("message", async ({ recipe, scenario, job }: { recipe: WorkerRecipe; scenario?: string; job: PartJob }) => {
  try {
    const built = await buildFromRecipe(recipe);
    const world = built.scenario ?? (scenario === undefined ? undefined : SCENARIOS.find((s) => s.name === scenario));
    const result = await explorePart({ binding: inProcessBinding(built.app), scenario: world, seed: job.seed, duplicates: job.duplicates }, job, (outcome) =>
      parentPort!.postMessage({ kind: "run", failure: outcome.failure !== undefined }),
    );
    parentPort!.postMessage({ kind: "done", result });
  } catch (error) {
    parentPort!.postMessage({ kind: "error", message: error instanceof Error ? error.message : String(error), setup: error instanceof ExploreSetupError });
  }
});
