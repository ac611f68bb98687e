import { CallAutomationClient } from "@azure/communication-call-automation";
import { createEmulator, type Emulator } from "../emulator/index.js";

/**
 * A documented Call Automation sequence as runnable data: the world it needs, the steps the
 * app and the world take, the events each call connection must receive, and the causal
 * constraints between them. `runScenario` checks the engine's real output against it.
 */
export interface Scenario {
  /** kebab-case id, e.g. "outbound-answered". */
  name: string;
  /** One line a person reads in a report. */
  title: string;
  /** Where the sequence is documented, e.g. "reference/callautomation/EVENT-SEQUENCES.md §1 [DOC-ACTIONS]". */
  source: string;
  /** Prepares the simulated world before the app acts (party behaviours, calls started outside the app). */
  world?(emulator: Emulator): void | Promise<void>;
  /**
   * The steps: app actions through `ctx.client`, world events through `ctx.emulator`. Name each
   * call connection the scenario cares about with `ctx.track(alias, callConnectionId)`.
   */
  steps(ctx: ScenarioContext): Promise<void>;
  /**
   * Per connection alias, the callback events it must receive, in emission order: the event
   * name, optionally with its resultInformation as `"CallDisconnected 200/7000"`.
   */
  expected: Record<string, string[]>;
  /**
   * Other sets of events a connection may end up with when world time overtakes the app (a
   * timeout firing before the app's next request lands), which the explorer can produce.
   */
  alsoPossible?: Record<string, string[][]>;
  /** Extra causal rules checked on each connection's events (beyond `expected`). */
  constraints?: Constraint[];
}

/** What a scenario's steps work with. */
export interface ScenarioContext {
  emulator: Emulator;
  client: CallAutomationClient;
  /** The app's callback URL (delivered in-process). */
  callbackUri: string;
  /** Names a call connection, so `expected` can refer to it. */
  track(alias: string, callConnectionId: string): void;
  /** The id of a tracked connection. */
  connection(alias: string): string;
  /**
   * Resolves with the data of the first `type` event delivered to the aliased connection
   * (that `where` accepts), letting virtual time run until it comes.
   */
  waitFor(type: string, alias: string, where?: (data: Record<string, any>) => boolean): Promise<Record<string, any>>;
  /** Runs virtual time until nothing is left to do. */
  settle(): Promise<void>;
}

/** A causal rule over the event names one connection received, in order. */
export type Constraint =
  | { kind: "last"; event: string; description?: string }
  | { kind: "before"; first: string; then: string; description?: string }
  | { kind: "only"; event: string; description?: string };

/** The rule every connection obeys: "Once CallDisconnected is received, there won't be any more callback events" [DOC-CODES]. */
export const NOTHING_AFTER_DISCONNECTED: Constraint = { kind: "last", event: "CallDisconnected", description: "nothing follows CallDisconnected" };

/** Checks one connection's event names against a constraint; returns what is wrong, or undefined. */
export function violation(constraint: Constraint, names: string[]): string | undefined {
  switch (constraint.kind) {
    case "last": {
      const at = names.indexOf(constraint.event);
      return at >= 0 && at !== names.length - 1 ? `${names.slice(at + 1).join(", ")} came after ${constraint.event}` : undefined;
    }
    case "before": {
      const first = names.indexOf(constraint.first);
      const then = names.indexOf(constraint.then);
      // Stryker disable next-line EqualityOperator: first equals then only for a constraint whose first and then are one event, which no catalog scenario declares (one event cannot come before itself)
      return then >= 0 && (first < 0 || first > then) ? `${constraint.then} came before ${constraint.first}` : undefined;
    }
    case "only":
      return names.includes(constraint.event) && names.length > 1 ? `${constraint.event} was not the only event: ${names.join(", ")}` : undefined;
  }
}

/** Resolves a scenario's connection aliases to callConnectionIds, naming a missing one. */
export function connectionLookup(scenario: Pick<Scenario, "name">, aliases: Map<string, string>): (alias: string) => string {
  return (alias) => {
    const id = aliases.get(alias);
    if (!id) throw new Error(`Scenario ${scenario.name} names no connection "${alias}"; call ctx.track("${alias}", id) first.`);
    return id;
  };
}

/** The outcome of running a scenario against the engine. */
export interface ScenarioResult {
  scenario: string;
  /** Event names each tracked connection received, in order. */
  actual: Record<string, string[]>;
  /** Differences from `expected` and broken constraints; empty when the engine matches. */
  problems: string[];
}

/** Runs `scenario` in-process on a virtual clock and compares the engine's output with its declaration. */
export async function runScenario(scenario: Scenario, seed = 1): Promise<ScenarioResult> {
  const emulator = createEmulator({ clock: "virtual", seed, selfCheck: true });
  const callbackUri = "https://app.scenario.test/events";
  // Stryker disable next-line StringLiteral: every callback of the run goes to callbackUri, under this prefix; an empty prefix takes the same callbacks
  emulator.onCallback("https://app.scenario.test/", () => undefined);
  const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
  const aliases = new Map<string, string>();
  const connection = connectionLookup(scenario, aliases);
  const ctx: ScenarioContext = {
    emulator,
    client,
    callbackUri,
    track: (alias, id) => void aliases.set(alias, id),
    connection,
    settle: () => emulator.settle(),
    async waitFor(type, alias, where) {
      const fullType = `Microsoft.Communication.${type}`;
      for (;;) {
        const hit = emulator
          .events({ callConnectionId: connection(alias) })
          .find((e) => e.type === fullType && e.state !== "pending" && (!where || where((e.event as { data: Record<string, any> }).data)));
        if (hit) return (hit.event as { data: Record<string, any> }).data;
        if (!(await emulator.clock!.step())) throw new Error(`${scenario.name}: ${type} never came for ${alias}.`);
      }
    },
  };
  try {
    await scenario.world?.(emulator);
    await scenario.steps(ctx);
    await emulator.settle();
    const actual: Record<string, string[]> = {};
    const withResults: Record<string, string[]> = {};
    for (const [alias, id] of aliases) {
      const records = emulator.events({ callConnectionId: id });
      actual[alias] = records.map((e) => e.type.replace("Microsoft.Communication.", ""));
      // An event's result is compared where the declaration names one for that event type.
      // Stryker disable next-line ArrayDeclaration: an alias declared nowhere has no expected events; a made-up name in its stead names no event type
      const withCodes = new Set((scenario.expected[alias] ?? []).filter((name) => name.includes(" ")).map((name) => name.split(" ")[0]));
      withResults[alias] = records.map((e, i) => {
        const result = (e.event as { data?: { resultInformation?: { code?: number; subCode?: number } } }).data?.resultInformation;
        return withCodes.has(actual[alias][i]) && result ? `${actual[alias][i]} ${result.code}/${result.subCode}` : actual[alias][i];
      });
    }
    // A connection the declaration is silent about would pass whatever it received.
    const problems: string[] = [...aliases.keys()].filter((alias) => !(alias in scenario.expected)).map((alias) => `${alias}: the declaration expects nothing of it; list its events in expected`);
    for (const [alias, names] of Object.entries(scenario.expected)) {
      const got = withResults[alias] ?? [];
      if (got.join(",") !== names.join(",")) problems.push(`${alias}: expected ${names.join(" → ") || "no events"}, got ${got.join(" → ") || "no events"}`);
    }
    for (const [alias, names] of Object.entries(actual)) {
      for (const constraint of [NOTHING_AFTER_DISCONNECTED, ...(scenario.constraints ?? [])]) {
        const wrong = violation(constraint, names);
        if (wrong) problems.push(`${alias}: ${constraint.description ?? constraint.kind}: ${wrong}`);
      }
    }
    for (const finding of emulator.selfCheckFindings()) {
      // Stryker disable next-line StringLiteral: a finding at the body's root never arises here: callback bodies are arrays the outbox builds, so violations name a path
      for (const v of finding.violations) problems.push(`contract: ${finding.subject}: ${v.path || "(body)"} ${v.message}`);
    }
    return { scenario: scenario.name, actual, problems };
  } finally {
    await emulator.close();
  }
}
