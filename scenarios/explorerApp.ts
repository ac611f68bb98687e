import { CallAutomationClient } from "@azure/communication-call-automation";
import type { HttpClient } from "@azure/core-rest-pipeline";
import type { Emulator, RouteRequest, RouteResponse } from "../emulator/index.js";
import type { Independence } from "./explorerIndependence.js";
import type { Step } from "./explorerRun.js";
import type { WorkerRecipe } from "./explorerWorkers.js";
import { fingerprintState, type AppFingerprint } from "./explorerState.js";

/**
 * The app under exploration as the explorer drives it: in-process functions ({@link ExploreApp}),
 * or any {@link AppBinding} (an app behind a URL, see explorerHttp.ts).
 */

/** What the app under exploration gets in every run. */
export interface AppContext<S> {
  client: CallAutomationClient;
  /** Where the app asks callsim to send its events. */
  callbackUri: string;
  /** The app's own state, fresh for every run. */
  state: S;
  emulator: Emulator;
}

/** An app as the explorer drives it: a start step, its callback handler, and checks. */
export interface ExploreApp<S = any> {
  /** Fresh state for a run. */
  init?(): S;
  /** The app's first SDK call(s), e.g. createCall. */
  start(ctx: AppContext<S>): Promise<unknown> | void;
  /** The app's callback route: receives what the service would POST (a one-event array). */
  handle(events: Array<Record<string, any>>, ctx: AppContext<S>): Promise<unknown> | void;
  /** Checked after every step; throw or return false (or a message) when the app's state is wrong. */
  invariant?(state: S, ctx: AppContext<S>): boolean | string | void;
  /** Checked once a run has nothing left to do. */
  check?(state: S, ctx: AppContext<S>): boolean | string | void;
  /**
   * A text equal for two states exactly when the app will act the same from either: the
   * explorer does not explore a state twice. By default the state's canonical JSON (Map and
   * Set order aside), which holds when `state` is all the app keeps between events.
   */
  fingerprint?(state: S): string;
  /**
   * "perCall" asserts that the handlers keep state per call (and per callback URL): events of
   * different calls commute, and the explorer runs one order of each such swap. Default "none".
   */
  independence?: Independence;
  /**
   * How a worker thread builds this same app (a module and its export): with it, the search
   * runs on the machine's cores (see ExploreOptions.workers).
   * @example worker: { module: import.meta.url, export: "app" }
   */
  worker?: WorkerRecipe;
}

/** What a binding gets for one run. */
export interface RunHooks {
  emulator: Emulator;
  /**
   * The route table, with Call Automation responses held until the explorer releases them;
   * `accepted` runs once callsim has acted on the request and only the answer is held back.
   */
  handle: (request: RouteRequest, accepted?: () => void) => Promise<RouteResponse>;
  /** Where the app asks callsim to send its events, when the binding decides it. */
  callbackUri: string;
  /** Ends the run as failed (the first reason wins). */
  fail(reason: string): void;
}

/** How the explorer reaches an app: in-process functions, or an app behind a URL. */
export interface AppBinding {
  open(hooks: RunHooks): void | Promise<void>;
  /** Sets off the app's first action. */
  start(): void;
  /** Hands one event to the app, as the service would POST it. */
  deliver(step: Extract<Step, { kind: "event" }>): void;
  /** Resolves once the app's reaction to the last step has reached callsim. */
  quiet(): Promise<void>;
  /** A broken invariant, after any step. */
  invariant?(): string | undefined;
  /** A broken final check, once the run has nothing left to do. */
  check?(): string | undefined;
  /** What the app asserts about its handlers (see {@link ExploreApp.independence}). */
  independence?: Independence;
  /** The app's state as a fingerprint, for state-based pruning; absent when it cannot be known (an app behind a URL). */
  fingerprint?(): AppFingerprint;
  /** Runs once the run is over and its held answers are released: waits (bounded) for the app to settle. */
  endRun?(): Promise<void>;
  /** Why an app may have made no request, for the error that says so. */
  silenceHint?(): string;
  /**
   * A run that delivered the app no event is an error, not a pass. For an app behind a URL,
   * whose every flow starts with an event or leads to one; an in-process app may legitimately
   * reject or redirect a call and get none.
   */
  expectsEvents?: boolean;
}

/** Binds an in-process app (its functions) for {@link runOnce}; one binding serves its runs one after another. */
export function inProcessBinding<S>(app: ExploreApp<S>): AppBinding {
  let ctx: AppContext<S>;
  let fail: (reason: string) => void;
  let client: CallAutomationClient | undefined;
  let clientFor: string | undefined;
  let current: HttpClient;
  const guard = (run: () => unknown, what: string) => {
    // This run's own fail: a rejection that comes after its run ended must not fail the next run.
    const failThisRun = fail;
    try {
      const work = run();
      if (work && typeof (work as Promise<unknown>).then === "function") (work as Promise<unknown>).then(undefined, (e: unknown) => failThisRun(`${what} rejected: ${message(e)}`));
    } catch (e) {
      failThisRun(`${what} threw: ${message(e)}`);
    }
  };
  const verdict = (name: string, check?: (state: S, ctx: AppContext<S>) => boolean | string | void) => {
    if (!check) return undefined;
    try {
      const result = check(ctx.state, ctx);
      return result === false || typeof result === "string" ? `${name} failed${typeof result === "string" ? `: ${result}` : ""}` : undefined;
    } catch (e) {
      return `${name} failed: ${message(e)}`;
    }
  };
  return {
    open(hooks) {
      fail = hooks.fail;
      // One SDK client for every run of this binding, sending to the current run: building the
      // client (its pipeline and serializers) cost more than a short run of the app.
      current = hooks.emulator.httpClient((request) => hooks.handle(request));
      if (!client || clientFor !== hooks.emulator.connectionString()) {
        clientFor = hooks.emulator.connectionString();
        client = new CallAutomationClient(clientFor, { httpClient: { sendRequest: (request) => current.sendRequest(request) }, retryOptions: { maxRetries: 0 } });
      }
      ctx = { client, callbackUri: hooks.callbackUri, state: app.init ? app.init() : (undefined as S), emulator: hooks.emulator };
    },
    start: () => guard(() => app.start(ctx), "start"),
    deliver: (step) => guard(() => app.handle([step.event], ctx), `the handler for ${step.type}${step.duplicate ? " (duplicate)" : ""}`),
    // The direct httpClient and the engine use promises only, so one macrotask turn flushes them.
    quiet: () => new Promise<void>((resolve) => setImmediate(resolve)),
    invariant: () => verdict("invariant", app.invariant),
    check: () => verdict("final check", app.check),
    independence: app.independence,
    fingerprint: () => (ctx.state === undefined && !app.fingerprint ? { why: "it keeps no state for the explorer (no init)" } : fingerprintState(ctx.state, app.fingerprint)),
  };
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
