import { Agent, request } from "undici";
import { createCallbackSigner } from "../emulator/delivery/callbackToken.js";
import { createFastifyTransport } from "../emulator/http/fastify.js";
import { createOpenIdRoutes } from "../emulator/http/openIdRoutes.js";
import type { RouteRequest, RouteResponse } from "../emulator/index.js";
import { AppActivity } from "./appActivity.js";
import { ExploreSetupError } from "./exploreErrors.js";
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
  /**
   * How long the app may stay silent before its reaction to a step counts as complete. Absent:
   * adaptive ({@link AppActivity.quietMs}), short at first and a few times the slowest reaction seen since.
   */
  quietMs?: number;
  /** How long the app may take to answer a POST, or to make its first request after its start. Default {@link DEFAULT_ANSWER_TIMEOUT_MS}. */
  answerTimeoutMs?: number;
  /** How long to wait for the app's URL to answer before the first run. Default {@link DEFAULT_READY_TIMEOUT_MS}. */
  readyTimeoutMs?: number;
  /**
   * Callbacks carry the service's JWT, as callsim's do (default true); the OpenID configuration
   * that verifies them is served at callsim's URL whether a run is on or not. Rule (assumed):
   * tokens are issued on the wall clock when the explorer posts the event, since the app checks
   * them on its own clock, not on the run's virtual one.
   */
  signCallbacks?: boolean;
  /** The tokens' audience (default callsim's `DEFAULT_RESOURCE_ID`). */
  resourceId?: string;
}

export const DEFAULT_ANSWER_TIMEOUT_MS = 10_000;
export const DEFAULT_READY_TIMEOUT_MS = 30_000;
const POLL_MS = 2;

/** Answer to a request that belongs to no run: 409, which the SDK does not retry into the next run. */
const NO_RUN: RouteResponse = {
  status: 409,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ error: { code: "NoExplorationRun", message: "No exploration run is active; this request came after its run ended." } }),
};

/**
 * The explorer's side of an app behind a URL: a callsim server whose answers the explorer
 * holds, and event deliveries it makes itself as plain HTTP POSTs. When the app's reaction to a
 * step is complete is {@link AppActivity}'s to say; this binding looks at it every few ms.
 */
export async function createHttpAppBinding(options: HttpAppOptions, listen: { host?: string; port?: number; https?: { key: string; cert: string } } = {}) {
  const answerTimeoutMs = options.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
  // No undici timeout of its own: a POST may wait on a held answer; the binding bounds the wait.
  // Stryker disable next-line ObjectLiteral: undici's defaults (300 s to headers and body, 10 s to connect) differ from these only for a wait past answerTimeoutMs, which the binding cuts short itself by aborting the overdue POST; only how long a hung app takes to fail (wall clock) tells them apart
  const agent = new Agent({ headersTimeout: 0, bodyTimeout: 0, connect: { timeout: answerTimeoutMs } });
  let current: RunHooks | undefined;
  const activity = new AppActivity({ quietMs: options.quietMs, answerTimeoutMs, now: () => Date.now() });
  // Stryker disable next-line BooleanLiteral: open() sets runFailed to false before any run's first look reads it
  let runFailed = false;
  const signer = options.signCallbacks === false ? undefined : createCallbackSigner({ now: () => Date.now(), resourceId: options.resourceId });
  const discovery = signer && createOpenIdRoutes(signer);
  const fail = (hooks: RunHooks, reason: string) => {
    runFailed = true;
    hooks.fail(reason);
  };

  const server = createFastifyTransport(async (req: RouteRequest): Promise<RouteResponse> => {
    // Key discovery belongs to no run and moves none: the app may fetch keys at any time.
    const keys = discovery?.(req);
    if (keys) return keys;
    const hooks = current;
    if (!hooks) return NO_RUN;
    const id = activity.requestArrived();
    try {
      return await hooks.handle(req, () => activity.accepted(id));
    } finally {
      activity.answered(id);
    }
  }, { https: listen.https });
  try {
    await server.listen({ host: listen.host ?? "127.0.0.1", port: listen.port ?? 0 });
  } catch (error) {
    await agent.destroy();
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    throw new ExploreSetupError(`port ${listen.port} is already in use (a callsim server?). Pick another with --port (or CALLSIM_PORT), or 0 for a free one.`);
  }
  const address = server.server.address();
  const endpoint = `${listen.https ? "https" : "http"}://127.0.0.1:${typeof address === "object" && address ? address.port : listen.port}`;

  /** POSTs `body` to the app; its failure fails the run it belongs to, never a later one. */
  const post = (url: string, body: unknown, hooks: RunHooks, what: string, authorization?: Promise<string>) => {
    const open = activity.postSent(what);
    Promise.resolve(authorization)
      .then((token) => request(url, { method: "POST", headers: { "content-type": "application/json", ...(token && { authorization: token }) }, body: JSON.stringify(body), dispatcher: agent, signal: open.abort.signal }))
      .then(async (response) => {
        await response.body.text();
        // Stryker disable next-line ConditionalExpression: endRun lets go of the run (current = undefined) only once every POST settled or was aborted, and an aborted POST never gets here (its body read rejects), so a POST that answers here belongs to the current run; a late call on an ended run's hooks changes no outcome (its outcome is taken before endRun, and open() clears runFailed)
        if (response.statusCode >= 400 && current === hooks) fail(hooks, `${what} answered ${response.statusCode}`);
      })
      .catch((error: Error) => {
        // Aborted by the binding: an overdue POST (its run already failed naming it) or one of a run that is over.
        // Stryker disable next-line ConditionalExpression: with no return here an aborted POST of the current run is one the binding found overdue, whose run already has its reason (fail keeps the first), and one of an ended run is stopped by the check below (the true mutant, no failure for an unreachable app, is killed by explorerHttp.test.ts)
        if (open.abort.signal.aborted) return;
        // An error after the run was let go of (an aborted POST's, delivered late) must not fail the next run.
        // Stryker disable next-line ConditionalExpression: only an aborted POST's error can come after endRun let go of its run (endRun settles or aborts every POST first), and those returned above
        if (current === hooks) fail(hooks, `${what} could not be reached: ${error.message}`);
      })
      .finally(() => activity.postSettled(open));
  };

  const binding: AppBinding = {
    expectsEvents: true,
    async open(hooks) {
      if (options.resetUrl) await send(options.resetUrl, "the app's reset URL");
      current = hooks;
      activity.runOpened();
      runFailed = false;
      if (options.incomingCall) {
        if (!options.eventGridUrl) throw new ExploreSetupError("--incoming-call needs --event-grid-url, the app's Event Grid webhook.");
        hooks.emulator.engine.eventGrid.subscribeValidated(options.eventGridUrl, ["IncomingCall"]);
      }
    },
    start() {
      const hooks = current!;
      // After its start the app must act (with an IncomingCall, once it has the event).
      // Stryker disable next-line ConditionalExpression: with an incoming call and no start URL nothing reaches the app before the IncomingCall step, so awaiting a first request after start only waits out answerTimeoutMs and then settles as before (wall clock); the IncomingCall's delivery sets the same wait
      activity.started(options.startUrl !== undefined);
      if (options.startUrl) post(options.startUrl, {}, hooks, `the app's start URL ${options.startUrl}`);
      if (options.incomingCall) hooks.emulator.placeIncomingCall(options.incomingCall);
    },
    deliver(step) {
      const target = step.destination.startsWith("https://app.explore.test/") ? options.callbackUrl : step.destination;
      activity.delivering();
      // Call Automation callbacks (CloudEvents) are signed; Event Grid's IncomingCall is not.
      const token = signer && step.event.eventType === undefined ? signer.token().then((jwt) => `Bearer ${jwt}`) : undefined;
      post(target, [step.event], current!, `the app's callback ${target} on ${step.type}${step.duplicate ? " (duplicate)" : ""}`, token);
    },
    async quiet() {
      const hooks = current!;
      activity.waitBegan();
      // Stryker disable next-line ArrowFunction: waitEnded clears `waiting`, which only chooses how much the adaptive quiet window grows for a request made between waits, i.e. how long later waits last (wall clock)
      await settle(hooks, Date.now()).finally(() => activity.waitEnded());
    },
    async endRun() {
      activity.runEnding();
      // The held answers went out as "run ended"; the app's open POSTs settle before the next run.
      const began = Date.now();
      // Stryker disable next-line EqualityOperator: < and <= differ only in the one millisecond at the bound (wall clock); the >= mutant, no wait at all, is killed by test/scenarios/explorerHttpOwedAnswers.test.ts (as are this line's other mutants)
      while (activity.posts.size > 0 && Date.now() - began < answerTimeoutMs) await new Promise<void>((resolve) => setTimeout(resolve, POLL_MS));
      for (const open of activity.posts) open.abort.abort();
      activity.posts.clear();
      current = undefined;
    },
    silenceHint: () =>
      `callsim waited ${answerTimeoutMs} ms (--answer-timeout-ms) after ${options.startUrl ? `POST ${options.startUrl}` : "placing the incoming call"}. ` +
      `Check that the app is running and uses connectionString=${connectionString("<key>")}${listen.https ? " and trusts callsim's certificate (NODE_EXTRA_CA_CERTS)" : ""}.`,
  };

  /** Resolves once the app's reaction to the last step is complete (see {@link createHttpAppBinding}), failing the run when a bound is hit. */
  async function settle(hooks: RunHooks, began: number): Promise<void> {
    // The first look comes after one macrotask turn, when a released answer has gone out (and touched).
    // Stryker disable next-line UpdateOperator: look only tells the first look (0) from the others, and counting down (0, -1, -2, ...) tells them apart the same
    for (let look = 0; ; look++) {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: setImmediate or a POLL_MS timer before a look only changes when the look comes, and every verdict is bounded by times the look reads (wall clock)
      await new Promise<void>((resolve) => (look === 0 ? setImmediate(resolve) : setTimeout(resolve, POLL_MS)));
      if (runFailed) return;
      const { overdue, verdict } = activity.look(began);
      for (const open of overdue) {
        fail(hooks, `${open.what} did not answer within ${answerTimeoutMs} ms (--answer-timeout-ms)`);
        open.abort.abort();
      }
      if (verdict.kind === "failed") fail(hooks, verdict.reason);
      if (verdict.kind !== "wait") return;
    }
  }

  /** One POST outside any run (reset), bounded, its failure an error of the exploration. */
  async function send(url: string, what: string): Promise<void> {
    try {
      const response = await request(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}", dispatcher: agent, signal: AbortSignal.timeout(answerTimeoutMs) });
      await response.body.text();
      if (response.statusCode >= 400) throw new ExploreSetupError(`${what} ${url} answered ${response.statusCode}.`);
    } catch (error) {
      if (error instanceof ExploreSetupError) throw error;
      throw new ExploreSetupError(`${what} ${url} did not answer within ${answerTimeoutMs} ms (--answer-timeout-ms): ${(error as Error).message}`);
    }
  }

  /**
   * Waits until the app answers at all (any status) at the root of its callback URL's origin,
   * bounded by `readyTimeoutMs`. Not the start URL itself: a GET there could set the app off.
   */
  async function ready(): Promise<void> {
    const timeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    const url = `${new URL(options.callbackUrl).origin}/`;
    const began = Date.now();
    let last = "";
    while (Date.now() - began < timeoutMs) {
      try {
        const elapsed = Date.now() - began;
        // Stryker disable next-line MethodExpression,ArithmeticOperator: the per-try cap of 1 s or the time left changes only when a try that gets no answer gives up (wall clock)
        const tryFor = Math.min(1_000, timeoutMs - elapsed);
        // Stryker disable next-line StringLiteral: undici's request() sends GET for an empty method (opts.method || 'GET')
        const response = await request(url, { method: "GET", dispatcher: agent, signal: AbortSignal.timeout(Math.max(1, tryFor)) });
        await response.body.text();
        return;
      } catch (error) {
        last = (error as Error).message;
        await new Promise<void>((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new ExploreSetupError(`the app did not answer at ${url} within ${timeoutMs} ms (--ready-timeout-ms)${last ? `: ${last}` : ""}. Is it running and listening there?`);
  }

  function connectionString(accessKey: string): string {
    return `endpoint=${endpoint}/;accesskey=${accessKey}`;
  }

  /** Stops serving, whatever the app's keep-alive connections do. */
  async function close(): Promise<void> {
    current = undefined;
    for (const open of activity.posts) open.abort.abort();
    server.server.closeAllConnections();
    // Stryker disable next-line ArrowFunction: the 1 s bound is for a close that hangs; every connection was closed just before, so server.close() settles first here, and a close that hung would differ only in wall clock
    await Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    await agent.destroy().catch(() => undefined);
  }

  return { binding, endpoint, connectionString, ready, close };
}
