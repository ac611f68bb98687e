import { afterAll, describe, expect, test } from "vitest";
import { explore } from "../../scenarios/explorer.js";
import { SCENARIOS } from "../../scenarios/catalog/index.js";
import { runScenario } from "../../scenarios/scenario.js";
import { scenarioApp } from "../../scenarios/scenarioApp.js";

describe("documented sequences", () => {
  test.each(SCENARIOS.map((s) => [s.name, s] as const))("%s: the engine emits what the docs describe", async (_, scenario) => {
    const result = await runScenario(scenario);
    expect(result.problems).toEqual([]);
  });
});

describe("a scenario's declaration", () => {
  test("reports the difference when the engine's output does not match", async () => {
    const wrong = { ...SCENARIOS[0], expected: { app: ["CallConnected 200/0", "CallDisconnected 200/7000"] } };
    const result = await runScenario(wrong);
    expect(result.problems).toEqual(["app: expected CallConnected 200/0 → CallDisconnected 200/7000, got CallConnected 200/0 → ParticipantsUpdated → CallDisconnected 200/7000"]);
  });

  test("reports a broken causal constraint", async () => {
    const reversed = { ...SCENARIOS[0], constraints: [{ kind: "before" as const, first: "ParticipantsUpdated", then: "CallConnected" }] };
    const result = await runScenario(reversed);
    expect(result.problems).toEqual(["app: before: CallConnected came before ParticipantsUpdated"]);
  });
});

describe("documented sequences under every delivery order", () => {
  const counts: string[] = [];
  afterAll(() => console.log(`orders explored per scenario (no duplicates, bound 200): ${counts.join(", ")}`));
  test.each(SCENARIOS.map((s) => [s.name, s] as const))("%s: its own steps pass every order", async (_, scenario) => {
    const result = await explore({ scenario, app: scenarioApp(scenario), seed: 1, duplicates: 0, maxRuns: 200 });
    counts.push(`${scenario.name} ${result.runs}${result.exhaustive ? "" : "+"}`);
    expect(result.failure?.reason).toBeUndefined();
    expect(result.runs).toBeGreaterThan(0);
  });
});
