import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, test } from "vitest";
import type { ExploreResult } from "../../scenarios/explorer.js";
import { exitCode, jsonReport, junitReport, progressLine, summaryLine, writeReports, type ScenarioOutcome } from "../../scenarios/exploreReport.js";
import { envName, EXPLORE_OPTIONS, optionsHelp, readExploreOptions, wholeNumber } from "../../scenarios/exploreOptions.js";

// What CI shows of an exploration: the exit code, the log line, the JUnit and JSON files.
const coverage = { systematic: 6, sampled: 0, shrinking: 0, notRun: 0, states: 0, pruned: 0 };
const passed: ExploreResult = { scenario: "outbound-answered", seed: 3, runs: 6, exhaustive: true, coverage, failures: 0, summary: "Every one of all 6 allowed orders passed (seed 3)." };
const failed: ExploreResult = {
  scenario: "answer-incoming",
  seed: 4,
  runs: 9,
  exhaustive: false,
  coverage: { ...coverage, systematic: 5, sampled: 2, shrinking: 3 },
  failures: 2,
  failure: { reason: `the app's handler threw: "x" < 'y' & z`, order: ["app calls POST :answer", "CallConnected"], cost: { duplicates: 0, moved: 1 }, token: "v2.4.1-0", diagram: "sequenceDiagram\n  App->>ACS: answer" },
  summary: "A failing order was found after 7 orders explored.",
};
const outcome = (status: ScenarioOutcome["status"], extra: Partial<ScenarioOutcome> = {}): ScenarioOutcome => ({
  name: `s-${status}`,
  status,
  durationMs: 1234,
  ...(status === "passed" ? { result: passed } : status === "failed" ? { result: failed } : { error: 'the app <did> not "answer"' }),
  ...extra,
});

describe("exit codes", () => {
  test("are 0 when every scenario passed, 1 when one failed, 2 when one could not run", () => {
    expect(exitCode([])).toBe(0);
    expect(exitCode([outcome("passed"), outcome("passed")])).toBe(0);
    expect(exitCode([outcome("passed"), outcome("failed")])).toBe(1);
    expect(exitCode([outcome("failed"), outcome("error"), outcome("passed")])).toBe(2);
    expect(exitCode([outcome("error")])).toBe(2);
  });
});

describe("summary lines", () => {
  test("a pass shows the coverage, failures, seed and seconds", () => {
    expect(summaryLine(outcome("passed"))).toBe("PASS s-passed: exhaustive: all 6 allowed orders, 0 failing, seed 3 (1.2 s)");
  });

  test("a failure counts the orders run and the runs spent shrinking", () => {
    expect(summaryLine(outcome("failed"))).toBe("FAIL s-failed: 7 orders run (and 3 shrinking the failure), 2 failing, seed 4 (1.2 s)");
    const unshrunk = { ...failed, coverage: { ...failed.coverage, shrinking: 0 } };
    expect(summaryLine(outcome("failed", { result: unshrunk }))).toBe("FAIL s-failed: 7 orders run, 2 failing, seed 4 (1.2 s)");
  });

  test("an error shows why the scenario could not run", () => {
    expect(summaryLine(outcome("error", { durationMs: 50 }))).toBe('ERROR s-error: the app <did> not "answer" (0.1 s)');
  });

  test("progress shows orders per second, and 0 before any time passed", () => {
    expect(progressLine("group-call", 30, 1, 2000)).toBe("callsim explore group-call: 30 orders, 1 failing, 15 orders/s");
    expect(progressLine("group-call", 3, 0, 0)).toBe("callsim explore group-call: 3 orders, 0 failing, 0 orders/s");
  });
});

describe("the JUnit report", () => {
  let xml = "";
  beforeEach(() => {
    xml = junitReport([outcome("passed"), outcome("failed"), outcome("error", { durationMs: 500 })]);
  });

  test("counts the test cases, failures, errors and total time", () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="callsim explore" tests="3" failures="1" errors="1" time="2.968">\n')).toBe(true);
    expect(xml).toContain('  <testsuite name="callsim explore" tests="3" failures="1" errors="1" skipped="0" time="2.968">\n');
    expect(xml.endsWith("  </testsuite>\n</testsuites>\n")).toBe(true);
  });

  test("a passing case carries the summary", () => {
    expect(xml).toContain('    <testcase classname="callsim.explore" name="s-passed" time="1.234">\n      <system-out>Every one of all 6 allowed orders passed (seed 3).</system-out>\n    </testcase>');
  });

  test("a failing case carries the reason, the smallest order, the replay token and the diagram, escaped", () => {
    expect(xml).toContain(
      `    <testcase classname="callsim.explore" name="s-failed" time="1.234">\n      <failure message="the app&apos;s handler threw: &quot;x&quot; &lt; &apos;y&apos; &amp; z" type="OrderFailure">Smallest failing order: app calls POST :answer → CallConnected\nReplay: v2.4.1-0\n\nsequenceDiagram\n  App-&gt;&gt;ACS: answer</failure>\n      <system-out>A failing order was found after 7 orders explored.</system-out>\n    </testcase>`,
    );
  });

  test("an error case says why, as an ExploreSetupError", () => {
    expect(xml).toContain(
      '    <testcase classname="callsim.explore" name="s-error" time="0.500">\n      <error message="the app &lt;did&gt; not &quot;answer&quot;" type="ExploreSetupError">the app &lt;did&gt; not &quot;answer&quot;</error>\n    </testcase>',
    );
  });

  test("an error without a message still makes a well-formed case", () => {
    expect(junitReport([{ name: "n", status: "error", durationMs: 0 }])).toContain('<error message="" type="ExploreSetupError"></error>');
  });

  test("a passed case without a result has no system-out", () => {
    expect(junitReport([{ name: "n", status: "passed", durationMs: 0 }])).toContain('<testcase classname="callsim.explore" name="n" time="0.000">\n    </testcase>');
  });
});

describe("the JSON report", () => {
  test("holds the exit code and each scenario's result as explore() returned it", () => {
    const text = jsonReport([outcome("passed"), outcome("error")]);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toContain('\n  "tool": "callsim explore"');
    expect(JSON.parse(text)).toEqual({
      tool: "callsim explore",
      exitCode: 2,
      scenarios: [
        { name: "s-passed", status: "passed", durationMs: 1234, result: passed },
        { name: "s-error", status: "error", durationMs: 1234, error: 'the app <did> not "answer"' },
      ],
    });
  });
});

describe("writing the reports", () => {
  test("writes each report asked for into directories it creates, and answers the files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "callsim-reports-"));
    const files = { junit: join(dir, "a", "b", "junit.xml"), json: join(dir, "a", "b", "out.json") };
    const outcomes = [outcome("failed")];
    expect(await writeReports(outcomes, ["junit", "json"], files)).toEqual([files.junit, files.json]);
    expect(await writeReports(outcomes, ["json"], files)).toEqual([files.json]);
    expect(readFileSync(files.junit, "utf8")).toBe(junitReport(outcomes));
    expect(readFileSync(files.json, "utf8")).toBe(jsonReport(outcomes));
    expect(await writeReports(outcomes, [], files)).toEqual([]);
  });
});

describe("explore's options", () => {
  test("a boolean twin is on for 1, true or yes in any case, off for anything else", () => {
    for (const on of ["1", "true", "TRUE", "Yes"]) expect(readExploreOptions([], { CALLSIM_HTTPS: on }).https, on).toBe(true);
    for (const off of ["0", "false", "no", ""]) expect(readExploreOptions([], { CALLSIM_HTTPS: off }).https, off).toBe(false);
    expect(readExploreOptions([], {}).https).toBeUndefined();
    expect(readExploreOptions(["--https"], { CALLSIM_HTTPS: "no" }).https).toBe(true);
  });

  test("a list option splits flags and its twin at commas, trims and drops empty items", () => {
    expect(readExploreOptions(["--scenario", "a, b", "--scenario", ",c,"], { CALLSIM_SCENARIO: "z" }).scenario).toEqual(["a", "b", "c"]);
    expect(readExploreOptions([], { CALLSIM_SCENARIO: " x ,, y" }).scenario).toEqual(["x", "y"]);
    expect(readExploreOptions([], { CALLSIM_SCENARIO: "" }).scenario).toEqual([]);
  });

  test("an unknown flag or a stray word is refused", () => {
    expect(() => readExploreOptions(["--max-run", "3"], {})).toThrow(/--max-run/);
    expect(() => readExploreOptions(["outbound-answered"], {})).toThrow(/outbound-answered/);
  });

  test("a single-valued flag is read as given, without its twin", () => {
    expect(readExploreOptions(["--seed", "5"], {}).seed).toBe("5");
    expect(readExploreOptions([], { CALLSIM_SEED: "6" }).seed).toBe("6");
    expect(readExploreOptions([], {}).seed).toBeUndefined();
  });

  test("a twin's name is CALLSIM_ and the flag in capitals with underscores", () => {
    expect(envName("answer-timeout-ms")).toBe("CALLSIM_ANSWER_TIMEOUT_MS");
  });

  test("a whole number takes its fallback when absent and refuses what is not one, naming flag and twin", () => {
    const values = (raw: string | undefined) => ({ ...readExploreOptions([], {}), "max-runs": raw });
    expect(wholeNumber(values(undefined), "max-runs", 200)).toBe(200);
    expect(wholeNumber(values("0"), "max-runs", 200)).toBe(0);
    expect(wholeNumber(values("5"), "max-runs", 200, 5)).toBe(5);
    for (const blank of ["", "  "]) expect(() => wholeNumber(values(blank), "max-runs", 200), JSON.stringify(blank)).toThrow(`got "${blank}"`);
    let thrown: Error | undefined;
    try {
      wholeNumber(values("x"), "max-runs", 200);
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.name).toBe("ExploreSetupError");
    for (const raw of ["", " ", "1.5", "-1", "ten", "4"]) {
      expect(() => wholeNumber(values(raw), "max-runs", 200, 5), raw).toThrow(`--max-runs (or CALLSIM_MAX_RUNS) must be a whole number of at least 5, got "${raw}".`);
    }
  });

  test("the help describes every flag, and shows what each flag that takes a value expects", () => {
    const lines = optionsHelp().split("\n");
    expect(lines).toHaveLength(Object.keys(EXPLORE_OPTIONS).length);
    for (const [name, spec] of Object.entries(EXPLORE_OPTIONS)) {
      const line = lines.find((l) => l.startsWith(`  --${name} `));
      expect(line, name).toBeDefined();
      const shown = spec.type === "string" ? new RegExp(`^ {2}--${name} <[a-z|.,<>/-]+> +\\S.{8,}$`) : new RegExp(`^ {2}--${name} +\\S.{8,}$`);
      expect(line, name).toMatch(shown);
    }
  });

  test("the help lists every flag with its value and text, aligned in one column", () => {
    const lines = optionsHelp().split("\n");
    expect(lines).toContain(`  ${"--max-runs <n>".padEnd(lines[0].indexOf("where") - 2)}orders run systematically, cheapest first (default 200)`);
    expect(lines.find((line) => line.startsWith("  --https "))).toMatch(/^ {2}--https +serve TLS/);
    const column = lines[0].indexOf("where");
    for (const line of lines) expect(line.slice(column - 2, column + 1), line).toMatch(/^ {2}\S$/);
  });
});
