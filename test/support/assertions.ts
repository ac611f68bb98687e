import { beforeEach, expect } from "vitest";

// Every test must assert something: one that returns early or only awaits passes without
// checking anything. A test with nothing to check says so with ctx.skip().
beforeEach(() => {
  expect.hasAssertions();
});
