/**
 * Issue 19 through the CLI, with a plain node:http app behind a URL (test/scenarios/apps/plainApp.mjs)
 * that answers its start at once and places the call later. It used to pass having explored
 * nothing when its first request missed a fixed 10 ms window, to report a smallest order that
 * carried a copy the failure did not need, and to say "all 1 allowed orders" for a replay.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { CLI_TEST_TIMEOUT_MS, EXIT_BOUND_MS, exploreApp, freePort, spawnCli } from "../support/exploreCli.js";

async function explorePlain(variant: "buggy" | "robust" | "silent", args: string[], appEnv: Record<string, string> = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const run = await exploreApp({
    app: "plainApp.mjs",
    appPort: port,
    appEnv: { APP_VARIANT: variant, ...appEnv },
    args: ["--port", "0", "--start-url", `${base}/start`, "--callback-url", `${base}/callbacks`, "--reset-url", `${base}/reset`, "--seed", "3", ...args],
  });
  expect(run.code, `callsim explore did not exit within ${EXIT_BOUND_MS} ms:\n${run.output}`).not.toBe("hung");
  return run;
}

describe("callsim explore, a plain node:http app", () => {
  test("waits for an app whose first request comes late, and passes only having run orders", async () => {
    const run = await explorePlain("robust", ["--max-runs", "5", "--samples", "0"], { START_DELAY_MS: "150" });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/^PASS default-world: (exhaustive: all [1-5]|not exhaustive: 5) orders? run/m);
  }, CLI_TEST_TIMEOUT_MS);

  test("explores an app that answers an IncomingCall on its Event Grid webhook", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const run = await exploreApp({
      app: "plainApp.mjs",
      appPort: port,
      appEnv: { APP_VARIANT: "robust" },
      args: ["--port", "0", "--incoming-call", "4:+14255550123,4:+18005550100", "--event-grid-url", `${base}/eventgrid`, "--callback-url", `${base}/callbacks`, "--seed", "3", "--max-runs", "3", "--samples", "0"],
    });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/^PASS default-world: (exhaustive: all [1-3]|not exhaustive: 3) orders? run/m);
  }, CLI_TEST_TIMEOUT_MS);

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

  test("exits 2 saying so when the app makes no request, instead of passing", async () => {
    const run = await explorePlain("silent", ["--answer-timeout-ms", "500"]);
    expect(run.code, run.output).toBe(2);
    expect(run.output).toMatch(/ERROR default-world: the app made no request to callsim in this run\. callsim waited 500 ms \(--answer-timeout-ms\) after POST http:\/\/127\.0\.0\.1:\d+\/start/);
  }, CLI_TEST_TIMEOUT_MS);

  test("exits 2 naming the readiness bound when no app answers at its URL", async () => {
    const port = await freePort();
    const cli = spawnCli(["--port", "0", "--start-url", `http://127.0.0.1:${port}/start`, "--callback-url", `http://127.0.0.1:${port}/callbacks`], { CALLSIM_READY_TIMEOUT_MS: "300" });
    let output = "";
    cli.stdout!.on("data", (d) => (output += d));
    const bound = setTimeout(() => cli.kill("SIGKILL"), EXIT_BOUND_MS);
    const code = await new Promise((resolve) => cli.on("exit", resolve));
    clearTimeout(bound);
    expect(code, output).toBe(2);
    expect(output).toMatch(new RegExp(`the app did not answer at http://127\\.0\\.0\\.1:${port}/ within 300 ms \\(--ready-timeout-ms\\)`));
  }, CLI_TEST_TIMEOUT_MS);
});
