import { parseArgs } from "node:util";
import { DEFAULT_ACCESS_KEY } from "../emulator/emulator.js";
import { SCENARIOS } from "./catalog/index.js";
import { explore } from "./explorer.js";
import { createHttpAppBinding } from "./explorerHttp.js";

const HELP = `callsim explore: run an app behind a URL against every event order the service may produce

Usage: callsim explore --callback-url <url> (--start-url <url> | --incoming-call <from>,<to> --event-grid-url <url>) [options]

The app talks to callsim on --port (default 10010) with callsim's usual connection string:
  endpoint=http://127.0.0.1:<port>/;accesskey=<the well-known dev key>

Options:
  --callback-url <url>     where the app receives its callback events
  --start-url <url>        POSTed to set off the app's first action (e.g. it places a call)
  --incoming-call <f>,<t>  instead, place an IncomingCall from <f> to <t> (rawIds)
  --event-grid-url <url>   the app's Event Grid webhook (for --incoming-call)
  --reset-url <url>        POSTed before every run so the app forgets the last one
  --scenario <name>        the world of a documented scenario (e.g. outbound-busy makes
                           +14255550123 busy); one of: ${SCENARIOS.map((s) => s.name).join(", ")}
  --port <n>               port callsim listens on for the app (default 10010)
  --seed <n>               seeds ids and sampling (default random, printed)
  --max-runs <n>           exhaustive bound, then seeded sampling (default 200)
  --duplicates <n>         at-least-once copies per run (default 1)
  --replay <token>         rerun one order from a report
Exits 1 when an order breaks the app (its handler answers an error, or it makes a request
callsim refuses), 0 when every explored order passes.
`;

/** `callsim explore ...`: returns the process exit code. */
export async function runExploreCommand(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      "callback-url": { type: "string" },
      "start-url": { type: "string" },
      "incoming-call": { type: "string" },
      "event-grid-url": { type: "string" },
      "reset-url": { type: "string" },
      port: { type: "string" },
      seed: { type: "string" },
      "max-runs": { type: "string" },
      duplicates: { type: "string" },
      replay: { type: "string" },
      scenario: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help || !values["callback-url"] || (!values["start-url"] && !values["incoming-call"])) {
    out(HELP);
    return values.help ? 0 : 2;
  }
  const scenario = values.scenario === undefined ? undefined : SCENARIOS.find((s) => s.name === values.scenario);
  if (values.scenario !== undefined && !scenario) {
    out(`callsim explore: no scenario is named "${values.scenario}". Use one of: ${SCENARIOS.map((s) => s.name).join(", ")}.`);
    return 2;
  }
  const [from, to] = (values["incoming-call"] ?? "").split(",");
  const { binding, connectionString, close } = await createHttpAppBinding(
    {
      callbackUrl: values["callback-url"],
      startUrl: values["start-url"],
      incomingCall: values["incoming-call"] ? { from, to } : undefined,
      eventGridUrl: values["event-grid-url"],
      resetUrl: values["reset-url"],
    },
    { port: values.port ? Number(values.port) : 10010 },
  );
  out(`callsim explore: the app must use connectionString=${connectionString(DEFAULT_ACCESS_KEY)}`);
  try {
    const result = await explore({
      app: binding,
      scenario,
      seed: values.seed ? Number(values.seed) : undefined,
      maxRuns: values["max-runs"] ? Number(values["max-runs"]) : 200,
      duplicates: values.duplicates ? Number(values.duplicates) : 1,
      replay: values.replay,
    });
    out(result.summary);
    if (result.failure) out(`\n${result.failure.diagram}`);
    return result.failure ? 1 : 0;
  } finally {
    await close();
  }
}
