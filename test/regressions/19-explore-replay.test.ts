/**
 * Issue 19 through the CLI, with the buggy plain node:http app of test/scenarios/apps/plainApp.mjs.
 * The first order explored used to repeat an event, the "smallest failing order" could carry a
 * copy the failure did not need, and a replay said "all 1 allowed orders".
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { CLI_TEST_TIMEOUT_MS, explorePlain } from "../support/exploreCli.js";

describe("callsim explore, a failing order", () => {
  test("exits 1 with the cheapest failing order (no copy it does not need), replayable through the CLI, and a JSON report", async () => {
    const dir = mkdtempSync(join(tmpdir(), "callsim-explore-plain-"));
    const run = await explorePlain("buggy", ["--max-runs", "20", "--reporter", "json", "--json-file", join(dir, "report.json")]);
    expect(run.code, run.output).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
    expect(report.exitCode).toBe(1);
    const failure = report.scenarios[0].result.failure;
    expect(failure.reason).toMatch(/on ParticipantsUpdated answered 500/);
    expect(failure.cost.duplicates).toBe(0);
    expect(failure.order.join()).not.toMatch(/again/);

    const replay = await explorePlain("buggy", ["--replay", failure.token]);
    expect(replay.code, replay.output).toBe(1);
    expect(replay.output).toContain(`The replayed order ${failure.token} failed`);
    expect(replay.output).not.toMatch(/allowed orders/);
  }, CLI_TEST_TIMEOUT_MS);
});
