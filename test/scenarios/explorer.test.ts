import { describe, expect, test } from "vitest";
import { explore, ExploreSetupError, type ExploreApp } from "../../scenarios/explorer.js";
import { actsAfterTheEnd, answeringApp, assumesAnswerFirst, assumesConnectedFirst, countsCopies, robust } from "./apps/inProcessApps.js";

/** The default world; the app's start step places the incoming call itself. */
const incoming = { name: "answer-incoming" };

/** Every permutation of `items` (the brute-force count). */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe("explore", () => {
  test("runs exactly the brute-force number of orders for a small scenario", async () => {
    const result = await explore({ scenario: incoming, app: answeringApp(() => ({}), () => undefined), seed: 1, duplicates: 0, prune: false });
    // The held REST response of answerCall, CallConnected and ParticipantsUpdated may come in any order.
    expect(result.exhaustive).toBe(true);
    expect(result.runs).toBe(permutations(["answer response", "CallConnected", "ParticipantsUpdated"]).length);
    expect(result.failures).toBe(0);
  });

  // Duplicates: test/regressions/16-explorer.test.ts counts them against brute force.

  test("catches a handler that assumes CallConnected precedes ParticipantsUpdated", async () => {
    const app = assumesConnectedFirst();
    const result = await explore({ app, seed: 3 });
    expect(result.failure?.reason).toMatch(/not connected/);
    expect(result.failure?.order.filter((o) => !o.startsWith("app"))).toEqual(["ParticipantsUpdated"]);
    expect(result.failure?.diagram).toMatch(/^sequenceDiagram\n/);
    const again = await explore({ app, replay: result.failure!.token });
    expect(again.failure?.order).toEqual(result.failure?.order);
  });

  test("catches a handler that assumes the REST response precedes the first event", async () => {
    const app = assumesAnswerFirst();
    const result = await explore({ app, seed: 4 });
    expect(result.failure?.reason).toMatch(/unknown call/);
    expect(result.failure?.order[0]).toBe("app calls POST :answer");
    expect(result.failure?.order[1]).toBe("CallConnected");
  });

  test("catches a handler that counts events without de-duplicating", async () => {
    const app = countsCopies();
    const result = await explore({ app, seed: 5 });
    expect(result.failure?.reason).toMatch(/counted 2 times/);
    expect(result.failure?.order).toContain("CallConnected (again)");
  });

  test("catches a handler that acts after the call has ended", async () => {
    const app = actsAfterTheEnd();
    const result = await explore({ app, seed: 6, duplicates: 0 });
    expect(result.failure?.reason).toMatch(/invalid request: POST .*participants:add answered 404/);
    expect(result.failure?.order).toContain("world time moves on (the caller hangs up)");
  });

  test("passes a robust handler in every order", async () => {
    const app = robust();
    const result = await explore({ app, seed: 7 });
    expect(result.failures).toBe(0);
    expect(result.exhaustive).toBe(true);
    expect(result.summary).toMatch(/^Every one of all allowed orders, in \d+ runs \(\d+ cut short at a state already explored; \d+ distinct states\) passed/);
  });
});

describe("explore's order of search", () => {
  test("runs the plain order first: every answer before the events it caused, no copy", async () => {
    const orders: string[][] = [];
    const app = answeringApp(
      () => ({ seen: [] as string[], callConnectionId: undefined as string | undefined }),
      (events, ctx) => void ctx.state.seen.push(`${events[0].type.replace("Microsoft.Communication.", "")}${ctx.state.callConnectionId ? "" : " before the answer"}`),
      { check: (state) => void orders.push(state.seen) },
    );
    const result = await explore({ app, seed: 1, duplicates: 1, maxRuns: 1, samples: 0 });
    // Which event the engine emits first is its business; the plain order keeps it, after the answer, once each.
    expect([...orders[0]].sort()).toEqual(["CallConnected", "ParticipantsUpdated"]);
    expect(result.summary).toMatch(/not exhaustive: 1 orders run of at least \d+ \(at most \d+%\); the plain order was run/);
  });

  test("reports the cheapest failing order: a bug that needs a copy gets one copy and no moved event", async () => {
    const app = answeringApp(
      () => ({ connected: 0 }),
      (events, ctx) => {
        if (events[0].type.endsWith("CallConnected")) ctx.state.connected++;
      },
      { invariant: (state) => state.connected <= 1 || "CallConnected handled twice" },
    );
    const result = await explore({ app, seed: 5, all: true, maxRuns: 400, samples: 0 });
    expect(result.failures).toBeGreaterThan(1);
    expect(result.failure?.cost).toEqual({ duplicates: 1, moved: 0 });
    expect(result.failure?.order.filter((o) => o.endsWith("(again)"))).toEqual(["CallConnected (again)"]);
  });

  test("shrinks a failure found by random sampling to a minimal order", async () => {
    const app = answeringApp(
      () => ({ connected: false }),
      (events, ctx) => {
        if (events[0].type.endsWith("CallConnected")) ctx.state.connected = true;
        if (events[0].type.endsWith("ParticipantsUpdated") && !ctx.state.connected) throw new Error("roster before connected");
      },
    );
    // One systematic run (the plain order passes), then random orders until one fails.
    const result = await explore({ app, seed: 11, maxRuns: 1, samples: 50 });
    expect(result.coverage.sampled).toBeGreaterThan(0);
    expect(result.failure?.cost).toEqual({ duplicates: 0, moved: 1 });
    expect(result.failure?.order.filter((o) => !o.startsWith("app"))).toEqual(["ParticipantsUpdated"]);
  });

  test("throws ExploreSetupError, not a pass, when the app makes no request", async () => {
    const idle: ExploreApp = { start: () => undefined, handle: () => undefined };
    await expect(explore({ app: idle, seed: 1 })).rejects.toThrow(ExploreSetupError);
    await expect(explore({ app: idle, seed: 1 })).rejects.toThrow(/the app made no request to callsim in this run/);
  });

  test("goes on, and says so, when the app does not act the same way in a rerun of an order", async () => {
    let firstRun = true;
    const app = answeringApp(
      () => ({}),
      async (events, ctx) => {
        // Remembers earlier runs: only the first run's CallConnected handler reads the call's properties.
        if (events[0].type.endsWith("CallConnected") && firstRun) {
          firstRun = false;
          await ctx.client.getCallConnection(events[0].data.callConnectionId).getCallConnectionProperties();
        }
      },
    );
    const result = await explore({ app, seed: 1, duplicates: 0 });
    expect(result.coverage.divergent).toBeGreaterThan(0);
    expect(result.exhaustive).toBe(false);
    expect(result.summary).toMatch(/the app did not act as it did when the same order ran before/);
  });

  test("says a replay is one replayed order, not a search", async () => {
    const app = answeringApp(() => ({}), () => undefined);
    const result = await explore({ app, replay: "v2.1.0" });
    expect(result.summary).toBe("The replayed order v2.1.0 passed.");
  });
});
