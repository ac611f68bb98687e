import { parseArgs } from "node:util";
import { ExploreSetupError } from "./exploreErrors.js";

/** One option of `callsim explore`: its flag, its `CALLSIM_*` twin, and its line of help. */
interface OptionSpec {
  type: "string" | "boolean";
  multiple?: boolean;
  /** Shown after the flag, e.g. "<url>". */
  value?: string;
  help: string;
}

/** Every option of `callsim explore`; each has its environment twin (see {@link envName}). */
export const EXPLORE_OPTIONS = {
  "callback-url": { type: "string", value: "<url>", help: "where the app receives its callback events" },
  "start-url": { type: "string", value: "<url>", help: "POSTed to set off the app's first action (e.g. it places a call)" },
  "incoming-call": { type: "string", value: "<from>,<to>", help: "instead, place an IncomingCall from <from> to <to> (rawIds)" },
  "event-grid-url": { type: "string", value: "<url>", help: "the app's Event Grid webhook (for --incoming-call)" },
  "reset-url": { type: "string", value: "<url>", help: "POSTed before every run so the app forgets the last one" },
  app: { type: "string", value: "<module>", help: "explore an in-process app module (.js; .ts with a loader, see README) instead of a URL" },
  scenario: { type: "string", multiple: true, value: "<name>", help: "the world of a documented scenario; repeatable or comma-separated, one test case each" },
  world: { type: "string", value: "<file.json>", help: 'parties of the world, e.g. {"parties":{"4:+14255550123":{"input":[{"dtmf":"1"}]}}}' },
  port: { type: "string", value: "<n>", help: "port callsim listens on for the app (default 10010, 0 picks a free one)" },
  https: { type: "boolean", help: "serve TLS with callsim's self-signed certificate, as `callsim --https` does" },
  seed: { type: "string", value: "<n>", help: "seeds ids and sampling (default random, printed)" },
  "max-runs": { type: "string", value: "<n>", help: "orders run systematically, cheapest first (default 200)" },
  samples: { type: "string", value: "<n>", help: "seeded random orders after the bound (default: --max-runs)" },
  duplicates: { type: "string", value: "<n>", help: "at-least-once copies per run (default 1)" },
  replay: { type: "string", value: "<token>", help: "rerun one order from a report" },
  prune: { type: "string", value: "<on|off>", help: "do not explore a state twice (default on; an app behind a URL is explored without)" },
  independence: { type: "string", value: "<none|per-call>", help: "per-call: the app keeps state per call, so events of different calls commute (default none)" },
  mode: { type: "string", value: "<systematic|pct>", help: "systematic: every order, cheapest first; pct: --max-runs prioritised random orders (default systematic)" },
  depth: { type: "string", value: "<n>", help: "the bug depth --mode pct targets (default 3)" },
  workers: { type: "string", value: "<n>", help: "threads for an --app module's search once it has run 1,000 orders on one (so only with --max-runs above 1000); default the machine's cores, 1 for an app behind a URL" },
  shard: { type: "string", value: "<i>/<n>", help: "run part i of n of the search, as vitest's --shard: n machines together run all of it" },
  "quiet-ms": { type: "string", value: "<n>", help: "how long the app may stay silent before a step counts as done (default adaptive)" },
  "answer-timeout-ms": { type: "string", value: "<n>", help: "how long the app may take to answer a POST or to act after its start (default 10000)" },
  "ready-timeout-ms": { type: "string", value: "<n>", help: "how long to wait for the app's URL to answer before the first run (default 30000)" },
  reporter: { type: "string", multiple: true, value: "<junit|json>", help: "also write a report file; repeatable or comma-separated" },
  "junit-file": { type: "string", value: "<path>", help: "where --reporter junit writes (default callsim-explore.junit.xml)" },
  "json-file": { type: "string", value: "<path>", help: "where --reporter json writes (default callsim-explore.json)" },
  help: { type: "boolean", help: "this text" },
} as const satisfies Record<string, OptionSpec>;

export type ExploreOptionName = keyof typeof EXPLORE_OPTIONS;

/** The environment twin of an option: `--max-runs` is `CALLSIM_MAX_RUNS`. */
export function envName(option: string): string {
  return `CALLSIM_${option.toUpperCase().replace(/-/g, "_")}`;
}

type Values = { [K in ExploreOptionName]: (typeof EXPLORE_OPTIONS)[K] extends { type: "boolean" } ? boolean | undefined : (typeof EXPLORE_OPTIONS)[K] extends { multiple: true } ? string[] : string | undefined };

/**
 * Flags from argv, each falling back to its `CALLSIM_*` twin; a list option takes a
 * comma-separated value too. A flag wins over its twin.
 */
export function readExploreOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): Values {
  const { values } = parseArgs({ args: argv, options: EXPLORE_OPTIONS, strict: true, allowPositionals: false });
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(EXPLORE_OPTIONS) as Array<[string, OptionSpec]>) {
    const given = (values as Record<string, unknown>)[name];
    const twin = env[envName(name)];
    if (spec.type === "boolean") out[name] = (given as boolean | undefined) ?? (twin === undefined ? undefined : ["1", "true", "yes"].includes(twin.toLowerCase()));
    else if (spec.multiple) out[name] = ((given as string[] | undefined) ?? (twin ? [twin] : [])).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
    else out[name] = (given as string | undefined) ?? twin;
  }
  return out as Values;
}

/** A whole number of at least `min`, or the fallback when absent; the error names the flag and its twin. */
export function wholeNumber(values: Values, name: ExploreOptionName, fallback: number | undefined, min = 0): number | undefined {
  const raw = values[name] as string | undefined;
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < min) throw new ExploreSetupError(`--${name} (or ${envName(name)}) must be a whole number of at least ${min}, got "${raw}".`);
  return n;
}

/** The options part of `callsim explore --help`, generated from {@link EXPLORE_OPTIONS}. */
export function optionsHelp(): string {
  const rows = Object.entries(EXPLORE_OPTIONS as Record<string, OptionSpec>).map(([name, spec]) => [`--${name}${spec.value ? ` ${spec.value}` : ""}`, spec.help]);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return rows.map(([flag, help]) => `  ${flag.padEnd(width)}${help}`).join("\n");
}

/** One of `choices`, or the fallback when absent; the error names the flag, its twin and the choices. */
export function oneOf<T extends string>(values: Values, name: ExploreOptionName, choices: Record<string, T>, fallback?: T): T | undefined {
  const raw = values[name] as string | undefined;
  if (raw === undefined) return fallback;
  const chosen = choices[raw.trim().toLowerCase()];
  if (chosen === undefined) throw new ExploreSetupError(`--${name} (or ${envName(name)}) is one of ${Object.keys(choices).join(", ")}; got "${raw}".`);
  return chosen;
}
