import { describe, expect, test } from "vitest";
import { SCENARIOS } from "../../scenarios/catalog/index.js";
import { connectionLookup, NOTHING_AFTER_DISCONNECTED, runScenario, violation, type Scenario } from "../../scenarios/scenario.js";
import { scenarioApp } from "../../scenarios/scenarioApp.js";
import type { Emulator } from "../../emulator/index.js";
import { explore } from "../../scenarios/explorer.js";
import { buildFromRecipe } from "../../scenarios/explorerWorkers.js";
import { plantEvent } from "../support/plantedScenarios.js";
import { connectedCall, connectedGroupCall, user } from "../../scenarios/catalog/parties.js";

// A scenario's declaration is what a contributor writes to pin a documented sequence: these are
// the checks it runs and the messages it gives when the engine or the declaration is wrong.
const outboundAnswered = SCENARIOS.find((s) => s.name === "outbound-answered")!;

/** A group call, then a 1:1 call, whose steps' waits are recorded with what they resolved with. */
function twoCallsRecordingWaits() {
  const groupCall = SCENARIOS.find((s) => s.name === "group-call")!;
  const resolved: Array<{ type: string; id: string; where?: (data: Record<string, any>) => boolean; data: Record<string, any> }> = [];
  const scenario: Scenario = {
    ...groupCall,
    async steps(ctx) {
      const recording = {
        ...ctx,
        async waitFor(type: string, alias: string, where?: (data: Record<string, any>) => boolean) {
          const data = await ctx.waitFor(type, alias, where);
          resolved.push({ type, id: ctx.connection(alias), where, data });
          return data;
        },
      };
      await connectedGroupCall(recording, 2, "group");
      await connectedCall(recording, "app");
    },
    expected: { app: ["CallConnected", "ParticipantsUpdated"], group: ["CallConnected", "ParticipantsUpdated", "ParticipantsUpdated"] },
  };
  return { scenario, resolved };
}

function expectWaitsResolvedOnTheirConnection(resolved: ReturnType<typeof twoCallsRecordingWaits>["resolved"]) {
  for (const { type, id, where, data } of resolved) {
    expect(type).toBe("ParticipantsUpdated");
    expect(data.callConnectionId).toBe(id);
    expect(data.participants).toBeDefined();
    if (where) expect(where(data)).toBe(true);
  }
}

describe("causal constraints", () => {
  test("nothing may follow CallDisconnected", () => {
    expect(violation(NOTHING_AFTER_DISCONNECTED, ["CallConnected", "CallDisconnected"])).toBeUndefined();
    expect(violation(NOTHING_AFTER_DISCONNECTED, ["CallConnected"])).toBeUndefined();
    expect(violation(NOTHING_AFTER_DISCONNECTED, ["CallDisconnected", "ParticipantsUpdated", "PlayFailed"])).toBe("ParticipantsUpdated, PlayFailed came after CallDisconnected");
  });

  test("an event that must come before another", () => {
    const rule = { kind: "before", first: "CallConnected", then: "PlayCompleted" } as const;
    expect(violation(rule, ["CallConnected", "PlayCompleted"])).toBeUndefined();
    expect(violation(rule, ["CallConnected"])).toBeUndefined();
    expect(violation(rule, [])).toBeUndefined();
    expect(violation(rule, ["PlayCompleted", "CallConnected"])).toBe("PlayCompleted came before CallConnected");
    expect(violation(rule, ["PlayCompleted"])).toBe("PlayCompleted came before CallConnected");
  });

  test("an event that must come alone", () => {
    const rule = { kind: "only", event: "CreateCallFailed" } as const;
    expect(violation(rule, ["CreateCallFailed"])).toBeUndefined();
    expect(violation(rule, ["CallConnected", "CallDisconnected"])).toBeUndefined();
    expect(violation(rule, ["CreateCallFailed", "CallDisconnected"])).toBe("CreateCallFailed was not the only event: CreateCallFailed, CallDisconnected");
  });
});

describe("connection aliases", () => {
  test("resolve to the tracked id, and an untracked one says how to track it", () => {
    const lookup = connectionLookup({ name: "demo" }, new Map([["app", "c-1"]]));
    expect(lookup("app")).toBe("c-1");
    expect(() => lookup("second")).toThrow('Scenario demo names no connection "second"; call ctx.track("second", id) first.');
  });
});

describe("runScenario", () => {
  test("names a connection that received nothing", async () => {
    const result = await runScenario({ ...outboundAnswered, expected: { ...outboundAnswered.expected, other: ["CallConnected"] } });
    expect(result.problems).toEqual(["other: expected CallConnected, got no events"]);
  });

  test("names a connection expected to receive nothing that did", async () => {
    const result = await runScenario({ ...outboundAnswered, expected: { app: [] } });
    expect(result.problems).toEqual([`app: expected no events, got ${result.actual.app.join(" → ")}`]);
    expect(result.actual.app.length).toBeGreaterThan(0);
  });

  test("compares result codes only where the declaration names one", async () => {
    const plain = await runScenario(outboundAnswered);
    expect(plain.problems).toEqual([]);
    const names = plain.actual.app;
    expect(names.every((name) => !name.includes(" "))).toBe(true);
    const wrongCode = { ...outboundAnswered, expected: { app: names.map((name) => (name === "CallConnected" ? "CallConnected 200/1" : name)) } };
    const result = await runScenario(wrongCode);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^app: expected CallConnected 200\/1 → .* got CallConnected 200\/0 → /);
  });

  test("reports a constraint by its description, or by its kind", async () => {
    const described = await runScenario({ ...outboundAnswered, constraints: [{ kind: "only", event: "CallConnected", description: "the call only connects" }] });
    expect(described.problems).toEqual([`app: the call only connects: CallConnected was not the only event: ${described.actual.app.join(", ")}`]);
    const undescribed = await runScenario({ ...outboundAnswered, constraints: [{ kind: "only", event: "CallConnected" }] });
    expect(undescribed.problems[0]).toMatch(/^app: only: CallConnected was not the only event/);
  });

  test("closes the emulator it made, whether the steps pass or throw: nothing is delivered after", async () => {
    for (const fails of [false, true]) {
      let emulator: Emulator | undefined;
      const run = runScenario({
        ...outboundAnswered,
        async steps(ctx) {
          emulator = ctx.emulator;
          await outboundAnswered.steps(ctx);
          if (fails) throw new Error("the steps fail");
        },
      });
      if (fails) await expect(run).rejects.toThrow("the steps fail");
      else expect((await run).problems).toEqual([]);
      plantEvent(emulator!, "after-the-run", "CallConnected");
      // An open emulator delivers a queued event at once, in-process: one turn of the event loop.
      await new Promise((turn) => setImmediate(turn));
      expect(emulator!.events({ callConnectionId: "after-the-run" }).map((e) => [e.state, e.attempts.length])).toEqual([["pending", 0]]);
    }
  });

  test("names a tracked connection the declaration is silent about, run and explored", async () => {
    const silent = { ...outboundAnswered, expected: {} };
    expect((await runScenario(silent)).problems).toEqual(["app: the declaration expects nothing of it; list its events in expected"]);
    const explored = await explore({ scenario: silent, app: scenarioApp(silent), seed: 1, duplicates: 0, maxRuns: 1 });
    expect(explored.failure?.reason).toBe("final check failed: the declaration expects nothing of app; list its events in expected");
  });

  test("says which event never came when a step waits in vain", async () => {
    const waitsInVain: Scenario = {
      ...outboundAnswered,
      name: "waits-in-vain",
      async steps(ctx) {
        await outboundAnswered.steps(ctx);
        await ctx.waitFor("PlayCompleted", "app");
      },
    };
    await expect(runScenario(waitsInVain)).rejects.toThrow("waits-in-vain: PlayCompleted never came for app.");
  });

  test("waits only for the event its filter accepts", async () => {
    const seen: number[] = [];
    const filtered: Scenario = {
      ...outboundAnswered,
      async steps(ctx) {
        await outboundAnswered.steps(ctx);
        const data = await ctx.waitFor("ParticipantsUpdated", "app", (d) => d.participants.length >= 2);
        seen.push(data.participants.length);
        await expect(ctx.waitFor("ParticipantsUpdated", "app", () => false)).rejects.toThrow(/never came/);
      },
    };
    expect((await runScenario(filtered)).problems).toEqual([]);
    expect(seen).toEqual([2]);
  });
});

describe("runScenario's waits", () => {
  test("resolve with the event named, on the connection named, that the filter accepts", async () => {
    const { scenario, resolved } = twoCallsRecordingWaits();
    expect((await runScenario(scenario)).problems).toEqual([]);
    expect(new Set(resolved.map(({ id }) => id)).size).toBe(2);
    expectWaitsResolvedOnTheirConnection(resolved);
  });
});

describe("a scenario run as an app under exploration", () => {
  test("fails an order whose events do not match the declaration, naming what came", async () => {
    const expectsMore = { ...outboundAnswered, expected: { app: [...outboundAnswered.expected.app, "PlayCompleted"] } };
    const result = await explore({ scenario: expectsMore, app: scenarioApp(expectsMore), seed: 1, duplicates: 0, maxRuns: 5 });
    expect(result.failure?.reason).toMatch(/^final check failed: app received CallConnected, ParticipantsUpdated, CallDisconnected; the scenario expects CallConnected,CallDisconnected,ParticipantsUpdated,PlayCompleted$/);
    expect(result.failure?.reason).toContain("PlayCompleted");
  });

  test("names a connection that received nothing, and a declaration that expects nothing", async () => {
    const other = { ...outboundAnswered, expected: { ...outboundAnswered.expected, other: ["CallConnected 200/0"] } };
    const missing = await explore({ scenario: other, app: scenarioApp(other), seed: 1, duplicates: 0, maxRuns: 1 });
    expect(missing.failure?.reason).toBe("final check failed: other received nothing; the scenario expects CallConnected");
    const silent = { ...outboundAnswered, expected: { app: [] } };
    const unexpected = await explore({ scenario: silent, app: scenarioApp(silent), seed: 1, duplicates: 0, maxRuns: 1 });
    expect(unexpected.failure?.reason).toMatch(/^final check failed: app received (CallConnected|ParticipantsUpdated), .*CallDisconnected.*; the scenario expects nothing$/);
  });

  test("names every set of events the declaration allows", async () => {
    const either = { ...outboundAnswered, expected: { app: ["CallConnected"] }, alsoPossible: { app: [["CreateCallFailed 408/8541", "CallDisconnected"]] } };
    const result = await explore({ scenario: either, app: scenarioApp(either), seed: 1, duplicates: 0, maxRuns: 1 });
    expect(result.failure?.reason).toMatch(/; the scenario expects CallConnected or CallDisconnected,CreateCallFailed$/);
  });

  test("a catalog scenario's steps are rebuilt by name on a worker thread; a copy's are not", async () => {
    const scenario = SCENARIOS.find((s) => s.name === "add-participant-succeeded")!;
    const recipe = scenarioApp(scenario).worker!;
    const built = await buildFromRecipe(recipe);
    expect(built.scenario).toBe(scenario);
    expect(Object.keys(built.app).sort()).toEqual(Object.keys(scenarioApp(scenario)).sort());
    // A copy may differ from the catalog's scenario of the same name: it stays on this thread.
    expect(scenarioApp({ ...scenario }).worker).toBeUndefined();
  });

  test("a step's wait resolves with the event it names, on the connection it names, that its filter accepts", async () => {
    const { scenario, resolved } = twoCallsRecordingWaits();
    const result = await explore({ scenario, app: scenarioApp(scenario), seed: 1, duplicates: 0, maxRuns: 40 });
    expect(result.failure?.reason).toBeUndefined();
    expect(resolved.length).toBeGreaterThan(40);
    expectWaitsResolvedOnTheirConnection(resolved);
  });

  test("counts a copy of an event once", async () => {
    const result = await explore({ scenario: outboundAnswered, app: scenarioApp(outboundAnswered), seed: 2, duplicates: 1, maxRuns: 30 });
    expect(result.failure?.reason).toBeUndefined();
    expect(result.runs).toBeGreaterThan(1);
  });

  test("accepts what the declaration lists as also possible", async () => {
    const names = outboundAnswered.expected.app;
    const strict = { ...outboundAnswered, expected: { app: names.slice(0, 1) } };
    expect((await explore({ scenario: strict, app: scenarioApp(strict), seed: 1, duplicates: 0, maxRuns: 3 })).failure).toBeDefined();
    const lenient = { ...strict, alsoPossible: { app: [names] } };
    expect((await explore({ scenario: lenient, app: scenarioApp(lenient), seed: 1, duplicates: 0, maxRuns: 3 })).failure).toBeUndefined();
  });
});

describe("the explored scenario app's state", () => {
  // The explorer prunes a run at a state it has seen: states the fingerprint confuses would cut
  // short orders that lead elsewhere, and orders it tells apart for no reason would be run twice.
  const app = scenarioApp(outboundAnswered);
  const event = (type: string, id: string) => ({ type, callConnectionId: "c1", data: { callConnectionId: "c1", id } });
  type State = ReturnType<NonNullable<typeof app.init>>;
  const state = (delivered: string[], waiters: State["waiters"] = [], aliases: Array<[string, string]> = [["app", "c1"]]): State => ({
    aliases: new Map(aliases),
    delivered: new Map(delivered.map((id) => [id, event("CallConnected", id)])),
    waiters,
  });
  const waiter = (type: string, callConnectionId: string, where?: (data: Record<string, any>) => boolean) => ({ type, callConnectionId, where, resolve: () => undefined });
  const fingerprint = (s: State) => app.fingerprint!(s);

  test("which events were delivered counts, not the order they came in", () => {
    expect(fingerprint(state(["e1", "e2"]))).toBe(fingerprint(state(["e2", "e1"])));
    expect(fingerprint(state(["e1", "e2"]))).not.toBe(fingerprint(state(["e1"])));
    expect(fingerprint(state(["e1"]))).not.toBe(fingerprint(state(["e2"])));
  });

  test("what the steps wait for counts: the event, the connection and the filter", () => {
    const none = fingerprint(state([]));
    const connected = fingerprint(state([], [waiter("CallConnected", "c1")]));
    expect(connected).not.toBe(none);
    expect(fingerprint(state([], [waiter("CallDisconnected", "c1")]))).not.toBe(connected);
    expect(fingerprint(state([], [waiter("CallConnected", "c2")]))).not.toBe(connected);
    const fifth = fingerprint(state([], [waiter("ParticipantsUpdated", "c1", (data) => data.sequenceNumber === 5)]));
    const sixth = fingerprint(state([], [waiter("ParticipantsUpdated", "c1", (data) => data.sequenceNumber === 6)]));
    expect(fifth).not.toBe(sixth);
    expect(fingerprint(state([], [waiter("ParticipantsUpdated", "c1")]))).not.toBe(fifth);
    expect(fingerprint(state([], [waiter("CallConnected", "c1")]))).toBe(connected);
  });

  test("which connection an alias names counts", () => {
    expect(fingerprint(state([], [], [["app", "c2"]]))).not.toBe(fingerprint(state([])));
  });

  test("an event without data is recorded with empty data and no connection", () => {
    const s = app.init!();
    app.handle([{ id: "x", type: "Microsoft.Communication.CallConnected" }], { state: s } as never);
    expect(s.delivered.get("x")).toEqual({ type: "CallConnected", callConnectionId: undefined, data: {} });
  });
});

describe("runScenario against an engine that departs from the docs", () => {
  test("holds every connection to nothing after CallDisconnected, undeclared", async () => {
    const undeclared: Scenario = {
      ...outboundAnswered,
      constraints: undefined,
      async steps(ctx) {
        await outboundAnswered.steps(ctx);
        await ctx.waitFor("CallDisconnected", "app");
        plantEvent(ctx.emulator, ctx.connection("app"), "ParticipantsUpdated");
      },
    };
    const { problems } = await runScenario(undeclared);
    expect(problems).toEqual([
      "app: expected CallConnected 200/0 → ParticipantsUpdated → CallDisconnected 200/7000, got CallConnected 200/0 → ParticipantsUpdated → CallDisconnected 200/7000 → ParticipantsUpdated",
      "app: nothing follows CallDisconnected: ParticipantsUpdated came after CallDisconnected",
    ]);
  });

  test("reports each field of an event the spec does not allow", async () => {
    const malformed: Scenario = {
      ...outboundAnswered,
      expected: {},
      async steps(ctx) {
        await outboundAnswered.steps(ctx);
        plantEvent(ctx.emulator, ctx.connection("app"), "PlayCompleted", { resultInformation: { code: "200" } });
      },
    };
    const problems = (await runScenario(malformed)).problems.filter((p) => p.startsWith("contract:"));
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(/^contract: Microsoft\.Communication\.PlayCompleted to https:\/\/app\.scenario\.test\/events: \[0\]\S* \S/);
    expect(problems.join("\n")).toContain("[0].data.resultInformation.code");
  });

  test("shows an event with no result by its name where the declaration gives it a code", async () => {
    const noResult: Scenario = {
      ...outboundAnswered,
      expected: { app: ["CallConnected 200/0", "ParticipantsUpdated", "PlayCompleted 200/0", "CallDisconnected 200/7000"] },
      async steps(ctx) {
        await outboundAnswered.steps(ctx);
        plantEvent(ctx.emulator, ctx.connection("app"), "PlayCompleted");
      },
    };
    const { problems } = await runScenario(noResult);
    expect(problems).toEqual(["app: expected CallConnected 200/0 → ParticipantsUpdated → PlayCompleted 200/0 → CallDisconnected 200/7000, got CallConnected 200/0 → ParticipantsUpdated → PlayCompleted → CallDisconnected 200/7000"]);
  });

  test("waitFor resolves once the event has reached the app, not while its delivery is retried", async () => {
    const seen: Array<{ state: string; attempts: number[] }> = [];
    const retried: Scenario = {
      ...outboundAnswered,
      async steps(ctx) {
        // The app's first answer to CallConnected is a 503: the service retries it later.
        let refused = false;
        ctx.emulator.onCallback(ctx.callbackUri, ({ events }) => (refused || !events[0].type.endsWith("CallConnected") ? undefined : ((refused = true), { status: 503 })));
        const { callConnectionProperties } = await ctx.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, ctx.callbackUri);
        ctx.track("app", callConnectionProperties.callConnectionId!);
        await ctx.waitFor("CallConnected", "app");
        seen.push(...ctx.emulator.events({ callConnectionId: ctx.connection("app"), type: "CallConnected" }).map((e) => ({ state: e.state, attempts: e.attempts.map((a) => a.status ?? 0) })));
      },
      expected: { app: ["CallConnected", "ParticipantsUpdated"] },
    };
    expect((await runScenario(retried)).problems).toEqual([]);
    expect(seen).toEqual([{ state: "delivered", attempts: [503, 200] }]);
  });
});
