import { afterEach, beforeEach, expect, vi } from "vitest";
import { assertHarnessesSelfCheck } from "./liveEmulators.js";

// Runs before every test file. The suite runs without isolation (one process reuses its loaded
// modules across files), so what a file changes globally is undone here, not left to the next.

// Every test must assert something: one that returns early or only awaits passes without
// checking anything. A test with nothing to check says so with ctx.skip().
beforeEach(() => {
  expect.hasAssertions();
});

afterEach(() => {
  assertHarnessesSelfCheck();
  // A spy (a captured console.log) ends with the test that made it.
  vi.restoreAllMocks();
});
