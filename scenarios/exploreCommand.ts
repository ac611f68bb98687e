import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DEFAULT_ACCESS_KEY } from "../emulator/emulator.js";
import { checkPartySettings, type Emulator } from "../emulator/index.js";
import { createLocalCertificate, DEFAULT_CERTIFICATE_DIR } from "../emulator/http/tls.js";
import { SCENARIOS } from "./catalog/index.js";
import { ExploreSetupError } from "./exploreErrors.js";
import { envName, EXPLORE_OPTIONS, oneOf, optionsHelp, readExploreOptions, wholeNumber } from "./exploreOptions.js";
import { exitCode, progressLine, summaryLine, writeReports, type ScenarioOutcome } from "./exploreReport.js";
import { explore, type ExploreApp, type ExploreOptions } from "./explorer.js";
import { createHttpAppBinding } from "./explorerHttp.js";
import { DEFAULT_RESOURCE_ID } from "../emulator/delivery/callbackToken.js";
import { parseShard } from "./explorerShards.js";
import type { AppBinding } from "./explorerRun.js";

const HELP = `callsim explore: run an app against every event order the service may produce

Usage: callsim explore --callback-url <url> (--start-url <url> | --incoming-call <from>,<to> --event-grid-url <url>) [options]
       callsim explore --app ./my-app.js [options]

The app behind a URL talks to callsim on --port (default 10010) with callsim's usual connection string:
  endpoint=http://127.0.0.1:<port>/;accesskey=<the well-known dev key>   (https with --https)

Options (each also as an environment variable CALLSIM_<NAME>, e.g. CALLSIM_MAX_RUNS=500):
${optionsHelp()}

Scenarios: ${SCENARIOS.map((s) => s.name).join(", ")}
Exits 0 when every explored order passes, 1 when an order breaks the app (its handler answers an
error, or it makes a request callsim refuses), 2 when the exploration could not run (and says why).
`;

/** Name of the one test case when no --scenario is given. */
const DEFAULT_SCENARIO = "default-world";
/** The CLI's bound on systematic orders: an app behind a URL runs a few hundred orders a minute. */
const CLI_MAX_RUNS = 200;
const PROGRESS_EVERY_MS = 100;

/** Where the command writes: lines of output, and a progress line rewritten in place when a terminal shows it. */
export interface ExploreIo {
  out(line: string): void;
  /** Rewrites the progress line; absent when output is not a terminal. */
  progress?(text: string): void;
}

const defaultIo = (): ExploreIo => ({
  out: (line) => process.stdout.write(`${line}\n`),
  progress: process.stderr.isTTY ? (text) => process.stderr.write(`\r\x1b[2K${text}`) : undefined,
});

/** `callsim explore ...`: returns the process exit code (0 passed, 1 an order failed, 2 could not run). */
export async function runExploreCommand(argv: string[], io: ExploreIo = defaultIo(), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: ReturnType<typeof readExploreOptions>;
  try {
    values = readExploreOptions(argv, env);
  } catch (error) {
    io.out(`callsim explore: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const outcomes: ScenarioOutcome[] = [];
  let close = async () => undefined as void;
  try {
    const settings = await readSettings(values);
    const target = values.app ? await loadApp(values.app) : await serveForApp(values, io);
    close = target.close;
    if ("ready" in target) {
      io.out(`callsim explore: waiting for the app at ${new URL(values["callback-url"]!).origin}/`);
      await target.ready();
    }
    for (const scenario of settings.scenarios) {
      const began = Date.now();
      let lastProgress = 0;
      try {
        const result = await explore({
          ...settings.explore,
          app: target.app,
          scenario,
          onProgress: ({ runs, failures }) => {
            if (!io.progress || Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
            lastProgress = Date.now();
            io.progress(progressLine(scenario.name, runs, failures, Date.now() - began));
          },
        });
        outcomes.push({ name: scenario.name, status: result.failure ? "failed" : "passed", durationMs: Date.now() - began, result });
      } catch (error) {
        if (!(error instanceof ExploreSetupError)) throw error;
        outcomes.push({ name: scenario.name, status: "error", durationMs: Date.now() - began, error: error.message });
      }
      io.progress?.("");
      const outcome = outcomes.at(-1)!;
      io.out(summaryLine(outcome));
      if (outcome.result?.failure) io.out(`${outcome.result.summary}\n\n${outcome.result.failure.diagram}`);
    }
    for (const file of await writeReports(outcomes, settings.reporters, settings.files)) io.out(`callsim explore: wrote ${file}`);
    return exitCode(outcomes);
  } catch (error) {
    io.progress?.("");
    io.out(`callsim explore: could not run: ${error instanceof ExploreSetupError ? error.message : ((error as Error).stack ?? String(error))}`);
    return 2;
  } finally {
    await close();
  }
}

type Values = ReturnType<typeof readExploreOptions>;
type NamedScenario = NonNullable<ExploreOptions<unknown>["scenario"]> & { name: string };

/** Checks the options together; every problem is an {@link ExploreSetupError} naming the flag. */
async function readSettings(values: Values) {
  if (!values.app && (!values["callback-url"] || (!values["start-url"] && !values["incoming-call"]))) {
    throw new ExploreSetupError(`give --app <module>, or --callback-url with --start-url or --incoming-call (see callsim explore --help).`);
  }
  for (const name of ["callback-url", "start-url", "event-grid-url", "reset-url"] as const) {
    const url = values[name];
    if (url !== undefined && !URL.canParse(url)) throw new ExploreSetupError(`--${name} (or ${envName(name)}) must be an absolute URL such as http://127.0.0.1:3000/api/callbacks, got "${url}".`);
  }
  for (const reporter of values.reporter) {
    if (reporter !== "junit" && reporter !== "json") throw new ExploreSetupError(`--reporter (or CALLSIM_REPORTER) is junit or json, got "${reporter}".`);
  }
  const world = values.world ? await readWorld(values.world) : undefined;
  const names = values.scenario.length > 0 ? values.scenario : [undefined];
  const scenarios: NamedScenario[] = names.map((name) => {
    const found = name === undefined ? { name: DEFAULT_SCENARIO } : SCENARIOS.find((s) => s.name === name);
    if (!found) throw new ExploreSetupError(`no scenario is named "${name}". Use one of: ${SCENARIOS.map((s) => s.name).join(", ")}.`);
    if (!world) return found;
    return { name: found.name, world: async (emulator: Emulator) => (await ("world" in found ? found.world?.(emulator) : undefined), world(emulator)) };
  });
  if (values.replay && scenarios.length > 1) throw new ExploreSetupError("--replay reruns one order of one scenario: give a single --scenario.");
  return {
    scenarios,
    reporters: [...new Set(values.reporter)],
    files: { junit: values["junit-file"] ?? "callsim-explore.junit.xml", json: values["json-file"] ?? "callsim-explore.json" },
    explore: {
      seed: wholeNumber(values, "seed", undefined),
      maxRuns: wholeNumber(values, "max-runs", CLI_MAX_RUNS, 1),
      samples: wholeNumber(values, "samples", undefined),
      duplicates: wholeNumber(values, "duplicates", 1),
      replay: values.replay,
      prune: oneOf(values, "prune", { on: "on", off: "off" } as const) === "off" ? false : undefined,
      independence: oneOf(values, "independence", { none: "none", "per-call": "perCall", percall: "perCall" } as const),
      mode: oneOf(values, "mode", { systematic: "systematic", pct: "pct" } as const),
      depth: wholeNumber(values, "depth", undefined, 1),
      workers: wholeNumber(values, "workers", undefined, 1),
      shard: values.shard === undefined ? undefined : parseShard(values.shard),
    },
  };
}

/** A world file: `{ "parties": { "<rawId>": { behavior?, delayMs?, input? } } }`, as `PUT /emulator/parties/{rawId}` takes. */
async function readWorld(path: string): Promise<(emulator: Emulator) => void> {
  let parsed: { parties?: Record<string, Parameters<Emulator["setParty"]>[1]> };
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new ExploreSetupError(`--world ${path} is not a readable JSON file: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed.parties !== "object" || parsed.parties === null) throw new ExploreSetupError(`--world ${path} must be {"parties":{"<rawId>":{"behavior":"answer","input":[{"dtmf":"1"}]}}}.`);
  // A setting callsim refuses is a problem of the file, said once with the file and the party,
  // not an error of every run.
  for (const [rawId, settings] of Object.entries(parsed.parties)) {
    try {
      checkPartySettings(rawId, settings);
    } catch (error) {
      throw new ExploreSetupError(`--world ${path}: party "${rawId}": ${(error as Error).message}`);
    }
  }
  return (emulator) => {
    for (const [rawId, settings] of Object.entries(parsed.parties!)) emulator.setParty(rawId, settings);
  };
}

/** The callsim server an app behind a URL talks to, with the explorer holding its answers. */
async function serveForApp(values: Values, io: ExploreIo): Promise<{ app: AppBinding; ready(): Promise<void>; close(): Promise<void> }> {
  // Stryker disable next-line StringLiteral: from and to are read only when --incoming-call is given
  const [from, to] = (values["incoming-call"] ?? "").split(",");
  if (values["incoming-call"] && (!from || !to)) throw new ExploreSetupError(`--incoming-call is <from>,<to> (rawIds), got "${values["incoming-call"]}".`);
  const certificate = values.https ? await createLocalCertificate({ dir: DEFAULT_CERTIFICATE_DIR }) : undefined;
  const server = await createHttpAppBinding(
    {
      callbackUrl: values["callback-url"]!,
      startUrl: values["start-url"],
      incomingCall: values["incoming-call"] ? { from, to } : undefined,
      eventGridUrl: values["event-grid-url"],
      resetUrl: values["reset-url"],
      quietMs: wholeNumber(values, "quiet-ms", undefined, 1),
      answerTimeoutMs: wholeNumber(values, "answer-timeout-ms", undefined, 1),
      readyTimeoutMs: wholeNumber(values, "ready-timeout-ms", undefined, 1),
    },
    { port: wholeNumber(values, "port", 10010), https: certificate && { key: certificate.keyPem, cert: certificate.certPem } },
  );
  io.out(`callsim explore: the app must use connectionString=${server.connectionString(DEFAULT_ACCESS_KEY)}`);
  io.out(`callsim explore: callbacks carry a JWT for resource id ${DEFAULT_RESOURCE_ID}; keys at ${server.endpoint}/calling/.well-known/acsopenidconfiguration`);
  if (certificate) io.out(`ca=${certificate.caPath}  (give it to apps: NODE_EXTRA_CA_CERTS=${certificate.caPath})`);
  return { app: server.binding, ready: server.ready, close: server.close };
}

/** An in-process app module: its default export (or `app`) is what `explore({ app })` takes. */
async function loadApp(path: string): Promise<{ app: ExploreApp; close(): Promise<void> }> {
  let module: { default?: ExploreApp; app?: ExploreApp };
  try {
    module = await import(pathToFileURL(resolve(path)).href);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === "ERR_UNKNOWN_FILE_EXTENSION" && /\.[cm]?tsx?$/.test(path)) {
      throw new ExploreSetupError(
        `Node ${process.version} cannot load TypeScript by itself. Run callsim with a TypeScript loader, e.g. NODE_OPTIONS="--import tsx" npx callsim explore --app ${path} (npm i -D tsx), or build the app to JavaScript first.`,
      );
    }
    throw new ExploreSetupError(`--app ${path} could not be loaded: ${e.message}`);
  }
  const app = module.default ?? module.app;
  if (!app || typeof app.start !== "function" || typeof app.handle !== "function") {
    throw new ExploreSetupError(`--app ${path} must export an app (default export, or export const app) with start(ctx) and handle(events, ctx), as explore() takes.`);
  }
  // A worker thread loads the same module: the search runs on the machine's cores.
  // Stryker disable next-line StringLiteral: the export a worker thread loads is read only by the built JavaScript, which runs the search on worker threads (the sources run it in-process); test/scenarios/exploreBuiltWorkers.test.ts runs it from dist/
  return { app: { ...app, worker: app.worker ?? { module: pathToFileURL(resolve(path)).href, export: module.default ? "default" : "app" } }, close: async () => undefined };
}

/** Every option of the command, for tests that check each has its environment twin. */
export const EXPLORE_OPTION_NAMES = Object.keys(EXPLORE_OPTIONS);
