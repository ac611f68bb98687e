/**
 * What `callsim explore --app` tells its user as it goes and when it is done: progress lines,
 * the summary of a scenario that could not run, the report files it wrote, and the trace of an
 * error it did not expect.
 */
import fs from "node:fs/promises";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test, vi } from "vitest";
import { runExploreCommand } from "../../scenarios/exploreCommand.js";

const robustModule = join(import.meta.dirname, "apps", "answeringModule.mjs");
const tempDir = () => mkdtempSync(join(tmpdir(), "callsim-explore-reports-"));

async function command(argv: string[], progress?: (text: string) => void) {
  const lines: string[] = [];
  const shown: string[] = [];
  const code = await runExploreCommand(argv, { out: (line) => lines.push(line), progress: (text) => (shown.push(text), progress?.(text)) }, {});
  return { code, lines, progress: shown };
}

/** The wall clock, stopped at the real time (signed requests are checked against it); `advance` moves it on. */
function stoppedClock() {
  let now = Date.now();
  vi.spyOn(Date, "now").mockImplementation(() => now);
  return { advance: (ms: number) => void (now += ms) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("callsim explore's progress line", () => {
  test("is shown again for an order that ends a tenth of a second after the last one shown", async () => {
    const clock = stoppedClock();
    const json = join(tempDir(), "r.json");
    // Every shown line is followed by exactly the interval that allows the next one.
    const { code, lines, progress } = await command(
      ["--app", robustModule, "--scenario", "outbound-answered", "--seed", "1", "--max-runs", "4", "--samples", "0", "--reporter", "json", "--json-file", json],
      (text) => text && clock.advance(100),
    );
    vi.restoreAllMocks();
    expect(code, lines.join("\n")).toBe(0);
    const runs = JSON.parse(readFileSync(json, "utf8")).scenarios[0].result.runs as number;
    expect(runs).toBeGreaterThan(1);
    const counts = progress.slice(0, -1).map((text) => Number(/: (\d+) orders, /.exec(text)![1]));
    expect(counts).toEqual(Array.from({ length: runs }, (_, i) => i + 1));
    expect(progress.at(-1)).toBe("");
  });
});

describe("a scenario that could not run", () => {
  test("is an ERROR line with the reason and the time it took, and exit code 2", async () => {
    const silent = join(tempDir(), "silent.mjs");
    writeFileSync(silent, "export default { start() {}, handle() {} };");
    stoppedClock();
    const json = join(tempDir(), "r.json");
    const { code, lines } = await command(["--app", silent, "--scenario", "outbound-answered,group-call", "--seed", "1", "--reporter", "json", "--json-file", json]);
    vi.restoreAllMocks();
    expect(code).toBe(2);
    const reason = "the app made no request to callsim in this run. Its start step must make a Call Automation request through ctx.client.";
    // Both scenarios are tried: the first one's error does not stop the second.
    expect(lines).toEqual([`ERROR outbound-answered: ${reason} (0.0 s)`, `ERROR group-call: ${reason} (0.0 s)`, `callsim explore: wrote ${json}`]);
    const report = JSON.parse(readFileSync(json, "utf8"));
    expect(report.scenarios.map((s: { name: string; status: string; durationMs: number; error: string }) => [s.name, s.status, s.durationMs, s.error])).toEqual([
      ["outbound-answered", "error", 0, reason],
      ["group-call", "error", 0, reason],
    ]);
  });
});

describe("the report files", () => {
  test("are written where --junit-file and --json-file say, each named on a line of its own", async () => {
    const dir = tempDir();
    const junit = join(dir, "nested", "junit.xml");
    const json = join(dir, "report.json");
    const { code, lines } = await command(["--app", robustModule, "--scenario", "outbound-answered", "--seed", "1", "--max-runs", "1", "--samples", "0", "--reporter", "json,junit", "--junit-file", junit, "--json-file", json]);
    expect(code).toBe(0);
    expect(lines.slice(-2)).toEqual([`callsim explore: wrote ${json}`, `callsim explore: wrote ${junit}`]);
    expect(readFileSync(junit, "utf8")).toMatch(/<testcase [^>]*name="outbound-answered"/);
  });

  test("default to callsim-explore.junit.xml and callsim-explore.json in the working directory", async () => {
    // The files are caught on their way to the disk: the working directory is the checkout's,
    // and a test thread may not change it.
    const written = new Map<string, string>();
    vi.spyOn(fs, "mkdir").mockResolvedValue(undefined);
    vi.spyOn(fs, "writeFile").mockImplementation(async (path, data) => void written.set(String(path), String(data)));
    syncBuiltinESMExports();
    let result: Awaited<ReturnType<typeof command>>;
    try {
      result = await command(["--app", robustModule, "--scenario", "outbound-answered", "--seed", "1", "--max-runs", "1", "--samples", "0", "--reporter", "junit,json"]);
    } finally {
      vi.restoreAllMocks();
      syncBuiltinESMExports();
    }
    expect(result.code).toBe(0);
    expect(result.lines.slice(-2)).toEqual(["callsim explore: wrote callsim-explore.junit.xml", "callsim explore: wrote callsim-explore.json"]);
    expect([...written.keys()]).toEqual(["callsim-explore.junit.xml", "callsim-explore.json"]);
    expect(written.get("callsim-explore.junit.xml")).toMatch(/<testcase [^>]*name="outbound-answered"/);
    expect(JSON.parse(written.get("callsim-explore.json")!).scenarios[0].name).toBe("outbound-answered");
  });
});

describe("an error callsim explore did not expect", () => {
  test("exits 2 showing its stack, not just its message", async () => {
    // The app's own code throws where the explorer builds its state: a bug of the app, whose trace helps.
    const file = join(tempDir(), "app.mjs");
    writeFileSync(file, "export default { init() { throw new RangeError('no state for you'); }, start() {}, handle() {} };");
    const { code, lines, progress } = await command(["--app", file, "--seed", "1"]);
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^callsim explore: could not run: RangeError: no state for you\n {4}at /);
    expect(lines[0]).toContain(file);
    expect(progress.at(-1)).toBe("");
  });
});
