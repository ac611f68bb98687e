import type { ExploreApp } from "./explorerRun.js";
import { SCENARIOS } from "./catalog/index.js";
import { canonical } from "./explorerState.js";
import { connectionLookup, type Scenario, type ScenarioContext } from "./scenario.js";

interface Waiter {
  type: string;
  callConnectionId: string;
  where?: (data: Record<string, any>) => boolean;
  resolve(data: Record<string, any>): void;
}

/** What a scenario run as an app keeps: its connections and what reached them. */
export interface ScenarioAppState {
  aliases: Map<string, string>;
  /** Delivered events by id: a duplicate is one event. */
  delivered: Map<string, { type: string; callConnectionId?: string; data: Record<string, any> }>;
  waiters: Waiter[];
}

/**
 * Runs a scenario's own steps as the app under exploration: its `waitFor` resolves when the
 * explorer delivers the event, whatever order that is in, and the run checks that every
 * connection received exactly the scenario's expected events (order aside: the explorer varies it).
 * `ctx.settle()` never resolves here: the explorer decides when time moves, so checks a scenario
 * makes after settling belong to {@link runScenario}.
 */
export function scenarioApp(scenario: Scenario): ExploreApp<ScenarioAppState> {
  const matches = (w: Omit<Waiter, "resolve">, e: { type: string; callConnectionId?: string; data: Record<string, any> }) =>
    e.type === w.type && e.callConnectionId === w.callConnectionId && (!w.where || w.where(e.data));
  return {
    // A catalog scenario's app is rebuilt by name in a worker thread.
    ...(SCENARIOS.includes(scenario) && { worker: { module: import.meta.url, export: "catalogScenarioApp", args: [scenario.name] } }),
    init: () => ({ aliases: new Map(), delivered: new Map(), waiters: [] }),
    start({ emulator, client, callbackUri, state }) {
      const connection = connectionLookup(scenario, state.aliases);
      const ctx: ScenarioContext = {
        emulator,
        client,
        callbackUri,
        track: (alias, id) => void state.aliases.set(alias, id),
        connection,
        settle: () => new Promise<void>(() => undefined),
        waitFor: (type, alias, where) =>
          new Promise((resolve) => {
            const waiter = { type, callConnectionId: connection(alias), where, resolve };
            const hit = [...state.delivered.values()].find((e) => matches(waiter, e));
            if (hit) resolve(hit.data);
            else state.waiters.push(waiter);
          }),
      };
      return scenario.steps(ctx);
    },
    handle([event], { state }) {
      const entry = { type: String(event.type).replace("Microsoft.Communication.", ""), callConnectionId: event.data?.callConnectionId, data: event.data ?? {} };
      state.delivered.set(String(event.id), entry);
      for (const waiter of state.waiters.filter((w) => matches(w, entry))) {
        state.waiters.splice(state.waiters.indexOf(waiter), 1);
        waiter.resolve(entry.data);
      }
    },
    // Waiters hold the steps' continuations: what each waits for, in order, with the requests the
    // run made (in the explorer's own fingerprint), stands for where the steps have got to.
    fingerprint: (state) =>
      canonical({
        aliases: state.aliases,
        delivered: [...state.delivered.keys()].sort(),
        // Stryker disable next-line StringLiteral: a waiter without a filter reads as one constant text either way, so states stay told apart the same
        waiters: state.waiters.map((w) => [w.type, w.callConnectionId, String(w.where ?? "")]),
      }),
    check(state) {
      const undeclared = [...state.aliases.keys()].find((alias) => !(alias in scenario.expected));
      if (undeclared) return `the declaration expects nothing of ${undeclared}; list its events in expected`;
      for (const [alias, expected] of Object.entries(scenario.expected)) {
        const id = state.aliases.get(alias);
        const got = [...state.delivered.values()].filter((e) => e.callConnectionId === id).map((e) => e.type);
        const allowed = [expected, ...(scenario.alsoPossible?.[alias] ?? [])].map((names) => names.map((name) => name.split(" ")[0]).sort().join());
        if (!allowed.includes([...got].sort().join())) return `${alias} received ${got.join(", ") || "nothing"}; the scenario expects ${allowed.join(" or ") || "nothing"}`;
      }
    },
  };
}

/** A catalog scenario by name, with its steps as the app: what a worker thread builds (see {@link ExploreApp.worker}). */
export function catalogScenarioApp(name: string): { app: ExploreApp<ScenarioAppState>; scenario: Scenario } {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new Error(`no catalog scenario is named "${name}"`);
  return { app: scenarioApp(scenario), scenario };
}
