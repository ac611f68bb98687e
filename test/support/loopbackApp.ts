/**
 * An app behind a URL for the explorer's HTTP tests: a node:http server on a free loopback port
 * whose routes answer a status (or never answer, "hang") and may act with the SDK meanwhile, and
 * the explorer's binding to it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CallAutomationClient } from "@azure/communication-call-automation";
import { DEFAULT_ACCESS_KEY } from "../../emulator/index.js";
import { createHttpAppBinding, type HttpAppOptions } from "../../scenarios/explorerHttp.js";

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Route = (seen: Seen, client: CallAutomationClient, base: string) => number | "hang" | Promise<number>;

/** What closes what a test opened, in reverse order, after each test. */
export type Closers = Array<() => Promise<void>>;

export async function listenApp(routes: Record<string, Route>, closers: Closers) {
  const seen: Seen[] = [];
  const hanging: ServerResponse[] = [];
  let client: CallAutomationClient | undefined;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const request = { method: req.method!, url: req.url!, headers: req.headers, body };
      seen.push(request);
      const route = routes[req.url!];
      void Promise.resolve(route ? route(request, client!, base) : 404).then((status) => {
        if (status === "hang") hanging.push(res);
        else res.writeHead(status).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { base, seen, useClient: (c: CallAutomationClient) => void (client = c) };
}

export type LoopbackApp = Awaited<ReturnType<typeof listenApp>>;

/** The explorer's binding to `app`, whose SDK client then talks to the binding's callsim (no retries: a retry would land in a later run). */
export async function bindApp(app: LoopbackApp, options: Omit<HttpAppOptions, "callbackUrl"> & { callbackUrl?: string }, closers: Closers) {
  const server = await createHttpAppBinding({ callbackUrl: `${app.base}/callbacks`, answerTimeoutMs: 500, quietMs: 15, readyTimeoutMs: 2_000, ...options });
  closers.push(server.close);
  app.useClient(new CallAutomationClient(server.connectionString(DEFAULT_ACCESS_KEY), { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } }));
  return server;
}

/** An Event Grid webhook route that answers each IncomingCall, with callbacks to the app's /callbacks. */
export const answerIncomingCalls: Route = (seen, client, base) => {
  for (const event of JSON.parse(seen.body)) {
    if (event.eventType === "Microsoft.Communication.IncomingCall") void client.answerCall(event.data.incomingCallContext, `${base}/callbacks`).catch(() => undefined);
  }
  return 200;
};
