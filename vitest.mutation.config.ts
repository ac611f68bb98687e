import base from "./vitest.config.js";

/**
 * The suite as mutation testing runs it: MUTATION_TESTS (comma-separated files or folders)
 * narrows the test files. The CLI tests and their build are left out: they run dist/, which
 * no mutant reaches.
 */
/** They run dist/, built from the sources before any mutant exists. */
const CLI_TESTS = ["test/cli.test.ts", "test/reliability/shutdown.test.ts"];
const only = process.env.MUTATION_TESTS?.split(",").map((entry) => (entry.endsWith(".ts") ? entry : `${entry.replace(/\/$/, "")}/**/*.test.ts`));

export default { ...base, test: { ...base.test, ...(only ? { include: only } : {}), exclude: [...(base.test?.exclude ?? ["**/node_modules/**"]), ...CLI_TESTS], globalSetup: [] } };
