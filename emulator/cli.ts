#!/usr/bin/env node
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { createPrivateKey } from "node:crypto";
import { createEmulator, DEFAULT_ACCESS_KEY, type Emulator } from "./emulator.js";
import { createLocalCertificate, DEFAULT_CERTIFICATE_DIR } from "./http/tls.js";
import { DEFAULT_RESOURCE_ID } from "./delivery/callbackToken.js";
import { loadOwnCertificate } from "./http/ownCertificate.js";
import { createCliLogger, parseLogFormat, parseLogLevel } from "./log/cliLogger.js";
import { attachLiveLog } from "./log/liveLog.js";

const HELP = `callsim: a local emulator of Azure Communication Services Call Automation

Usage: callsim [options]            (in the repo: npm start -- [options])
       callsim explore --help       run an app behind a URL against every event order

Options (each also as an environment variable CALLSIM_<NAME>, e.g. CALLSIM_PORT=0):
  --host <addr>                bind address (default 127.0.0.1)
  --port <n>                   HTTP port, 0 picks a free one (default 10010)
  --access-key <base64>        HMAC key of the connection string (default: the well-known dev key)
  --seed <n>                   seeds ids and data (default: random, printed)
  --loose                      accept requests without valid HMAC auth
  --strict                     reject request fields the REST spec does not know
  --fetch-audio                fetch play files to time plays by their WAV length and fail bad ones
  --https                      serve TLS with a generated self-signed certificate
  --cert <file> --key <file>   serve TLS with your own PEM certificate and key (implies --https)
  --pwd <passphrase>           passphrase of an encrypted --key
  --event-grid-webhook <url>   Event Grid endpoint for IncomingCall / CallStarted (repeatable); an endpoint
                               not up yet is validated again until it answers (up to 10 minutes)
  --event-grid-filter <json>   Event Grid subscription filter for those webhooks, e.g.
                               '{"advancedFilters":[{"operatorType":"StringNotBeginsWith","key":"data.to.rawId","values":["8"]}]}'
  --phone-number <e164>        a number the resource owns (repeatable): calls to it raise IncomingCall
  --resource-id <id>           the resource's immutable id, the audience of callback tokens
                               (default ${DEFAULT_RESOURCE_ID})
  --callback-signing-key <file>  RSA private key (PKCS#8 PEM) that signs callback tokens (default: generated)
  --log-level <level>          fatal, error, warn, info, debug, trace, silent (default info: every
                               request, delivery, retry, dead letter and control-plane action)
  --log-format <format>        text (default; coloured on a terminal) or json (pino's JSON lines)

Delivery of callbacks (README "Reliability"):
  --delivery-attempts <n>      attempts per event before it is dead-lettered (default 5)
  --delivery-backoff-ms <n>    wait before the second attempt, doubling after (default 100)
  --delivery-max-backoff-ms <n>  longest wait between attempts, also caps Retry-After (default 5000)
  --delivery-timeout-ms <n>    per-attempt timeout (default 30000, as Event Grid)
  --event-log-limit <n>        settled events kept in GET /emulator/events (default 10000)
  --max-backlog <n>            events waiting for delivery before actions get 429 (default 10000)
  --shutdown-grace-ms <n>      on SIGTERM/SIGINT, how long pending events may still be delivered (default 2000)
  --ended-call-retention <n>   ended calls kept in GET /emulator/calls before the oldest are forgotten (default 10000)
  -h, --help                   this text
  -v, --version                the version

Exit codes: 0 stopped cleanly (SIGINT/SIGTERM), or --help/--version; 1 could not start
(port in use, certificate unusable); 2 bad usage (unknown option, bad value).
`;

const OPTIONS = {
  host: { type: "string" },
  port: { type: "string" },
  "access-key": { type: "string" },
  seed: { type: "string" },
  loose: { type: "boolean" },
  strict: { type: "boolean" },
  "fetch-audio": { type: "boolean" },
  https: { type: "boolean" },
  cert: { type: "string" },
  key: { type: "string" },
  pwd: { type: "string" },
  "event-grid-webhook": { type: "string", multiple: true },
  "event-grid-filter": { type: "string" },
  "phone-number": { type: "string", multiple: true },
  "resource-id": { type: "string" },
  "callback-signing-key": { type: "string" },
  "log-level": { type: "string" },
  "log-format": { type: "string" },
  "delivery-attempts": { type: "string" },
  "delivery-backoff-ms": { type: "string" },
  "delivery-max-backoff-ms": { type: "string" },
  "delivery-timeout-ms": { type: "string" },
  "event-log-limit": { type: "string" },
  "max-backlog": { type: "string" },
  "shutdown-grace-ms": { type: "string" },
  "ended-call-retention": { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

type NumberOption = "port" | "seed" | "delivery-attempts" | "delivery-backoff-ms" | "delivery-max-backoff-ms" | "delivery-timeout-ms" | "event-log-limit" | "max-backlog" | "shutdown-grace-ms" | "ended-call-retention";

/** Options from argv, falling back to CALLSIM_* environment variables. */
function readOptions(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
  const env = (name: string) => process.env[`CALLSIM_${name.toUpperCase().replace(/-/g, "_")}`];
  const flag = (name: "loose" | "strict" | "https" | "fetch-audio") => values[name] ?? ["1", "true", "yes"].includes((env(name) ?? "").toLowerCase());
  const number = (name: NumberOption, fallback?: number, min = 0) => {
    const raw = values[name] ?? env(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isInteger(n) || n < min) throw new Error(`--${name} (or CALLSIM_${name.toUpperCase().replace(/-/g, "_")}) must be a whole number of at least ${min}, got "${raw}".`);
    return n;
  };
  const webhooks = values["event-grid-webhook"] ?? (env("event-grid-webhook") ? env("event-grid-webhook")!.split(",") : []);
  const phoneNumbers = values["phone-number"] ?? (env("phone-number") ? env("phone-number")!.split(",").map((n) => n.trim()) : []);
  const filterText = values["event-grid-filter"] ?? env("event-grid-filter");
  let eventGridFilter: unknown;
  if (filterText !== undefined) {
    try {
      eventGridFilter = JSON.parse(filterText);
    } catch (error) {
      throw new Error(`--event-grid-filter (or CALLSIM_EVENT_GRID_FILTER) must be JSON, Event Grid's subscription filter: ${(error as Error).message}`);
    }
  }
  const cert = values.cert ?? env("cert");
  const key = values.key ?? env("key");
  if ((cert === undefined) !== (key === undefined)) throw new Error(`--cert and --key go together: give both PEM files (got only ${cert === undefined ? "--key" : "--cert"}).`);
  return {
    help: values.help ?? false,
    version: values.version ?? false,
    host: values.host ?? env("host") ?? "127.0.0.1",
    port: number("port", 10010)!,
    accessKey: values["access-key"] ?? env("access-key") ?? DEFAULT_ACCESS_KEY,
    seed: number("seed"),
    loose: flag("loose"),
    strict: flag("strict"),
    https: flag("https") || cert !== undefined,
    ownCertificate: cert !== undefined && key !== undefined ? { certPath: cert, keyPath: key, passphrase: values.pwd ?? env("pwd") } : undefined,
    fetchAudio: flag("fetch-audio"),
    webhooks,
    eventGridFilter,
    phoneNumbers,
    resourceId: values["resource-id"] ?? env("resource-id"),
    callbackSigningKey: readSigningKey(values["callback-signing-key"] ?? env("callback-signing-key")),
    logLevel: parseLogLevel(values["log-level"] ?? env("log-level") ?? "info"),
    logFormat: parseLogFormat(values["log-format"] ?? env("log-format") ?? "text"),
    delivery: {
      maxAttempts: number("delivery-attempts", undefined, 1),
      baseDelayMs: number("delivery-backoff-ms"),
      maxDelayMs: number("delivery-max-backoff-ms"),
      timeoutMs: number("delivery-timeout-ms", undefined, 1),
      eventLogLimit: number("event-log-limit", undefined, 1),
      maxBacklog: number("max-backlog", undefined, 1),
    },
    shutdownGraceMs: number("shutdown-grace-ms", 2000)!,
    endedCallRetention: number("ended-call-retention", undefined, 1),
  };
}

/** The PEM of `--callback-signing-key`, checked to be an RSA private key before the server starts. */
function readSigningKey(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const fix = "--callback-signing-key (or CALLSIM_CALLBACK_SIGNING_KEY) must name a file holding an RSA private key in PKCS#8 PEM (openssl genpkey -algorithm RSA)";
  let pem: string;
  try {
    pem = readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`${fix}: ${(error as Error).message}`);
  }
  let type: string | undefined;
  try {
    type = createPrivateKey(pem).asymmetricKeyType;
  } catch (error) {
    throw new Error(`${fix}: ${(error as Error).message}`);
  }
  if (type !== "rsa" || !pem.includes("BEGIN PRIVATE KEY")) throw new Error(`${fix}; ${file} holds ${type === "rsa" ? "a PKCS#1 key (convert it: openssl pkcs8 -topk8 -nocrypt)" : `a ${type} key`}.`);
  return pem;
}

async function main(): Promise<void> {
  if (process.argv[2] === "explore") {
    const { runExploreCommand } = await import("../scenarios/exploreCommand.js");
    process.exit(await runExploreCommand(process.argv.slice(3)));
  }
  let options: ReturnType<typeof readOptions>;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (error) {
    // One line: what is wrong and where to look, not the whole usage.
    process.stderr.write(`callsim: ${(error as Error).message} (callsim --help lists the options)\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(HELP);
    return;
  }
  if (options.version) {
    process.stdout.write(`callsim ${packageVersion()}\n`);
    return;
  }
  const logger = createCliLogger({ level: options.logLevel, format: options.logFormat });
  // A JSON log stays JSON from its first line: the banner becomes records too.
  const out = options.logFormat === "json" ? (line: string, fields: Record<string, unknown> = {}) => logger.info(fields, line) : (line: string) => void process.stdout.write(`${line}\n`);
  let emulator: Emulator;
  try {
    emulator = createEmulator({ seed: options.seed, accessKey: options.accessKey, loose: options.loose, strict: options.strict, delivery: options.delivery, endedCallRetention: options.endedCallRetention, fetchAudio: options.fetchAudio, phoneNumbers: options.phoneNumbers, resourceId: options.resourceId, callbackSigningKey: options.callbackSigningKey });
  } catch (error) {
    process.stderr.write(`callsim: --phone-number: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const own = options.ownCertificate ? await loadOwnCertificate(options.ownCertificate) : undefined;
  const certificate = options.https && !own ? await createLocalCertificate({ dir: DEFAULT_CERTIFICATE_DIR }) : undefined;
  const tls = own ?? certificate;
  attachLiveLog(emulator, logger);
  const info = await emulator.listen({
    host: options.host,
    port: options.port,
    https: tls ? { key: tls.keyPem, cert: tls.certPem } : undefined,
    // fastify's own lines ("Server listening at") say what the banner says: shown from debug on.
    logger: logger.child({}, { level: options.logLevel === "info" ? "warn" : options.logLevel }),
  });
  // Signals are handled before the first line is printed: whoever waits for the banner may stop us at once.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const pending = emulator.engine.outbox.pendingCount();
    if (pending > 0) {
      out(`callsim: ${signal}, delivering ${pending} pending event(s) (up to ${options.shutdownGraceMs} ms)...`);
      await Promise.race([emulator.whenIdle(), new Promise((resolve) => setTimeout(resolve, options.shutdownGraceMs).unref())]);
    }
    await emulator.close();
    for (const line of shutdownReport(emulator.events(), emulator.deliveryStats())) out(line);
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  out(`callsim listening on ${info.url}`, { endpoint: info.url });
  out(`connectionString=${info.connectionString}`, { connectionString: info.connectionString });
  out(`seed=${info.seed}`, { seed: info.seed });
  if (certificate) {
    out(`ca=${certificate.caPath}  (give it to apps: NODE_EXTRA_CA_CERTS=${certificate.caPath})`, { ca: certificate.caPath });
    out(`recordings: HTTPS_PROXY=${info.url} lets the SDK download recording files from callsim`);
  } else if (own) {
    out(`tls: your certificate ${options.ownCertificate!.certPath}${own.subjectAltName ? ` (${own.subjectAltName})` : ""}`, { cert: options.ownCertificate!.certPath });
  } else out("note: the SDK needs { allowInsecureConnection: true } for an http endpoint, or start callsim with --https");
  if (options.phoneNumbers.length > 0) out(`phone numbers: ${options.phoneNumbers.join(", ")} (calls to them raise IncomingCall)`);
  out(`control plane: ${info.url}/emulator/info`);
  out(`callbacks carry a JWT for resource id ${info.resourceId}; keys at ${info.url}/calling/.well-known/acsopenidconfiguration`);
  for (const endpoint of options.webhooks) {
    let subscription;
    try {
      subscription = await emulator.engine.eventGrid.subscribe({ endpoint, filter: options.eventGridFilter }, info.url);
    } catch (error) {
      process.stderr.write(`callsim: --event-grid-filter: ${(error as Error).message}\n`);
      await emulator.close();
      process.exit(2);
    }
    out(`event grid subscription ${subscription.id} -> ${endpoint}: ${subscription.state}${subscription.lastError ? ` (${subscription.lastError})` : ""}`);
  }

}

/** What became of every event, said on the way out: nothing pending is dropped without a word. */
function shutdownReport(events: ReturnType<Emulator["events"]>, stats: ReturnType<Emulator["deliveryStats"]>): string[] {
  const lines = [`callsim: stopped; events delivered ${stats.delivered}, dead-lettered ${stats.deadLettered}, not delivered ${stats.pending}`];
  const undelivered = events.filter((e) => e.state !== "delivered");
  for (const e of undelivered.slice(0, 20)) {
    const last = e.attempts.at(-1);
    const why = last ? (last.error ?? `HTTP ${last.status}`) : "never attempted";
    lines.push(`callsim:   ${e.state === "pending" ? "not delivered" : "dead-lettered"} ${e.type} ${e.id} -> ${e.destination} (${e.attempts.length} attempt(s), last: ${why})`);
  }
  if (undelivered.length > 20) lines.push(`callsim:   ... and ${undelivered.length - 20} more`);
  return lines;
}

/** The version in package.json, one directory above dist/ (or the source tree). */
function packageVersion(): string {
  for (const relative of ["../../package.json", "../package.json"]) {
    try {
      const parsed = JSON.parse(readFileSync(new URL(relative, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (parsed.name === "callsim" && parsed.version) return parsed.version;
    } catch {
      // Not at this depth: dist/emulator/cli.js and emulator/cli.ts sit at different ones.
    }
  }
  return "unknown";
}

main().catch((error: unknown) => {
  const e = error as NodeJS.ErrnoException;
  if (e.name === "CertificateError") process.stderr.write(`callsim: ${e.message}\n`);
  else if (e.code === "EADDRINUSE") process.stderr.write(`callsim: the port is already in use (${e.message}). Pick another with --port, or --port 0 for a free one.\n`);
  else process.stderr.write(`callsim: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
