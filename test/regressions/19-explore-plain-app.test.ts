/**
 * Issue 19 through the CLI, with a plain node:http app behind a URL (test/scenarios/apps/plainApp.mjs)
 * that answers its start at once and places the call later. It used to pass having explored
 * nothing when its first request missed a fixed 10 ms window.
 */
import { describe, expect, test } from "vitest";
import { CLI_TEST_TIMEOUT_MS, exploreApp, explorePlain, freePort } from "../support/exploreCli.js";

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

  test("exits 2 saying so when the app makes no request, instead of passing", async () => {
    const run = await explorePlain("silent", ["--answer-timeout-ms", "500"]);
    expect(run.code, run.output).toBe(2);
    expect(run.output).toMatch(/ERROR default-world: the app made no request to callsim in this run\. callsim waited 500 ms \(--answer-timeout-ms\) after POST http:\/\/127\.0\.0\.1:\d+\/start/);
  }, CLI_TEST_TIMEOUT_MS);
});
