import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { runExploreCommand } from "../../scenarios/exploreCommand.js";
import { envName, EXPLORE_OPTIONS, readExploreOptions } from "../../scenarios/exploreOptions.js";
import { CLI_TEST_TIMEOUT_MS, EXIT_BOUND_MS, freePort, spawnCli } from "../support/exploreCli.js";

const APPS = join(import.meta.dirname, "apps");
const robustModule = join(APPS, "answeringModule.mjs");
const buggyModule = join(APPS, "answeringModule.buggy.ts");

/** Runs the command in this process; output lines and progress texts are collected. */
async function command(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  const progress: string[] = [];
  const code = await runExploreCommand(argv, { out: (line) => lines.push(line), progress: (text) => progress.push(text) }, env);
  return { code, output: lines.join("\n"), progress };
}

describe("callsim explore options", () => {
  test("reads every option from its CALLSIM_* twin when the flag is absent", () => {
    for (const [name, spec] of Object.entries(EXPLORE_OPTIONS)) {
      const value = spec.type === "boolean" ? "true" : "v1,v2";
      const read = readExploreOptions([], { [envName(name)]: value }) as Record<string, unknown>;
      const expected = spec.type === "boolean" ? true : "multiple" in spec ? ["v1", "v2"] : "v1,v2";
      expect(read[name], `${envName(name)} for --${name}`).toEqual(expected);
    }
  });

  test("lets a flag win over its twin", () => {
    expect(readExploreOptions(["--max-runs", "7"], { CALLSIM_MAX_RUNS: "9" })["max-runs"]).toBe("7");
  });

  test("exits 2 naming the flag and its twin for a value it cannot use", async () => {
    const { code, output } = await command(["--app", robustModule], { CALLSIM_MAX_RUNS: "many" });
    expect(code).toBe(2);
    expect(output).toMatch(/--max-runs \(or CALLSIM_MAX_RUNS\) must be a whole number/);
  });

  test("exits 2 when neither an app module nor the app's URLs are given", async () => {
    const { code, output } = await command(["--seed", "1"]);
    expect(code).toBe(2);
    expect(output).toMatch(/give --app <module>, or --callback-url with --start-url/);
  });

  test("exits 2 naming the readiness bound when no app answers at its URL", async () => {
    const port = await freePort();
    const { code, output } = await command(["--port", "0", "--start-url", `http://127.0.0.1:${port}/start`, "--callback-url", `http://127.0.0.1:${port}/callbacks`], { CALLSIM_READY_TIMEOUT_MS: "300" });
    expect(code).toBe(2);
    expect(output).toMatch(new RegExp(`the app did not answer at http://127\\.0\\.0\\.1:${port}/ within 300 ms \\(--ready-timeout-ms\\)`));
  });

  test("exits 2 when its port is taken, saying how to pick another", async () => {
    const taken = createServer().listen(0, "127.0.0.1");
    await new Promise((resolve) => taken.once("listening", resolve));
    try {
      const port = String((taken.address() as { port: number }).port);
      const { code, output } = await command(["--port", port, "--start-url", "http://127.0.0.1:9/start", "--callback-url", "http://127.0.0.1:9/callbacks"]);
      expect(code).toBe(2);
      expect(output).toMatch(new RegExp(`port ${port} is already in use .* Pick another with --port \\(or CALLSIM_PORT\\), or 0 for a free one`));
    } finally {
      taken.close();
    }
  });

  test("refuses a scenario it does not know with exit 2, listing the ones it does", async () => {
    const { code, output } = await command(["--callback-url", "http://127.0.0.1:9/cb", "--start-url", "http://127.0.0.1:9/start", "--scenario", "outbound-bussy"]);
    expect(code).toBe(2);
    expect(output).toMatch(/no scenario is named "outbound-bussy".*outbound-busy/);
  });
});

describe("callsim explore --app", () => {
  test("exits 0 for a robust module and writes one JUnit test case per scenario, and a JSON report", async () => {
    const dir = mkdtempSync(join(tmpdir(), "callsim-explore-"));
    const junit = join(dir, "junit.xml");
    const json = join(dir, "report.json");
    const { code, output, progress } = await command(["--app", robustModule, "--scenario", "outbound-answered,group-call", "--seed", "2", "--reporter", "junit,json", "--junit-file", junit, "--json-file", json]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/^PASS outbound-answered: exhaustive: all allowed orders, in \d+ runs \(\d+ cut short at a state already explored; \d+ distinct states\), 0 failing, seed 2/m);
    expect(output).toMatch(/^PASS group-call: /m);
    const xml = readFileSync(junit, "utf8");
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml).toMatch(/<testsuite name="callsim explore" tests="2" failures="0" errors="0"/);
    const report = JSON.parse(readFileSync(json, "utf8"));
    expect(report.exitCode).toBe(0);
    expect(report.scenarios.map((s: { name: string; status: string }) => `${s.name} ${s.status}`)).toEqual(["outbound-answered passed", "group-call passed"]);
    expect(report.scenarios[0].result.exhaustive).toBe(true);
    expect(progress.at(-1)).toBe(""); // the progress line is cleared before the summary
  });

  test("exits 1 for a buggy module with the failing order, its replay token and a JUnit failure", async () => {
    const dir = mkdtempSync(join(tmpdir(), "callsim-explore-"));
    const junit = join(dir, "junit.xml");
    const { code, output } = await command(["--app", buggyModule, "--seed", "1", "--reporter", "junit", "--junit-file", junit]);
    expect(code, output).toBe(1);
    expect(output).toMatch(/^FAIL default-world: /m);
    const token = /Replay: (v2\.\S+)/.exec(output)![1];
    expect(readFileSync(junit, "utf8")).toMatch(new RegExp(`<failure message="the handler for (CallConnected|ParticipantsUpdated) threw: event for a call I never answered" type="OrderFailure">[^]*Replay: ${token.replace(/\./g, "\\.")}`));
    const replay = await command(["--app", buggyModule, "--replay", token]);
    expect(replay.code).toBe(1);
    expect(replay.output).toMatch(new RegExp(`The replayed order ${token.replace(/\./g, "\\.")} failed`));
  });

  test("sets the world's parties from --world, as PUT /emulator/parties/{rawId} takes them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "callsim-explore-"));
    const world = join(dir, "world.json");
    writeFileSync(world, JSON.stringify({ parties: { "4:+14255550123": { behavior: "busy" } } }));
    // An app that expects its call to be answered: in a world where the callee is busy, it fails.
    const module = join(dir, "caller.mjs");
    writeFileSync(
      module,
      `export default {
        init: () => ({ types: [] }),
        start: ({ client, callbackUri }) => client.createCall({ targetParticipant: { phoneNumber: "+14255550123" }, sourceCallIdNumber: { phoneNumber: "+18005550100" } }, callbackUri),
        handle: ([event], { state }) => void state.types.push(event.type),
        check: (state) => state.types.some((t) => t.endsWith("CallConnected")) || "the call was never connected",
      };`,
    );
    expect((await command(["--app", module, "--seed", "1", "--max-runs", "1", "--samples", "0"])).code).toBe(0);
    const busy = await command(["--app", module, "--world", world, "--seed", "1", "--max-runs", "1", "--samples", "0"]);
    expect(busy.code, busy.output).toBe(1);
    expect(busy.output).toMatch(/final check failed: the call was never connected/);
  });

  test("exits 2 for a world file it cannot read, showing the shape it takes", async () => {
    const { code, output } = await command(["--app", robustModule, "--world", join(APPS, "miniExpress.mjs")]);
    expect(code).toBe(2);
    expect(output).toMatch(/--world .* is not a readable JSON file/);
  });

  test("loads a TypeScript module in a callsim process run with the tsx loader, as the README says", async () => {
    // spawnCli runs callsim with --import tsx, which is what NODE_OPTIONS="--import tsx" gives a user.
    const cli = spawnCli(["--app", buggyModule, "--seed", "1"]);
    let output = "";
    cli.stdout!.on("data", (d) => (output += d));
    const bound = setTimeout(() => cli.kill("SIGKILL"), EXIT_BOUND_MS);
    const code = await new Promise((resolve) => cli.on("exit", resolve));
    clearTimeout(bound);
    expect(code, output).toBe(1);
    expect(output).toMatch(/^FAIL default-world: /m);
  }, CLI_TEST_TIMEOUT_MS);

  test("exits 2 for a module that exports no app, saying what it must export", async () => {
    const { code, output } = await command(["--app", join(APPS, "miniExpress.mjs")]);
    expect(code).toBe(2);
    expect(output).toMatch(/must export an app \(default export, or export const app\) with start\(ctx\) and handle\(events, ctx\)/);
  });
});

describe("callsim explore: search options", () => {
  test("--prune off, --independence per-call, --workers and --shard reach the search, and the report shows the shard", async () => {
    const dir = mkdtempSync(join(tmpdir(), "callsim-explore-"));
    const json = join(dir, "report.json");
    const { code, output } = await command(["--app", robustModule, "--scenario", "outbound-answered", "--seed", "2", "--prune", "off", "--independence", "per-call", "--workers", "1", "--shard", "2/2", "--reporter", "json", "--json-file", json]);
    expect(code).toBe(0);
    const result = JSON.parse(readFileSync(json, "utf8")).scenarios[0].result;
    expect(result.coverage.stateless).toBe("state-based pruning was turned off");
    expect(result.coverage.shard).toMatchObject({ index: 2, count: 2 });
    expect(output).toMatch(/PASS outbound-answered: shard 2\/2 \(/);
  });

  test("each search option has its CALLSIM_* twin: CALLSIM_MODE=\" PCT \" (any case, spaces around) with CALLSIM_DEPTH runs prioritised random orders", async () => {
    const { code, output } = await command(["--app", robustModule, "--scenario", "outbound-answered", "--seed", "2", "--max-runs", "20"], { CALLSIM_MODE: " PCT ", CALLSIM_DEPTH: "2", CALLSIM_PRUNE: "on", CALLSIM_SHARD: "1/1", CALLSIM_WORKERS: "2" });
    expect(code).toBe(0);
    expect(output).toMatch(/PASS outbound-answered: not exhaustive: prioritised random search \(PCT\), 20 runs at depth 2/);
  });

  test.each([
    ["--prune", "maybe", /--prune \(or CALLSIM_PRUNE\) is one of on, off; got "maybe"/],
    ["--independence", "always", /--independence \(or CALLSIM_INDEPENDENCE\) is one of none, per-call, percall; got "always"/],
    ["--mode", "dfs", /--mode \(or CALLSIM_MODE\) is one of systematic, pct; got "dfs"/],
    ["--workers", "0", /--workers \(or CALLSIM_WORKERS\) must be a whole number of at least 1, got "0"/],
    ["--depth", "0", /--depth \(or CALLSIM_DEPTH\) must be a whole number of at least 1, got "0"/],
    ["--shard", "3/2", /--shard \(or CALLSIM_SHARD\) is <index>\/<count> with 1 <= index <= count/],
  ])("%s %s exits 2 saying what it takes", async (flag, value, message) => {
    const { code, output } = await command(["--app", robustModule, flag, value]);
    expect(code).toBe(2);
    expect(output).toMatch(message);
  });
});
