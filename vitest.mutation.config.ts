import type { TestModule, Vitest } from "vitest/node";
import base from "./vitest.config.js";

/**
 * The suite as mutation testing runs it: MUTATION_TESTS (comma-separated files or folders)
 * narrows the test files. The CLI tests and their build are left out: they run dist/, which
 * no mutant reaches.
 */
/** They run dist/, built from the sources before any mutant exists. */
const CLI_TESTS = ["test/cli.test.ts", "test/reliability/shutdown.test.ts", "test/callbackTokensServer.test.ts"];
/**
 * The base config's `isolate: false` holds here too: a mutant's test files share one module
 * graph, so the engine's modules are imported once per run, most of a mutant's cost on 2 cores.
 * Mutants switch at run time, so sharing the graph does not change which are killed (checked on
 * media/playSources.ts: the same 62 killed, 30 survived with and without isolation).
 */
const only = process.env.MUTATION_TESTS?.split(",").map((entry) => (entry.endsWith(".ts") ? entry : `${entry.replace(/\/$/, "")}/**/*.test.ts`));

/**
 * A test file that fails to load has no tests, and Stryker reads "no tests" as "covers nothing":
 * its mutants would be reported not covered, or surviving, with no sign of why (the catalog's
 * test once read a path that exists beside the checkout but not in Stryker's sandbox). Throwing
 * here makes the initial (coverage) run stop and name the file instead. In a mutant's run a file
 * that fails to load is the mutant's doing, left to Stryker.
 */
let vitest: Vitest | undefined;
const loadFailures = {
  onInit(ctx: Vitest) {
    vitest = ctx;
  },
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    if (vitest?.getRootProject().getProvidedContext().mode === "mutant") return;
    const failed = modules.filter((module) => module.errors().length > 0);
    if (failed.length === 0) return;
    const lines = failed.map((module) => `${module.moduleId}: ${module.errors().map((error) => error.message).join("; ")}`);
    throw new Error(`A test file failed to load, so its tests cover nothing in this run:\n${lines.join("\n")}`);
  },
};

// One worker per Stryker test runner: MUTATION_CONCURRENCY sets how many run at once.
export default { ...base, test: { ...base.test, maxWorkers: 1, ...(only ? { include: only } : {}), exclude: [...(base.test?.exclude ?? ["**/node_modules/**"]), ...CLI_TESTS], globalSetup: [], reporters: ["default", loadFailures] } };
