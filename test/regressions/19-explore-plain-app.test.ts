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
import { EXIT_BOUND_MS, exploreApp, freePort, spawnCli } from "../support/exploreCli.js";

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
  });

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
  });

  test("exits 2 saying so when the app makes no request, instead of passing", async () => {
    const run = await explorePlain("silent", ["--answer-timeout-ms", "500"]);
    expect(run.code, run.output).toBe(2);
    expect(run.output).toMatch(/ERROR default-world: the app made no request to callsim in this run\. callsim waited 500 ms \(--answer-timeout-ms\) after POST http:\/\/127\.0\.0\.1:\d+\/start/);
  });

  test("exits 2 naming the readiness bound when no app answers at its URL", async () => {
    const port = await freePort();
    const cli = spawnCli(["--port", "0", "--start-url", `http://127.0.0.1:${port}/start`, "--callback-url", `http://127.0.0.1:${port}/callbacks`], { CALLSIM_READY_TIMEOUT_MS: "300" });
    let output = "";
    cli.stdout!.on("data", (d) => (output += d));
    const code = await new Promise((resolve) => cli.on("exit", resolve));
    expect(code, output).toBe(2);
    expect(output).toMatch(new RegExp(`the app did not answer at http://127\\.0\\.0\\.1:${port}/start within 300 ms \\(--ready-timeout-ms\\)`));
  });
});
