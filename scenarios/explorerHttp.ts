import { request } from "undici";
import { createFastifyTransport } from "../emulator/http/fastify.js";
import type { RouteRequest, RouteResponse } from "../emulator/http/routes.js";
import type { AppBinding, RunHooks } from "./explorerRun.js";

/** Options of an app reached over HTTP. */
export interface HttpAppOptions {
  /** Where the app wants its callback events; the explorer POSTs them there (CloudEvents arrays). */
  callbackUrl: string;
  /** POSTed (empty JSON object) to set off the app's first action, e.g. placing a call. */
  startUrl?: string;
  /** An IncomingCall to place instead (`from`, `to` rawIds), delivered to `eventGridUrl`. */
  incomingCall?: { from: string; to: string };
  /** The app's Event Grid webhook, for IncomingCall. */
  eventGridUrl?: string;
  /** POSTed before every run so the app forgets the previous one. */
  resetUrl?: string;
  /** How long the app may stay silent before its reaction counts as complete. Default 10 ms. */
  quietMs?: number;
}

/**
 * The explorer's side of an app behind a URL: a callsim server on a fixed port whose answers
 * the explorer holds, and event deliveries it makes itself as plain HTTP POSTs.
 */
export async function createHttpAppBinding(options: HttpAppOptions, listen: { host?: string; port?: number } = {}) {
  let current: RunHooks | undefined;
  let inFlight = 0;
  let lastActivity = Date.now();
  const touch = () => void (lastActivity = Date.now());
  const app = createFastifyTransport(async (req: RouteRequest): Promise<RouteResponse> => {
    touch();
    if (!current) return { status: 503, headers: {}, body: JSON.stringify({ error: { code: "NotReady", message: "No exploration run is active." } }) };
    // Counted until callsim has acted; a held answer is the explorer's to release, not the app's work.
    inFlight++;
    let counted = true;
    const done = () => {
      if (counted) inFlight--;
      counted = false;
      touch();
    };
    try {
      return await current.handle(req, done);
    } finally {
      done();
    }
  });
  await app.listen({ host: listen.host ?? "127.0.0.1", port: listen.port ?? 0 });
  const address = app.server.address();
  const endpoint = `http://127.0.0.1:${typeof address === "object" && address ? address.port : listen.port}`;
  const post = (url: string, body: unknown, fail: (reason: string) => void, what: string) => {
    inFlight++;
    touch();
    request(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
      .then(async (response) => {
        await response.body.text();
        if (response.statusCode >= 400) fail(`${what} answered ${response.statusCode}`);
      })
      .catch((error: Error) => fail(`${what} could not be reached: ${error.message}`))
      .finally(() => {
        inFlight--;
        touch();
      });
  };

  const binding: AppBinding = {
    async open(hooks) {
      current = hooks;
      if (options.incomingCall) {
        if (!options.eventGridUrl) throw new Error("incomingCall needs eventGridUrl, the app's Event Grid webhook.");
        hooks.emulator.engine.eventGrid.subscribeValidated(options.eventGridUrl, ["IncomingCall"]);
      }
      if (options.resetUrl) {
        const response = await request(options.resetUrl, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
        await response.body.text();
      }
    },
    start() {
      const hooks = current!;
      if (options.startUrl) post(options.startUrl, {}, hooks.fail, `the app's start URL ${options.startUrl}`);
      if (options.incomingCall) hooks.emulator.placeIncomingCall(options.incomingCall);
    },
    deliver(step) {
      const target = step.destination.startsWith("https://app.explore.test/") ? options.callbackUrl : step.destination;
      post(target, [step.event], current!.fail, `the app's callback ${target} on ${step.type}${step.duplicate ? " (duplicate)" : ""}`);
    },
    async quiet() {
      const quietMs = options.quietMs ?? 10;
      // The app is another process: its reaction is done once nothing moved for quietMs.
      for (;;) {
        await new Promise<void>((resolve) => setTimeout(resolve, 2));
        if (inFlight === 0 && Date.now() - lastActivity >= quietMs) return;
      }
    },
  };
  return { binding, endpoint, connectionString: (accessKey: string) => `endpoint=${endpoint}/;accesskey=${accessKey}`, close: () => app.close() };
}
