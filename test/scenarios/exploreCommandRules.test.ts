import { isMainThread } from "node:worker_threads";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test, vi } from "vitest";
import { SCENARIOS } from "../../scenarios/catalog/index.js";
import { runExploreCommand } from "../../scenarios/exploreCommand.js";
import { freePort } from "../support/exploreCli.js";

const APPS = join(import.meta.dirname, "apps");
const robustModule = join(APPS, "answeringModule.mjs");
const scenarioNames = SCENARIOS.map((s) => s.name);

async function command(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  const progress: string[] = [];
  const code = await runExploreCommand(argv, { out: (line) => lines.push(line), progress: (text) => progress.push(text) }, env);
  return { code, lines, progress };
}

const tempDir = () => mkdtempSync(join(tmpdir(), "callsim-explore-rules-"));

function moduleFile(source: string): string {
  const file = join(tempDir(), "app.mjs");
  writeFileSync(file, source);
  return file;
}

/** Resolves once the port can be bound again: the command let go of it. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("callsim explore --help", () => {
  test("prints the usage, naming every catalog scenario, and exits 0", async () => {
    const { code, lines } = await command(["--help"]);
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^callsim explore: run an app against every event order the service may produce\n\nUsage: callsim explore --callback-url/);
    expect(lines[0]).toContain(`\nScenarios: ${scenarioNames.join(", ")}\nExits 0 when every explored order passes`);
  });

  test("an option it does not know exits 2 with the reason followed by the usage", async () => {
    const { code, lines } = await command(["--bogus"]);
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^callsim explore: Unknown option '--bogus'[^\n]*\n\ncallsim explore: run an app against every event order/);
    expect(lines[0]).toContain(`Scenarios: ${scenarioNames.join(", ")}`);
  });
});

describe("callsim explore: options checked together", () => {
  const setupFailure = (reason: string) => [`callsim explore: could not run: ${reason}`];

  test("a callback URL alone, with neither a start URL nor an incoming call, exits 2", async () => {
    const { code, lines, progress } = await command(["--callback-url", "http://127.0.0.1:9/cb", "--port", "0"], { CALLSIM_READY_TIMEOUT_MS: "50" });
    expect(code).toBe(2);
    expect(lines).toEqual(setupFailure("give --app <module>, or --callback-url with --start-url or --incoming-call (see callsim explore --help)."));
    // The progress line is cleared before the reason is shown.
    expect(progress).toEqual([""]);
  });

  test.each(["callback-url", "start-url", "event-grid-url", "reset-url"])("--%s must be an absolute URL", async (name) => {
    const urls: Record<string, string> = { "callback-url": "http://127.0.0.1:9/cb", "start-url": "http://127.0.0.1:9/start", [name]: "not a url" };
    const argv = Object.entries(urls).flatMap(([flag, value]) => [`--${flag}`, value]);
    const { code, lines } = await command([...argv, "--port", "0"], { CALLSIM_READY_TIMEOUT_MS: "50" });
    expect(code).toBe(2);
    const twin = `CALLSIM_${name.toUpperCase().replace(/-/g, "_")}`;
    expect(lines).toEqual(setupFailure(`--${name} (or ${twin}) must be an absolute URL such as http://127.0.0.1:3000/api/callbacks, got "not a url".`));
  });

  test("a reporter other than junit or json exits 2", async () => {
    const dir = tempDir();
    const { code, lines } = await command(["--app", robustModule, "--reporter", "json,xml", "--json-file", join(dir, "r.json"), "--max-runs", "1", "--samples", "0"]);
    expect(code).toBe(2);
    expect(lines).toEqual(setupFailure(`--reporter (or CALLSIM_REPORTER) is junit or json, got "xml".`));
  });

  test("an unknown scenario is refused with the whole list of names", async () => {
    const { code, lines } = await command(["--app", robustModule, "--scenario", "nope"]);
    expect(code).toBe(2);
    expect(lines).toEqual(setupFailure(`no scenario is named "nope". Use one of: ${scenarioNames.join(", ")}.`));
  });

  test("--replay with more than one scenario exits 2", async () => {
    const { code, lines } = await command(["--app", robustModule, "--scenario", `${scenarioNames[0]},${scenarioNames[1]}`, "--replay", "v2.x"]);
    expect(code).toBe(2);
    expect(lines).toEqual(setupFailure("--replay reruns one order of one scenario: give a single --scenario."));
  });

  test.each([["{}"], ["null"], ['{"parties":"busy"}']])("a world file %s without a parties object exits 2 showing the shape", async (text) => {
    const world = join(tempDir(), "world.json");
    writeFileSync(world, text);
    const { code, lines } = await command(["--app", robustModule, "--world", world]);
    expect(code).toBe(2);
    expect(lines).toEqual(setupFailure(`--world ${world} must be {"parties":{"<rawId>":{"behavior":"answer","input":[{"dtmf":"1"}]}}}.`));
  });

  test.each(["a", ",b", "a,"])("--incoming-call %s, without both rawIds, exits 2", async (value) => {
    const { code, lines } = await command(["--callback-url", "http://127.0.0.1:9/cb", "--incoming-call", value, "--port", "0"], { CALLSIM_READY_TIMEOUT_MS: "50" });
    expect(code).toBe(2);
    expect(lines).toEqual(setupFailure(`--incoming-call is <from>,<to> (rawIds), got "${value}".`));
  });
});

describe("callsim explore: an app behind a URL", () => {
  test("says which connection string and keys the app uses, waits for it, and lets go of its port", async () => {
    const port = await freePort();
    const appPort = await freePort();
    const { code, lines } = await command(
      ["--port", String(port), "--callback-url", `http://127.0.0.1:${appPort}/api/callbacks`, "--incoming-call", "4:+14255550123,4:+18005550100", "--event-grid-url", `http://127.0.0.1:${appPort}/eg`],
      { CALLSIM_READY_TIMEOUT_MS: "100" },
    );
    expect(code).toBe(2);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(new RegExp(`^callsim explore: the app must use connectionString=endpoint=http://127\\.0\\.0\\.1:${port}/;accesskey=\\S+$`));
    expect(lines[1]).toMatch(new RegExp(`^callsim explore: callbacks carry a JWT for resource id \\S+; keys at http://127\\.0\\.0\\.1:${port}/calling/\\.well-known/acsopenidconfiguration$`));
    expect(lines[2]).toBe(`callsim explore: waiting for the app at http://127.0.0.1:${appPort}/`);
    expect(lines[3]).toMatch(new RegExp(`^callsim explore: could not run: the app did not answer at http://127\\.0\\.0\\.1:${appPort}/ within 100 ms`));
    expect(await portIsFree(port)).toBe(true);
  });
});

describe("callsim explore --app: what the module must export", () => {
  const mustExport = (file: string) => [`callsim explore: could not run: --app ${file} must export an app (default export, or export const app) with start(ctx) and handle(events, ctx), as explore() takes.`];

  test("an app without start is refused", async () => {
    const file = moduleFile("export default { handle() {} };");
    expect((await command(["--app", file])).lines).toEqual(mustExport(file));
  });

  test("an app without handle is refused", async () => {
    const file = moduleFile("export default { start() {} };");
    expect((await command(["--app", file])).lines).toEqual(mustExport(file));
  });

  test("a module that cannot be found exits 2 saying it could not be loaded, even for TypeScript", async () => {
    const file = join(tempDir(), "missing.ts");
    const { code, lines } = await command(["--app", file]);
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^callsim explore: could not run: --app ${file.replace(/[.]/g, "\\.")} could not be loaded: \\S`));
  });
});

describe("callsim explore --app: reports and progress", () => {
  // process.chdir is refused in a worker thread (the thread pool mutation testing runs the suite in).
  test.skipIf(!isMainThread)("writes the reports to their default file names in the working directory, and says so", async () => {
    const dir = tempDir();
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const { code, lines } = await command(["--app", robustModule, "--scenario", "outbound-answered", "--seed", "1", "--max-runs", "1", "--samples", "0", "--reporter", "junit,json"]);
      expect(code).toBe(0);
      expect(lines.slice(-2)).toEqual(["callsim explore: wrote callsim-explore.junit.xml", "callsim explore: wrote callsim-explore.json"]);
    } finally {
      process.chdir(cwd);
    }
    expect(readFileSync(join(dir, "callsim-explore.junit.xml"), "utf8")).toMatch(/<testcase [^>]*name="outbound-answered"/);
    expect(JSON.parse(readFileSync(join(dir, "callsim-explore.json"), "utf8")).scenarios[0].name).toBe("outbound-answered");
  });

  test("shows progress at most once per tenth of a second, and times each scenario by the clock", async () => {
    // A clock that stands still (at the real time, which the emulator checks signed requests against):
    // the first run is long after "never", so it shows progress; the later ones come 0 ms after it.
    vi.spyOn(Date, "now").mockReturnValue(Date.now());
    const json = join(tempDir(), "r.json");
    const { code, progress, lines } = await command(["--app", robustModule, "--scenario", "outbound-answered", "--seed", "1", "--max-runs", "5", "--samples", "0", "--reporter", "json", "--json-file", json]);
    vi.restoreAllMocks();
    expect(code, lines.join("\n")).toBe(0);
    expect(progress).toEqual(["callsim explore outbound-answered: 1 orders, 0 failing, 0 orders/s", ""]);
    expect(JSON.parse(readFileSync(json, "utf8")).scenarios[0].durationMs).toBe(0);
  });
});

describe("callsim explore's own output", () => {
  test("without an io, writes its lines to stdout, and clears the progress line on stderr when that is a terminal", async () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (stdout.push(String(chunk)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (stderr.push(String(chunk)), true));
    const wasTty = process.stderr.isTTY;
    process.stderr.isTTY = true;
    try {
      expect(await runExploreCommand(["--app", robustModule, "--scenario", "nope"], undefined, {})).toBe(2);
    } finally {
      process.stderr.isTTY = wasTty;
      vi.restoreAllMocks();
    }
    expect(stdout).toEqual([`callsim explore: could not run: no scenario is named "nope". Use one of: ${scenarioNames.join(", ")}.\n`]);
    expect(stderr).toEqual(["\r\x1b[2K"]);
  });

  test("when stderr is no terminal, shows no progress line", async () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const wasTty = process.stderr.isTTY;
    process.stderr.isTTY = false;
    try {
      expect(await runExploreCommand(["--app", robustModule, "--scenario", "nope"], undefined, {})).toBe(2);
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      process.stderr.isTTY = wasTty;
      vi.restoreAllMocks();
    }
  });
});

describe("callsim explore --app on worker threads", () => {
  test("a module's default export is built again in each worker thread the search is split across", async () => {
    const json = join(tempDir(), "r.json");
    const { code, lines } = await command(["--app", robustModule, "--scenario", "outbound-answered", "--seed", "2", "--shard", "1/1", "--workers", "2", "--reporter", "json", "--json-file", json]);
    expect(code, lines.join("\n")).toBe(0);
    expect(JSON.parse(readFileSync(json, "utf8")).scenarios[0].result.coverage.workers).toBe(2);
  });
});

describe("callsim explore's progress rate", () => {
  test("is the orders run over the time since the scenario began", async () => {
    // A clock that ticks one millisecond per reading: the first order ends a few ticks after the scenario began.
    const start = Date.now();
    let ticks = 0;
    vi.spyOn(Date, "now").mockImplementation(() => start + ticks++);
    const { code, progress } = await command(["--app", robustModule, "--scenario", "outbound-answered", "--seed", "1", "--max-runs", "1", "--samples", "0"]);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const [, rate] = /^callsim explore outbound-answered: 1 orders, 0 failing, (\d+) orders\/s$/.exec(progress[0])!;
    expect(Number(rate)).toBeGreaterThanOrEqual(1);
    expect(Number(rate)).toBeLessThanOrEqual(1000);
  });
});
