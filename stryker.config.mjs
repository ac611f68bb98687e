// @ts-check
/**
 * Mutation testing (`npm run mutation`): plants one-line bugs in the sources and checks that a
 * test fails for each. Not part of `npm test`: a whole folder takes long on a small machine, so
 * a run covers what MUTATE names (folders or files, comma-separated) or, with MUTATE_SINCE, only
 * the sources changed since a git ref.
 *
 *   MUTATE=emulator/http npm run mutation
 *   MUTATE=emulator/engine/outbox.ts MUTATION_TESTS=test/reliability/delivery.test.ts npm run mutation
 *   MUTATE_SINCE=main npm run mutation
 *
 * MUTATION_TESTS narrows the test files run against each mutant (vitest.mutation.config.ts);
 * without it, every test that imports the mutated file runs.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";

const FOLDERS = ["emulator/engine", "emulator/http", "scenarios"];

/** A folder becomes a glob of its TypeScript sources; a file stays itself. */
const toGlob = (entry) => (entry.endsWith(".ts") ? entry : `${entry.replace(/\/$/, "")}/**/*.ts`);

function mutated() {
  if (process.env.MUTATE_SINCE) {
    const changed = execFileSync("git", ["diff", "--name-only", "--diff-filter=AMR", process.env.MUTATE_SINCE, "--", ...FOLDERS], { encoding: "utf8" })
      .split("\n")
      .filter((file) => file.endsWith(".ts"));
    if (changed.length === 0) throw new Error(`No source under ${FOLDERS.join(", ")} changed since ${process.env.MUTATE_SINCE}.`);
    return changed;
  }
  const entries = process.env.MUTATE ? process.env.MUTATE.split(",").map((e) => e.trim()).filter(Boolean) : FOLDERS;
  return entries.map(toGlob);
}

/**
 * Each run keeps its own incremental file and JSON report, named for what it mutates, so runs of
 * different folders or files do not overwrite each other's results; `npm run mutation:score` adds
 * the JSON reports up per folder.
 */
const fullRunName = (process.env.MUTATE_SINCE ? `since-${process.env.MUTATE_SINCE}` : process.env.MUTATE ?? "all").replace(/[^A-Za-z0-9.-]+/g, "_");
// A long list of files would make a file name the file system refuses: its start and a hash of the rest.
const runName = fullRunName.length <= 100 ? fullRunName : `${fullRunName.slice(0, 80)}-${createHash("sha256").update(fullRunName).digest("hex").slice(0, 12)}`;

const mutatedFiles = mutated();

/**
 * The type checker sees only the mutated files and what they import, not the project: with the
 * whole project, each mutant re-checked every file that imports it, which made the checker (not
 * the tests) a run's bottleneck. A mutant can then break a type only in a file that imports it;
 * such a mutant runs against the tests, which only makes the score stricter.
 */
function checkerConfig() {
  const path = `.mutation/tsconfig.${runName}.json`;
  mkdirSync(".mutation", { recursive: true });
  const fromHere = (entry) => `../${entry}`;
  writeFileSync(path, JSON.stringify({ extends: "../tsconfig.build.json", include: mutatedFiles.map(fromHere), exclude: ["../**/*.test.ts"] }, null, 2));
  return path;
}

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  // vitest strips types without checking them, so a mutant that no longer type-checks would run
  // and could "survive"; the checker sets those aside as compile errors, outside the score.
  checkers: ["typescript"],
  tsconfigFile: checkerConfig(),
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // A mutant of a module-level constant ("static") has no per-test coverage, so it runs every test
  // file of the run; with vitest's default `related`, only those whose imports reach the mutated
  // file would run, and a constant reached only through the emulator's dynamic imports would be
  // reported as surviving tests that kill it.
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  mutate: [...mutatedFiles, "!**/*.d.ts"],
  // The incremental file is this machine's memory of earlier runs: ignored by git (it changes on
  // every run and would conflict between branches), reused by the next local run.
  incremental: true,
  incrementalFile: `reports/stryker-incremental/${runName}.json`,
  coverageAnalysis: "perTest",
  // Two cores: one test process per core leaves room for the tests' own loopback servers.
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
  timeoutMS: 30_000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: `reports/mutation/${runName}.html` },
  jsonReporter: { fileName: `reports/mutation/${runName}.json` },
  thresholds: { high: 85, low: 80, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
