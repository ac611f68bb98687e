import { CallAutomationClient } from "@azure/communication-call-automation";
import type { HttpClient, PipelineResponse } from "@azure/core-rest-pipeline";
import { createEmulator, type Emulator } from "../emulator/index.js";
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
}

/** One thing the explorer may let happen next. */
export type Step =
  | { kind: "event"; type: string; callConnectionId?: string; event: Record<string, any>; duplicate: boolean }
  | { kind: "response"; label: string; release: () => void }
  | { kind: "advance"; label: string }
  | { kind: "end" };

/** What happened in a run, in order, for the report and the diagram. */
export type TraceEntry = { kind: "request"; label: string } | { kind: "response"; label: string } | { kind: "event"; type: string; duplicate: boolean } | { kind: "advance"; label: string };

/** How a run ended. */
export interface RunOutcome {
  choices: number[];
  branching: number[];
  trace: TraceEntry[];
  failure?: string;
}

/** Picks among the allowed next steps; `step` counts decisions in this run. */
export type Chooser = (candidates: Step[], step: number) => number;

const CALLBACK_BASE = "https://app.explore.test/";
/** Rule: a run longer than this is cut short as a failure (an app that never stops acting). */
export const MAX_STEPS_PER_RUN = 400;

/**
 * Runs the app once against the scenario's world, letting `choose` decide, at every point,
 * which pending delivery happens next: a callback event, a copy of one already delivered
 * (at-least-once), the REST response of one of the app's own calls, or world time moving on.
 */
export async function runOnce<S>(app: ExploreApp<S>, scenario: Pick<Scenario, "world"> | undefined, seed: number, duplicates: number, choose: Chooser): Promise<RunOutcome> {
  const emulator = createEmulator({ clock: "virtual", seed });
  const clock = emulator.clock!;
  const pool: Step[] = [];
  const delivered: Array<Extract<Step, { kind: "event" }>> = [];
  const trace: TraceEntry[] = [];
  const choices: number[] = [];
  const branching: number[] = [];
  let failure: string | undefined;
  const fail = (reason: string) => (failure ??= reason);
  let duplicatesLeft = duplicates;

  emulator.onCallback(CALLBACK_BASE, ({ events }) => {
    for (const event of events) pool.push({ kind: "event", type: String(event.type).replace("Microsoft.Communication.", ""), callConnectionId: event.data?.callConnectionId, event, duplicate: false });
  });
  const direct = emulator.httpClient();
  const held: HttpClient = {
    async sendRequest(request) {
      const label = `${request.method} ${new URL(request.url).pathname.replace("/calling/callConnections", "") || "/"}`;
      trace.push({ kind: "request", label });
      const response = await direct.sendRequest(request);
      if (response.status >= 400) fail(`the app made an invalid request: ${label} answered ${response.status} ${response.bodyAsText ?? ""}`);
      return new Promise<PipelineResponse>((resolve) => pool.push({ kind: "response", label: `${label} → ${response.status}`, release: () => resolve(response) }));
    },
  };
  const client = new CallAutomationClient(emulator.connectionString(), { httpClient: held, retryOptions: { maxRetries: 0 } });
  const ctx: AppContext<S> = { client, callbackUri: `${CALLBACK_BASE}events`, state: app.init ? app.init() : (undefined as S), emulator };
  const guard = (work: unknown, what: string) => {
    if (work && typeof (work as Promise<unknown>).then === "function") (work as Promise<unknown>).then(undefined, (e: unknown) => fail(`${what} rejected: ${message(e)}`));
  };
  const checkInvariant = () => {
    if (!app.invariant || failure) return;
    try {
      const verdict = app.invariant(ctx.state, ctx);
      if (verdict === false || typeof verdict === "string") fail(`invariant failed${typeof verdict === "string" ? `: ${verdict}` : ""}`);
    } catch (e) {
      fail(`invariant failed: ${message(e)}`);
    }
  };

  try {
    await scenario?.world?.(emulator);
    try {
      guard(app.start(ctx), "start");
    } catch (e) {
      fail(`start threw: ${message(e)}`);
    }
    for (let step = 0; !failure; step++) {
      await quiesce(emulator);
      const candidates = allowed(pool, delivered, duplicatesLeft);
      const future = clock.pending().length > 0;
      if (future) candidates.push({ kind: "advance", label: `world time moves on (${clock.pending()[0].label ?? "timer"})` });
      if (candidates.length === 0) break;
      if (candidates.every((c) => c.kind === "event" && c.duplicate)) candidates.push({ kind: "end" });
      if (step >= MAX_STEPS_PER_RUN) {
        fail(`the run did not finish within ${MAX_STEPS_PER_RUN} steps`);
        break;
      }
      const index = choose(candidates, step);
      choices.push(index);
      branching.push(candidates.length);
      const chosen = candidates[index];
      if (!chosen) throw new Error(`choice ${index} is out of range at step ${step} (${candidates.length} candidates): the replay token does not belong to this app and scenario.`);
      if (chosen.kind === "end") break;
      if (chosen.kind === "advance") {
        trace.push({ kind: "advance", label: chosen.label });
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
        try {
          guard(app.handle([chosen.event], ctx), `the handler for ${chosen.type}`);
        } catch (e) {
          fail(`the handler threw on ${chosen.type}${chosen.duplicate ? " (duplicate)" : ""}: ${message(e)}`);
        }
      }
      await quiesce(emulator);
      checkInvariant();
    }
    if (!failure && app.check) {
      try {
        const verdict = app.check(ctx.state, ctx);
        if (verdict === false || typeof verdict === "string") fail(`final check failed${typeof verdict === "string" ? `: ${verdict}` : ""}`);
      } catch (e) {
        fail(`final check failed: ${message(e)}`);
      }
    }
    return { choices, branching, trace, failure };
  } finally {
    await emulator.close();
  }
}

/**
 * The steps the service may take next. Events of a connection may come in any order and
 * more than once, except that nothing follows CallDisconnected [DOC-CODES]: it waits for the
 * connection's other pending events, and is never repeated nor followed by a copy.
 */
function allowed(pool: Step[], delivered: Array<Extract<Step, { kind: "event" }>>, duplicatesLeft: number): Step[] {
  const ended = new Set(delivered.filter((e) => e.type === "CallDisconnected").map((e) => e.callConnectionId));
  const pending = pool.filter((s) => {
    if (s.kind !== "event" || s.type !== "CallDisconnected") return true;
    return !pool.some((o) => o !== s && o.kind === "event" && o.callConnectionId === s.callConnectionId);
  });
  const copies: Step[] =
    duplicatesLeft > 0 ? delivered.filter((e) => e.type !== "CallDisconnected" && !ended.has(e.callConnectionId)).map((e) => ({ ...e, duplicate: true })) : [];
  return [...pending, ...copies];
}

/** Lets the app's and the engine's pending work run: microtasks, and engine tasks due now. */
async function quiesce(emulator: Emulator): Promise<void> {
  const clock = emulator.clock!;
  for (let round = 0; round < 50; round++) {
    // The direct httpClient and the engine use promises only, so one macrotask turn flushes them.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const due = clock.pending()[0];
    if (!due || due.at > clock.now()) return;
    clock.next();
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
