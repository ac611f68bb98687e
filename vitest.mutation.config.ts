import base from "./vitest.config.js";

/**
 * The suite as mutation testing runs it: MUTATION_TESTS (comma-separated files or folders)
 * narrows the test files, and the CLI tests' build is skipped: it would build the mutated
 * sources once, with no mutant active, which the CLI tests (which run dist/) cannot kill anyway.
 */
const only = process.env.MUTATION_TESTS?.split(",").map((entry) => (entry.endsWith(".ts") ? entry : `${entry.replace(/\/$/, "")}/**/*.test.ts`));

export default { ...base, test: { ...base.test, ...(only ? { include: only } : {}), globalSetup: [] } };
