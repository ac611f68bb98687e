import { describe, expect, test } from "vitest";
import { coverageText, explore, ExploreSetupError, type ExploreCoverage } from "../../scenarios/explorer.js";
import { answeringApp, assumesConnectedFirst } from "./apps/inProcessApps.js";

// What a person reads of an exploration: the coverage sentence, the replay of a failing order,
// and the error a replay token it cannot read gives.
const coverage = (extra: Partial<ExploreCoverage>): ExploreCoverage => ({ systematic: 10, sampled: 0, shrinking: 0, notRun: 30, states: 0, pruned: 0, ...extra });

describe("the coverage sentence", () => {
  test("says all orders were run when the search was exhaustive, with or without pruning by state", () => {
    expect(coverageText({ exhaustive: true, coverage: coverage({ notRun: 0 }) })).toBe("exhaustive: all 10 allowed orders");
    expect(coverageText({ exhaustive: true, coverage: coverage({ notRun: 0, states: 7, pruned: 3 }) })).toBe("exhaustive: all allowed orders, in 10 runs (3 cut short at a state already explored; 7 distinct states)");
    expect(coverageText({ exhaustive: true, coverage: coverage({ notRun: 0, states: 7, stateless: "the app has no fingerprint" }) })).toBe(
      "exhaustive: all 10 allowed orders (without state-based pruning: the app has no fingerprint)",
    );
  });

  test("says how much of the space a bounded search covered, and what is complete below the bound", () => {
    expect(coverageText({ exhaustive: false, coverage: coverage({}) })).toBe("not exhaustive: 10 orders run of at least 40 (at most 25%)");
    expect(coverageText({ exhaustive: false, coverage: coverage({ completeBelow: { duplicates: 0, moved: 0 } }) })).toBe("not exhaustive: 10 orders run of at least 40 (at most 25%); not even the plain order was run");
    expect(coverageText({ exhaustive: false, coverage: coverage({ completeBelow: { duplicates: 0, moved: 1 } }) })).toBe("not exhaustive: 10 orders run of at least 40 (at most 25%); the plain order was run");
    expect(coverageText({ exhaustive: false, coverage: coverage({ completeBelow: { duplicates: 0, moved: 3 } }) })).toBe(
      "not exhaustive: 10 orders run of at least 40 (at most 25%); every order without copies that moves at most 2 event(s) was run",
    );
    expect(coverageText({ exhaustive: false, coverage: coverage({ completeBelow: { duplicates: 1, moved: 0 } }) })).toBe("not exhaustive: 10 orders run of at least 40 (at most 25%); every order without copies was run");
    expect(coverageText({ exhaustive: false, coverage: coverage({ completeBelow: { duplicates: 3, moved: 2 } }) })).toBe(
      "not exhaustive: 10 orders run of at least 40 (at most 25%); every order with at most 2 copies was run",
    );
    expect(coverageText({ exhaustive: false, coverage: coverage({ sampled: 5, notRun: 20 }) })).toBe("not exhaustive: 10 orders run of at least 30 (at most 33%), then 5 seeded random orders");
  });

  test("says when the app did not act the same way in reruns", () => {
    expect(coverageText({ exhaustive: false, coverage: coverage({ notRun: 0, divergent: 2 }) })).toBe("10 orders run, but the app did not act the same way in reruns (2 step(s)): not a guarantee");
    expect(coverageText({ exhaustive: false, coverage: coverage({ divergent: 2 }) })).toMatch(/^not exhaustive: /);
  });
});

describe("replaying an order", () => {
  test("a failing order's replay fails the same way, and says so", async () => {
    const app = assumesConnectedFirst();
    const found = await explore({ app, seed: 3 });
    const token = found.failure!.token;
    const replayed = await explore({ app, replay: token });
    expect(replayed.failures).toBe(1);
    expect(replayed.runs).toBe(1);
    expect(replayed.exhaustive).toBe(false);
    expect(replayed.seed).toBe(3);
    expect(replayed.failure?.reason).toBe(found.failure!.reason);
    expect(replayed.summary).toBe(`The replayed order ${token} failed: ${replayed.failure!.order.join(" → ")}. Reason: ${replayed.failure!.reason}.`);
  });

  test("a token from an older callsim or of no known form is a setup error saying so", async () => {
    const app = answeringApp(() => ({}), () => undefined);
    await expect(explore({ app, replay: "v1.3.0-1" })).rejects.toThrow(new ExploreSetupError('The replay token "v1.3.0-1" comes from an older callsim that numbered orders differently; explore again to get a v2 token.'));
    await expect(explore({ app, replay: "x.3.0" })).rejects.toThrow(new ExploreSetupError('Unknown replay token "x.3.0"; tokens look like v2.<seed>.<choices>.'));
  });
});
