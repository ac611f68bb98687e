import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { coverageText, type ExploreResult } from "./explorer.js";

/** One scenario's exploration as a CI report shows it: one test case. */
export interface ScenarioOutcome {
  name: string;
  status: "passed" | "failed" | "error";
  durationMs: number;
  result?: ExploreResult;
  /** Why the exploration could not run (status "error"). */
  error?: string;
}

/** The exit code of a whole `callsim explore`: 2 when any scenario could not run, else 1 when any failed, else 0. */
export function exitCode(outcomes: ScenarioOutcome[]): 0 | 1 | 2 {
  if (outcomes.some((o) => o.status === "error")) return 2;
  return outcomes.some((o) => o.status === "failed") ? 1 : 0;
}

/** The one line a CI log shows for a scenario. */
export function summaryLine(outcome: ScenarioOutcome): string {
  const seconds = (outcome.durationMs / 1000).toFixed(1);
  if (outcome.status === "error") return `ERROR ${outcome.name}: ${outcome.error} (${seconds} s)`;
  const result = outcome.result!;
  const { systematic, sampled, shrinking } = result.coverage;
  const scope = result.failure ? `${systematic + sampled} orders run${shrinking > 0 ? ` (and ${shrinking} shrinking the failure)` : ""}` : coverageText(result);
  return `${outcome.status === "passed" ? "PASS" : "FAIL"} ${outcome.name}: ${scope}, ${result.failures} failing, seed ${result.seed} (${seconds} s)`;
}

/** A progress line for a terminal: orders run, failures, rate. */
export function progressLine(name: string, runs: number, failures: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? Math.round((runs * 1000) / elapsedMs) : 0;
  return `callsim explore ${name}: ${runs} orders, ${failures} failing, ${rate} orders/s`;
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&${{ "<": "lt", ">": "gt", "&": "amp", '"': "quot", "'": "apos" }[c]};`);

/** A JUnit XML report, the format CI systems display: one test case per scenario. */
export function junitReport(outcomes: ScenarioOutcome[]): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = outcomes.reduce((n, o) => n + o.durationMs, 0);
  const cases = outcomes.map((o) => {
    const open = `    <testcase classname="callsim.explore" name="${escapeXml(o.name)}" time="${seconds(o.durationMs)}"`;
    const out = o.result ? `\n      <system-out>${escapeXml(o.result.summary)}</system-out>` : "";
    if (o.status === "passed") return `${open}>${out}\n    </testcase>`;
    if (o.status === "error") return `${open}>\n      <error message="${escapeXml(o.error ?? "")}" type="ExploreSetupError">${escapeXml(o.error ?? "")}</error>\n    </testcase>`;
    const failure = o.result!.failure!;
    const body = [`Smallest failing order: ${failure.order.join(" → ")}`, `Replay: ${failure.token}`, "", failure.diagram].join("\n");
    return `${open}>\n      <failure message="${escapeXml(failure.reason)}" type="OrderFailure">${escapeXml(body)}</failure>${out}\n    </testcase>`;
  });
  const count = (status: ScenarioOutcome["status"]) => outcomes.filter((o) => o.status === status).length;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="callsim explore" tests="${outcomes.length}" failures="${count("failed")}" errors="${count("error")}" time="${seconds(total)}">`,
    `  <testsuite name="callsim explore" tests="${outcomes.length}" failures="${count("failed")}" errors="${count("error")}" skipped="0" time="${seconds(total)}">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}

/** A JSON report: the exit code and every scenario's result, as `explore()` returns it. */
export function jsonReport(outcomes: ScenarioOutcome[]): string {
  const scenarios = outcomes.map((o) => ({ name: o.name, status: o.status, durationMs: o.durationMs, error: o.error, ...(o.result && { result: o.result }) }));
  return `${JSON.stringify({ tool: "callsim explore", exitCode: exitCode(outcomes), scenarios }, null, 2)}\n`;
}

/** Writes each report asked for; answers the files written. */
export async function writeReports(outcomes: ScenarioOutcome[], reporters: string[], files: { junit: string; json: string }): Promise<string[]> {
  const written: string[] = [];
  for (const reporter of reporters) {
    const path = reporter === "junit" ? files.junit : files.json;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, reporter === "junit" ? junitReport(outcomes) : jsonReport(outcomes));
    written.push(path);
  }
  return written;
}
