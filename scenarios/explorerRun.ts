import { CallAutomationClient } from "@azure/communication-call-automation";
import { createEmulator, type Emulator } from "../emulator/index.js";
import { createSdkHttpClient } from "../emulator/http/sdkHttpClient.js";
import type { RouteRequest, RouteResponse } from "../emulator/http/routes.js";
import { ExploreSetupError } from "./exploreErrors.js";
import { fingerprintState, type AppFingerprint } from "./explorerState.js";
import type { Independence } from "./explorerIndependence.js";
import type { Scenario } from "./scenario.js";

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
}

/** One thing the explorer may let happen next. */
export type Step =
  | { kind: "event"; type: string; callConnectionId?: string; destination: string; event: Record<string, any>; duplicate: boolean }
  | { kind: "response"; label: string; release: () => void }
  | { kind: "advance"; label: string }
  | { kind: "end" };

/** What happened in a run, in order, for the report and the diagram. */
export type TraceEntry = { kind: "request"; label: string } | { kind: "response"; label: string } | { kind: "event"; type: string; duplicate: boolean } | { kind: "advance"; label: string };

/** How a run ended. */
export interface RunOutcome {
  choices: number[];
  branching: number[];
  /**
   * At each decision, the index of the first at-least-once copy among the candidates: index 0
   * is the plain step, indices below this move an event, indices from it deliver a copy.
   */
  duplicateFrom: number[];
  trace: TraceEntry[];
  failure?: string;
  /** True when the run was cut short at a state already explored (its futures were run before). */
  pruned?: boolean;
}

/**
 * Asked before decision `step` whether to go on from the state reached; `fingerprint` answers
 * that state's fingerprint, or why there is none. Answering false ends the run as pruned.
 */
export type Visit = (step: number, fingerprint: () => AppFingerprint) => boolean;

/** Picks among the allowed next steps (or -1: none, the run is pruned); `step` counts decisions in this run. */
export type Chooser = (candidates: Step[], step: number) => number;

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

const CALLBACK_BASE = "https://app.explore.test/";
/**
 * What a request of the app gets when its run ends before the explorer released its answer.
 * 409, not 503: the SDK retries 503 and would carry the request into the next run.
 */
const RUN_ENDED: RouteResponse = {
  status: 409,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ error: { code: "ExplorationRunEnded", message: "The exploration run this request belonged to has ended." } }),
};
/** Rule: a run longer than this is cut short as a failure (an app that never stops acting). */
export const MAX_STEPS_PER_RUN = 400;

/** Binds an in-process app (its functions) for {@link runOnce}. */
export function inProcessBinding<S>(app: ExploreApp<S>): AppBinding {
  let ctx: AppContext<S>;
  let fail: (reason: string) => void;
  const guard = (run: () => unknown, what: string) => {
    try {
      const work = run();
      if (work && typeof (work as Promise<unknown>).then === "function") (work as Promise<unknown>).then(undefined, (e: unknown) => fail(`${what} rejected: ${message(e)}`));
    } catch (e) {
      fail(`${what} threw: ${message(e)}`);
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
      const client = new CallAutomationClient(hooks.emulator.connectionString(), { httpClient: createSdkHttpClient(hooks.handle), retryOptions: { maxRetries: 0 } });
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

/**
 * Runs the app once against the scenario's world, letting `choose` decide, at every point,
 * which pending delivery happens next: a callback event, a copy of one already delivered
 * (at-least-once), the REST response of one of the app's own calls, or world time moving on.
 */
export async function runOnce(binding: AppBinding, scenario: Pick<Scenario, "world"> | undefined, seed: number, duplicates: number, choose: Chooser, visit?: Visit): Promise<RunOutcome> {
  // The self-check is on: a response or event that departs from the spec is callsim's bug, not the app's.
  const emulator = createEmulator({ clock: "virtual", seed, selfCheck: true, signCallbacks: false });
  const clock = emulator.clock!;
  const pool: Step[] = [];
  const delivered: Array<Extract<Step, { kind: "event" }>> = [];
  const trace: TraceEntry[] = [];
  const choices: number[] = [];
  const branching: number[] = [];
  const duplicateFroms: number[] = [];
  let failure: string | undefined;
  const fail = (reason: string) => void (failure ??= reason);
  let duplicatesLeft = duplicates;
  let requests = 0;
  let pruned = false;
  // What the engine was asked, in order: with the calls' state and the clock, it stands for the emulator's state.
  const history: string[] = [];
  const held = new Set<(response: RouteResponse) => void>();

  // Every delivery is captured; the explorer decides when (and how often) the app gets it.
  emulator.onCallback(() => true, ({ url, events }) => {
    for (const event of events) {
      const type = String(event.type ?? event.eventType).replace("Microsoft.Communication.", "");
      pool.push({ kind: "event", type, callConnectionId: event.data?.callConnectionId, destination: url, event, duplicate: false });
    }
  });
  let ended = false;
  const handle = async (request: RouteRequest, accepted?: () => void): Promise<RouteResponse> => {
    // What the app asks once its run is over is not acted on: it belongs to no order.
    if (ended) return RUN_ENDED;
    const response = await emulator.handle(request);
    accepted?.();
    if (!request.url.startsWith("/calling/")) return response;
    const label = `${request.method} ${request.url.split("?")[0].replace("/calling/callConnections", "") || "/"}`;
    trace.push({ kind: "request", label });
    requests++;
    history.push(`${label} ${response.status}`);
    if (response.status >= 400) fail(`the app made an invalid request: ${label} answered ${response.status} ${response.body ?? ""}`);
    return new Promise<RouteResponse>((resolve) => {
      held.add(resolve);
      pool.push({ kind: "response", label: `${label} → ${response.status}`, release: () => (held.delete(resolve), resolve(response)) });
    });
  };
  const quiesce = async () => {
    for (let round = 0; round < 50; round++) {
      await binding.quiet();
      const due = clock.pending()[0];
      if (!due || due.at > clock.now()) return;
      clock.next();
    }
  };

  try {
    await scenario?.world?.(emulator);
    await binding.open({ emulator, handle, callbackUri: `${CALLBACK_BASE}events`, fail });
    binding.start();
    for (let step = 0; !failure; step++) {
      await quiesce();
      const future = clock.pending()[0];
      const { candidates, duplicateFrom } = allowed(pool, delivered, duplicatesLeft, future && `world time moves on (${future.label ?? "timer"})`);
      if (candidates.length === 0) break;
      if (visit && !visit(step, () => stateOf(binding, emulator, pool, delivered, duplicatesLeft, history))) {
        pruned = true;
        break;
      }
      if (step >= MAX_STEPS_PER_RUN) {
        fail(`the run did not finish within ${MAX_STEPS_PER_RUN} steps`);
        break;
      }
      const index = choose(candidates, step);
      // A chooser answers -1 when every order from here is covered elsewhere.
      if (index === -1) {
        pruned = true;
        break;
      }
      choices.push(index);
      branching.push(candidates.length);
      duplicateFroms.push(duplicateFrom);
      const chosen = candidates[index];
      if (!chosen) {
        throw new ExploreSetupError(
          `choice ${index} is out of range at step ${step} (${candidates.length} candidates): the replay token belongs to another app or scenario, ` +
            "or the app did not act the same way when the same order was run again (it remembers earlier runs: give it a reset URL; or it acts late: raise the quiet window).",
        );
      }
      if (chosen.kind === "end") break;
      if (chosen.kind === "advance") {
        trace.push({ kind: "advance", label: chosen.label });
        history.push(`time: ${chosen.label}`);
        clock.next();
        continue;
      }
      if (chosen.kind === "response" || !chosen.duplicate) pool.splice(pool.indexOf(chosen), 1);
      if (chosen.kind === "response") {
        trace.push({ kind: "response", label: chosen.label });
        chosen.release();
      } else {
        if (chosen.duplicate) duplicatesLeft--;
        else delivered.push(chosen);
        trace.push({ kind: "event", type: chosen.type, duplicate: chosen.duplicate });
        binding.deliver(chosen);
      }
      await quiesce();
      if (!failure) {
        const broken = binding.invariant?.();
        if (broken) fail(broken);
      }
    }
    if (!failure && !pruned) {
      const broken = binding.check?.();
      if (broken) fail(broken);
    }
    // A run that exercised nothing must not pass: the app never reached callsim, or got no event.
    if (requests === 0) throw new ExploreSetupError(`the app made no request to callsim in this run${failure ? ` (${failure})` : ""}. ${binding.silenceHint?.() ?? "Its start step must make a Call Automation request through ctx.client."}`);
    if (binding.expectsEvents && delivered.length === 0 && !failure && !pruned) throw new ExploreSetupError(`the app handled no event: its requests (${trace.filter((t) => t.kind === "request").map((t) => (t as { label: string }).label).join(", ")}) led to no callback event.`);
    emulator.assertSelfCheck();
    return { choices, branching, duplicateFrom: duplicateFroms, trace, failure, pruned };
  } finally {
    // Answers still held go out as "run ended", so the app's awaits settle before the next run.
    ended = true;
    for (const resolve of [...held]) resolve(RUN_ENDED);
    held.clear();
    await binding.endRun?.();
    await emulator.close();
  }
}

/**
 * The steps the service may take next, the plain one first: held REST answers, then events in
 * emission order, then world time moving on, then (when nothing else is left) the end of the
 * run; at-least-once copies come last, from `duplicateFrom` on. Events of a connection may
 * come in any order and more than once, except that nothing follows CallDisconnected
 * [DOC-CODES]: it waits for the connection's other pending events, and is never repeated nor
 * followed by a copy.
 */
function allowed(pool: Step[], delivered: Array<Extract<Step, { kind: "event" }>>, duplicatesLeft: number, advance: string | undefined): { candidates: Step[]; duplicateFrom: number } {
  const ended = new Set(delivered.filter((e) => e.type === "CallDisconnected").map((e) => e.callConnectionId));
  const responses = pool.filter((s) => s.kind === "response");
  const events = pool.filter((s) => {
    if (s.kind !== "event") return false;
    return s.type !== "CallDisconnected" || !pool.some((o) => o !== s && o.kind === "event" && o.callConnectionId === s.callConnectionId);
  });
  const plain: Step[] = [...responses, ...events];
  if (advance) plain.push({ kind: "advance", label: advance });
  const copies: Step[] =
    duplicatesLeft > 0 ? delivered.filter((e) => e.type !== "CallDisconnected" && !ended.has(e.callConnectionId)).map((e) => ({ ...e, duplicate: true })) : [];
  if (plain.length === 0 && copies.length > 0) plain.push({ kind: "end" });
  return { candidates: [...plain, ...copies], duplicateFrom: plain.length };
}

/**
 * The fingerprint of a decision point: the app's state, the emulator's (its calls, the clock,
 * what it was asked), what is left to deliver in candidate order, and which events a copy may
 * repeat (a set: a copy's place among the candidates does not change its cost); with the copies
 * left on the side.
 */
function stateOf(binding: AppBinding, emulator: Emulator, pool: Step[], delivered: Array<Extract<Step, { kind: "event" }>>, duplicatesLeft: number, history: string[]): AppFingerprint {
  const app = binding.fingerprint?.() ?? { why: "it runs behind a URL, where the explorer cannot see its state" };
  if (!("fingerprint" in app)) return app;
  const clock = emulator.clock!;
  const eventKey = (e: Extract<Step, { kind: "event" }>) => `${e.event.id} ${e.type} ${e.callConnectionId ?? ""} ${e.destination}`;
  const world = JSON.stringify({
    calls: emulator.calls(),
    now: clock.now(),
    timers: clock.pending().map((t) => [t.at, t.label]),
    history,
    pool: pool.map((s) => (s.kind === "event" ? eventKey(s) : s.kind === "response" ? s.label : s.kind)),
    delivered: delivered.map(eventKey).sort(),
  });
  // The copies left are apart: a state with fewer left has a subset of the futures of the same state with more.
  return { fingerprint: `${app.fingerprint}\n${world}`, copiesLeft: duplicatesLeft };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
