import { createEmulator, type RouteRequest, type RouteResponse } from "../emulator/index.js";
import type { AppBinding } from "./explorerApp.js";
import { ExploreSetupError } from "./exploreErrors.js";
import { allowed, noteContexts, stateOf } from "./explorerSteps.js";
import type { AppFingerprint } from "./explorerState.js";
import type { Scenario } from "./scenario.js";

export { inProcessBinding, type AppBinding, type AppContext, type ExploreApp, type RunHooks } from "./explorerApp.js";

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

/**
 * Runs the app once against the scenario's world, letting `choose` decide, at every point,
 * which pending delivery happens next: a callback event, a copy of one already delivered
 * (at-least-once), the REST response of one of the app's own calls, or world time moving on.
 */
export async function runOnce(binding: AppBinding, scenario: Pick<Scenario, "world"> | undefined, seed: number, duplicates: number, choose: Chooser, visit?: Visit): Promise<RunOutcome> {
  // The self-check is on: a response or event that departs from the spec is callsim's bug, not the app's.
  const emulator = createEmulator({
    clock: "virtual",
    seed,
    selfCheck: true,
    // Stryker disable next-line BooleanLiteral: signing only adds headers to deliveries the explorer captures in-process and never reads; bindings sign their own POSTs
    signCallbacks: false,
  });
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
  let pruned = false;
  // What the engine was asked, in order: with the calls' state and the clock, it stands for the emulator's state.
  // Stryker disable next-line ArrayDeclaration: a first entry every run's history has alike changes no comparison of states
  const history: string[] = [];
  const held = new Set<(response: RouteResponse) => void>();
  // Random operation contexts the app (or its SDK, which draws one when the app gives none) sent, in order.
  // Stryker disable next-line ArrayDeclaration: a first entry no text contains renames nothing and shifts every context's number alike, so states compare the same
  const contexts: string[] = [];

  // Every delivery is captured; the explorer decides when (and how often) the app gets it.
  emulator.onCallback(() => true, ({ url, events }) => {
    for (const event of events) {
      const type = String(event.type ?? event.eventType).replace("Microsoft.Communication.", "");
      pool.push({ kind: "event", type, callConnectionId: event.data.callConnectionId, destination: url, event, duplicate: false });
    }
  });
  let ended = false;
  const handle = async (request: RouteRequest, accepted?: () => void): Promise<RouteResponse> => {
    // What the app asks once its run is over is not acted on: it belongs to no order.
    if (ended) return RUN_ENDED;
    const response = await emulator.handle(request);
    accepted?.();
    if (!request.url.startsWith("/calling/")) return response;
    noteContexts(request.rawBody, contexts);
    const label = `${request.method} ${request.url.split("?")[0].replace("/calling/callConnections", "") || "/"}`;
    trace.push({ kind: "request", label });
    // Stryker disable next-line StringLiteral: a safeguard: the text tells apart only engine state the calls, clock, timers, pool and deliveries do not show, which is the seeded id generator's place in every app tried; that renames later ids and changes no order or outcome
    history.push(`${label} ${response.status}`);
    if (response.status >= 400) {
      // Stryker disable next-line StringLiteral: every answer of 400 or more carries the service's error body; the fallback only keeps "undefined" out of the reason
      const body = response.body ?? "";
      fail(`the app made an invalid request: ${label} answered ${response.status} ${body}`);
    }
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
      if (visit && !visit(step, () => stateOf(binding, emulator, pool, delivered, duplicatesLeft, history, contexts))) {
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
        // Stryker disable next-line StringLiteral: the same safeguard as a request's entry; its place already tells time from requests, and which timer fires is the first of the timers the state holds
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
      // Stryker disable next-line ConditionalExpression: the first reason wins (fail keeps it), so asking the invariant again after a failure changes no outcome
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
    if (!trace.some((t) => t.kind === "request")) throw new ExploreSetupError(`the app made no request to callsim in this run${failure ? ` (${failure})` : ""}. ${binding.silenceHint?.() ?? "Its start step must make a Call Automation request through ctx.client."}`);
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

