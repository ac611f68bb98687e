/**
 * The done-when of signed callbacks, against `npm start` itself: the example endpoint that checks
 * tokens by the docs' recipe (examples/secure-callbacks/app.ts) runs as its own process,
 * unchanged, against the built CLI server. It finds callsim's OpenID configuration either by
 * configuration (its URL) or at the service's own URL through callsim as its HTTPS proxy. Real
 * callbacks are accepted, every forgery is refused, and the careless endpoint is caught by the
 * forgery scenario. Completion is the server's own signal: its live log's line for each event.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CallAutomationClient } from "@azure/communication-call-automation";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FORGERY_KINDS, type ForgeryInput } from "../emulator/index.js";
import { probeCallbackForgeries, type ForgeryTarget, type ProbedEvent } from "../scenarios/callbackForgeries.js";
import { CLI, spawnLines, type LineProcess } from "./support/cliServer.js";

const RESOURCE_ID = "5e1f0000-0000-4000-8000-0000000000a1";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const WEBHOOK_AUDIENCE = "api://contoso-incoming-calls";
const SERVE = join(import.meta.dirname, "..", "examples", "secure-callbacks", "serve.ts");
const target = { communicationUserId: "8:acs:r_u1" };

/** A live-log record of the server (`--log-format json`). */
type LogRecord = { msg: string; kind?: string; eventId?: string; destination?: string; endpoint?: string; connectionString?: string; ca?: string };

let server: LineProcess;
let url: string;
let ca: string;
let client: CallAutomationClient;
const apps: Record<"byUrl" | "byProxy" | "lax", { process: LineProcess; url: string }> = {} as never;

/** Starts serve.ts with `env` and answers it with the URL it listens on. */
async function startApp(env: Record<string, string>): Promise<{ process: LineProcess; url: string }> {
  const started = await spawnLines(["--import", "tsx", SERVE], (line) => line.startsWith("listening on "), { PORT: "0", AUDIENCE: RESOURCE_ID, NODE_EXTRA_CA_CERTS: ca, HTTPS_PROXY: undefined, https_proxy: undefined, ...env });
  return { process: started, url: started.lines.find((l) => l.startsWith("listening on "))!.slice("listening on ".length) };
}

/** The server's control plane. */
async function control(method: string, path: string, body?: unknown): Promise<any> {
  const { Agent, request } = await import("undici");
  const response = await request(`${url}${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body), dispatcher: new Agent({ connect: { ca: readFileSync(ca) } }) });
  const text = await response.body.text();
  return text ? JSON.parse(text) : undefined;
}

/** Resolves with the server's live-log line that settles an event matching `match` (delivered or dead-lettered), seen or still to come. */
function settled(match: (record: LogRecord) => boolean): Promise<LogRecord> {
  const isSettled = (r: LogRecord) => (r.kind === "delivery" || r.kind === "deadLetter") && match(r);
  return server.next((line) => isSettled(JSON.parse(line) as LogRecord)).then((line) => JSON.parse(line) as LogRecord);
}

/** Places a call whose callbacks go to `app`; resolves once its CallConnected was answered (accepted or refused). */
async function callTo(app: string): Promise<string> {
  const { callConnectionProperties } = await client.createCall({ targetParticipant: target }, `${app}/events`);
  const id = callConnectionProperties.callConnectionId!;
  await settled((r) => r.msg.startsWith("CallConnected") && (r as { callConnectionId?: string }).callConnectionId === id);
  return id;
}

/** The server as the forgery scenario sees it: settling means the app answered a forged callback at `app` + `path`. */
function serverTarget(app: string, path = "/events"): ForgeryTarget {
  let from = 0;
  const settlesAtApp = (line: string) => {
    const record = JSON.parse(line) as LogRecord;
    return server.lines.indexOf(line) >= from && record.destination === `${app}${path}` && (record.kind === "delivery" || record.kind === "deadLetter");
  };
  return {
    forgeCallbacks: (input: ForgeryInput) => control("POST", "/emulator/forgeries", input),
    events: () => control("GET", "/emulator/events") as Promise<ProbedEvent[]>,
    async settle() {
      // The events settled since the last look, one by one, until one of them was forged.
      for (;;) {
        const line = await server.next(settlesAtApp);
        from = server.lines.indexOf(line) + 1;
        const events = (await control("GET", "/emulator/events")) as ProbedEvent[];
        if (events.find((e) => e.id === (JSON.parse(line) as LogRecord).eventId)?.forgery) return;
      }
    },
  };
}

beforeAll(async () => {
  server = await spawnLines([CLI, "--https", "--port", "0", "--resource-id", RESOURCE_ID, "--log-format", "json"], (line) => (JSON.parse(line) as LogRecord).msg.startsWith("callbacks carry a JWT"));
  const banner = server.lines.map((line) => JSON.parse(line) as LogRecord);
  url = banner.find((r) => r.endpoint)!.endpoint!;
  ca = banner.find((r) => r.ca)!.ca!;
  client = new CallAutomationClient(banner.find((r) => r.connectionString)!.connectionString!, { tlsOptions: { ca: readFileSync(ca, "utf8") } });
  [apps.byUrl, apps.byProxy, apps.lax] = await Promise.all([
    startApp({ OPENID_CONFIGURATION_URL: `${url}/calling/.well-known/acsopenidconfiguration` }),
    // No configuration URL: the service's own, reached through callsim as the HTTPS proxy.
    startApp({ HTTPS_PROXY: url, NO_PROXY: "127.0.0.1", TENANT, WEBHOOK_AUDIENCE }),
    startApp({ APP: "lax" }),
  ]);
});

afterAll(() => {
  for (const app of Object.values(apps)) app?.process.stop();
  server?.stop();
});

describe.each(["byUrl", "byProxy"] as const)("the docs' recipe against npm start, configuration found %s", (name) => {
  test("accepts every real callback", async () => {
    const id = await callTo(apps[name].url);
    const events = (await control("GET", `/emulator/events?callConnectionId=${id}`)) as Array<ProbedEvent & { type: string }>;
    expect(events.find((e) => e.type.endsWith("CallConnected"))).toMatchObject({ state: "delivered", attempts: [{ status: 200 }] });
    // Whatever else of the call was answered by now was let in too, at the first attempt.
    expect(events.filter((e) => e.state !== "pending").every((e) => e.state === "delivered" && e.attempts.length === 1 && e.attempts[0].status === 200)).toBe(true);
  });

  test("refuses every forgery kind", async () => {
    const report = await probeCallbackForgeries(serverTarget(apps[name].url), () => client.createCall({ targetParticipant: target }, `${apps[name].url}/events`));
    expect(report.outcomes.map((o) => [o.kind, o.status])).toEqual(FORGERY_KINDS.map((kind) => [kind, 401]));
    expect(report.accepted).toEqual([]);
  });
});

test("the forgery scenario catches the careless endpoint against npm start", async () => {
  const report = await probeCallbackForgeries(serverTarget(apps.lax.url), () => client.createCall({ targetParticipant: target }, `${apps.lax.url}/events`));
  expect(report.accepted).toEqual(["expiredToken", "wrongIssuer", "badSignature", "unknownKey"]);
});

describe("an Entra-protected Event Grid webhook against npm start, Entra's hard-coded host reached through the proxy", () => {
  const caller = { from: "4:+14255550123", to: "4:+18005550100" };
  let webhook: string;
  beforeAll(async () => {
    webhook = `${apps.byProxy.url}/eventgrid`;
    const subscription = await control("POST", "/emulator/subscriptions", { endpoint: webhook, eventTypes: ["IncomingCall"], azureActiveDirectoryTenantId: TENANT, azureActiveDirectoryApplicationIdOrUri: WEBHOOK_AUDIENCE, accessTokenAcceptedVersion: 2 });
    // The handshake passed: the webhook verified Entra's token before echoing the code.
    expect(subscription.state).toBe("active");
  });

  test("lets the IncomingCall in", async () => {
    await control("POST", "/emulator/incoming-calls", caller);
    const line = await settled((r) => r.msg.startsWith("IncomingCall") && r.destination === webhook);
    expect(line.kind).toBe("delivery");
  });

  test("refuses every forged delivery", async () => {
    const report = await probeCallbackForgeries(serverTarget(apps.byProxy.url, "/eventgrid"), () => control("POST", "/emulator/incoming-calls", caller), FORGERY_KINDS, { channel: "eventGrid" });
    expect(report.outcomes.map((o) => [o.kind, o.status])).toEqual(FORGERY_KINDS.map((kind) => [kind, 401]));
  });
});
