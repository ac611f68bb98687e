/**
 * The explorer's side of an app behind a URL, driven in-process: a node:http app on a free
 * loopback port, the binding's callsim server, and what explore() reports about them.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { explore, ExploreSetupError } from "../../scenarios/explorer.js";
import type { HttpAppOptions } from "../../scenarios/explorerHttp.js";
import { answerIncomingCalls, bindApp, listenApp as listenLoopbackApp, type LoopbackApp, type Route } from "../support/loopbackApp.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A port nothing listens on: one the system handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const bind = (app: LoopbackApp, options: Omit<HttpAppOptions, "callbackUrl"> & { callbackUrl?: string }) => bindApp(app, options, closers);
const listenApp = (routes: Record<string, Route>) => listenLoopbackApp(routes, closers);

const placeCall: Route = (_, client, base) => {
  void client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, `${base}/callbacks`).catch(() => undefined);
  return 202;
};

const settings = { seed: 7, maxRuns: 3, samples: 0, shrinkRuns: 0 } as const;

async function setupError(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExploreSetupError);
  return (error as Error).message;
}

describe("an app behind a URL, explored", () => {
  test("posts the reset URL before every run and each event to the callback URL as a signed one-event JSON array", async () => {
    const app = await listenApp({ "/reset": () => 200, "/start": placeCall, "/callbacks": () => 200 });
    const server = await bind(app, { startUrl: `${app.base}/start`, resetUrl: `${app.base}/reset` });
    await server.ready();
    const result = await explore({ app: server.binding, ...settings });
    expect(result.failures, result.summary).toBe(0);
    expect(result.runs).toBeGreaterThanOrEqual(2);
    const resets = app.seen.filter((s) => s.url === "/reset");
    const starts = app.seen.filter((s) => s.url === "/start");
    expect(resets.map((s) => [s.method, s.headers["content-type"], s.body])).toEqual(Array.from({ length: result.runs }, () => ["POST", "application/json", "{}"]));
    expect(starts.map((s) => [s.method, s.headers["content-type"], s.body])).toEqual(Array.from({ length: result.runs }, () => ["POST", "application/json", "{}"]));
    // Each run's reset comes before its start.
    expect(app.seen.filter((s) => s.url !== "/callbacks" && s.method === "POST").map((s) => s.url)).toEqual(Array.from({ length: result.runs }, () => ["/reset", "/start"]).flat());
    // Once the exploration is over, a late request of the app belongs to no run.
    const late = await fetch(`${server.endpoint}/calling/callConnections/any?api-version=2025-05-15`);
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe("NoExplorationRun");
    const callbacks = app.seen.filter((s) => s.url === "/callbacks");
    expect(callbacks.length).toBeGreaterThanOrEqual(result.runs);
    for (const callback of callbacks) {
      expect(callback.method).toBe("POST");
      expect(callback.headers["content-type"]).toBe("application/json");
      expect(callback.headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      const events = JSON.parse(callback.body);
      expect(events).toHaveLength(1);
      expect(events[0].type).toMatch(/^Microsoft\.Communication\./);
    }
  });

  test("answers a request outside any run 409 NoExplorationRun, so the SDK does not carry it into the next run", async () => {
    const app = await listenApp({});
    const server = await bind(app, {});
    const response = await fetch(`${server.endpoint}/calling/callConnections/any?api-version=2025-05-15`);
    expect(response.status).toBe(409);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: { code: "NoExplorationRun", message: "No exploration run is active; this request came after its run ended." } });
  });

  test.each([500, 400])("fails the run with the app's status when it answers an event %i", async (status) => {
    const app = await listenApp({ "/start": placeCall, "/callbacks": (seen) => (JSON.parse(seen.body)[0].type.endsWith("CallConnected") ? status : 200) });
    const server = await bind(app, { startUrl: `${app.base}/start` });
    const result = await explore({ app: server.binding, ...settings });
    expect(result.failure?.reason).toBe(`the app's callback ${app.base}/callbacks on CallConnected answered ${status}`);
    expect(result.summary).toContain(`Reason: the app's callback ${app.base}/callbacks on CallConnected answered ${status}.`);
  });

  test("fails the run when the app does not answer an event within the answer timeout", async () => {
    const app = await listenApp({ "/start": placeCall, "/callbacks": (seen) => (JSON.parse(seen.body)[0].type.endsWith("CallConnected") ? "hang" : 200) });
    const server = await bind(app, { startUrl: `${app.base}/start`, answerTimeoutMs: 200 });
    const result = await explore({ app: server.binding, ...settings });
    expect(result.failure?.reason).toBe(`the app's callback ${app.base}/callbacks on CallConnected did not answer within 200 ms (--answer-timeout-ms)`);
  });

  test("is a setup error, with the start URL's status and how to connect, as soon as the start URL answers 500", async () => {
    const app = await listenApp({ "/start": () => 500 });
    // Far beyond the test's own timeout: the failed start must end the run, not the wait for a first request.
    const server = await bind(app, { startUrl: `${app.base}/start`, answerTimeoutMs: 60_000 });
    const message = await setupError(explore({ app: server.binding, ...settings }));
    expect(message).toBe(
      `the app made no request to callsim in this run (the app's start URL ${app.base}/start answered 500). ` +
        `callsim waited 60000 ms (--answer-timeout-ms) after POST ${app.base}/start. Check that the app is running and uses connectionString=endpoint=${server.endpoint}/;accesskey=<key>.`,
    );
  });

  test("is a setup error when the start URL cannot be reached", async () => {
    const app = await listenApp({});
    const start = `http://127.0.0.1:${await closedPort()}/start`;
    const server = await bind(app, { startUrl: start });
    const message = await setupError(explore({ app: server.binding, ...settings }));
    expect(message).toMatch(new RegExp(`^the app made no request to callsim in this run \\(the app's start URL ${start} could not be reached: .*ECONNREFUSED.*\\)\\. `));
  });

  test("is a setup error when the app makes no request within the answer timeout after its start", async () => {
    const app = await listenApp({ "/start": () => 202 });
    const server = await bind(app, { startUrl: `${app.base}/start`, answerTimeoutMs: 250 });
    const began = Date.now();
    const message = await setupError(explore({ app: server.binding, ...settings }));
    expect(Date.now() - began).toBeGreaterThanOrEqual(250);
    expect(message).toBe(
      `the app made no request to callsim in this run. callsim waited 250 ms (--answer-timeout-ms) after POST ${app.base}/start. ` +
        `Check that the app is running and uses connectionString=endpoint=${server.endpoint}/;accesskey=<key>.`,
    );
  });

  test("is a setup error when the reset URL answers an error status, or cannot be reached", async () => {
    const app = await listenApp({ "/reset": () => 400, "/start": placeCall });
    const failing = await bind(app, { startUrl: `${app.base}/start`, resetUrl: `${app.base}/reset` });
    expect(await setupError(explore({ app: failing.binding, ...settings }))).toBe(`the app's reset URL ${app.base}/reset answered 400.`);
    expect(app.seen.map((s) => s.url)).toEqual(["/reset"]);

    const reset = `http://127.0.0.1:${await closedPort()}/reset`;
    const unreachable = await bind(app, { startUrl: `${app.base}/start`, resetUrl: reset });
    expect(await setupError(explore({ app: unreachable.binding, ...settings }))).toMatch(new RegExp(`^the app's reset URL ${reset} did not answer within 500 ms \\(--answer-timeout-ms\\): .*ECONNREFUSED`));
  });

  test("is a setup error, with the last error, when the app's URL does not answer within the ready timeout", async () => {
    const app = await listenApp({});
    const port = await closedPort();
    const server = await bind(app, { callbackUrl: `http://127.0.0.1:${port}/callbacks`, readyTimeoutMs: 30 });
    const message = await setupError(server.ready());
    expect(message).toMatch(new RegExp(`^the app did not answer at http://127\\.0\\.0\\.1:${port}/ within 30 ms \\(--ready-timeout-ms\\): .*ECONNREFUSED.*\\. Is it running and listening there\\?$`));
  });

  test("gives up on an app that accepts the connection but never answers, once the ready timeout is spent", async () => {
    const app = await listenApp({ "/": () => "hang" });
    const server = await bind(app, { readyTimeoutMs: 30 });
    const message = await setupError(server.ready());
    expect(message).toMatch(new RegExp(`^the app did not answer at ${app.base}/ within 30 ms \\(--ready-timeout-ms\\): .*aborted.*\\. Is it running and listening there\\?$`));
  });

  test("reports no last error when the ready timeout leaves no time to try", async () => {
    const app = await listenApp({});
    const port = await closedPort();
    const server = await bind(app, { callbackUrl: `http://127.0.0.1:${port}/callbacks`, readyTimeoutMs: 0 });
    expect(await setupError(server.ready())).toBe(`the app did not answer at http://127.0.0.1:${port}/ within 0 ms (--ready-timeout-ms). Is it running and listening there?`);
  });

  test("is ready once the app answers at its origin, whatever the status", async () => {
    const app = await listenApp({});
    const server = await bind(app, { readyTimeoutMs: 1_000 });
    await server.ready();
    expect(app.seen.map((s) => [s.method, s.url])).toEqual([["GET", "/"]]);
  });

  test("places an incoming call by posting an unsigned IncomingCall to the app's Event Grid URL", async () => {
    const app = await listenApp({
      "/eventgrid": answerIncomingCalls,
      "/callbacks": () => 200,
    });
    const server = await bind(app, { incomingCall: { from: "4:+14255550123", to: "4:+18005550100" }, eventGridUrl: `${app.base}/eventgrid` });
    const result = await explore({ app: server.binding, ...settings });
    expect(result.failures, result.summary).toBe(0);
    const deliveries = app.seen.filter((s) => s.url === "/eventgrid");
    expect(deliveries.length).toBe(result.runs);
    for (const delivery of deliveries) {
      expect(delivery.headers.authorization).toBeUndefined();
      const [event] = JSON.parse(delivery.body);
      expect(event.eventType).toBe("Microsoft.Communication.IncomingCall");
      expect(event.data.from.rawId).toBe("4:+14255550123");
    }
    expect(app.seen.some((s) => s.url === "/callbacks")).toBe(true);
  });

  test("is a setup error to place an incoming call without an Event Grid URL", async () => {
    const app = await listenApp({});
    const server = await bind(app, { incomingCall: { from: "4:+14255550123", to: "4:+18005550100" } });
    expect(await setupError(explore({ app: server.binding, ...settings }))).toBe("--incoming-call needs --event-grid-url, the app's Event Grid webhook.");
  });

  test("says it waited after placing the incoming call when the app never answers it", async () => {
    const app = await listenApp({ "/eventgrid": () => 200 });
    const server = await bind(app, { incomingCall: { from: "4:+14255550123", to: "4:+18005550100" }, eventGridUrl: `${app.base}/eventgrid`, answerTimeoutMs: 250 });
    expect(await setupError(explore({ app: server.binding, ...settings }))).toBe(
      `the app made no request to callsim in this run. callsim waited 250 ms (--answer-timeout-ms) after placing the incoming call. ` +
        `Check that the app is running and uses connectionString=endpoint=${server.endpoint}/;accesskey=<key>.`,
    );
  });
});

describe("an app behind a URL that waits on callsim before it answers", () => {
  test("passes when its start handler answers only once its own createCall has been answered", async () => {
    const statuses: number[] = [];
    const app = await listenApp({
      // The explorer holds the createCall answer: the app's open POST waits on the explorer, not on the app.
      "/start": (_, client, base) =>
        client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, `${base}/callbacks`).then(
          () => (statuses.push(200), 200),
          () => (statuses.push(409), 409),
        ),
      "/callbacks": () => 200,
    });
    const server = await bind(app, { startUrl: `${app.base}/start`, answerTimeoutMs: 300 });
    const result = await explore({ app: server.binding, ...settings });
    expect(result.failures, result.summary).toBe(0);
    expect(statuses).toContain(200);
  });
});
