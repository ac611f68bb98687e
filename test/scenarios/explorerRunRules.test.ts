import { describe, expect, test, vi } from "vitest";
import { explore, ExploreSetupError, type ExploreApp } from "../../scenarios/explorer.js";
import { inProcessBinding, MAX_STEPS_PER_RUN, runOnce, type AppBinding, type RunHooks } from "../../scenarios/explorerRun.js";
import type { RouteRequest } from "../../emulator/index.js";
import { agent, answeringApp, caller, robust } from "./apps/inProcessApps.js";

// The rules of one run of the explorer: which of the app's requests count, when a run fails or
// ends, and the setup errors that say a run exercised nothing.

/** The plain order: at every decision, the first candidate. */
const plain = () => 0;

/** What callsim answers a request that came after its run: the body the SDK reads as a service error. */
const RUN_ENDED = {
  status: 409,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ error: { code: "ExplorationRunEnded", message: "The exploration run this request belonged to has ended." } }),
};

/** A request of the app to callsim that is not Call Automation's (no HMAC: callsim answers it with an error). */
const outsideCalling: RouteRequest = { method: "GET", url: "/no-such-service/things", headers: {}, rawBody: "", protocol: "https" };

/** An in-process app's binding, with the run's hooks kept for the test and `extra` in place of its members. */
function keepingHooks(app: ExploreApp, extra: (hooks: () => RunHooks, inner: AppBinding) => Partial<AppBinding> = () => ({})) {
  const inner = inProcessBinding(app);
  let hooks: RunHooks | undefined;
  const binding: AppBinding = {
    ...inner,
    open(h) {
      hooks = h;
      return inner.open(h);
    },
    ...extra(() => hooks!, inner),
  };
  return { binding, hooks: () => hooks! };
}

/** Rejects an incoming call for each caller: requests that lead to no callback event. */
const rejecting = (callers: string[]): ExploreApp => ({
  async start(ctx) {
    for (const from of callers) {
      const { incomingCallContext } = ctx.emulator.placeIncomingCall({ from, to: "4:+18005550100" });
      await ctx.client.rejectCall(incomingCallContext);
    }
  },
  handle: () => undefined,
});

describe("the app's requests in a run", () => {
  test("a Call Automation request answered 400 fails the run with the answer's status and body", async () => {
    const app = answeringApp(() => ({}), () => undefined, {
      start: async (ctx) => void (await ctx.client.answerCall("not-a-context", ctx.callbackUri)),
    });
    const outcome = await runOnce(inProcessBinding(app), undefined, 1, 0, plain);
    expect(outcome.failure).toMatch(/^the app made an invalid request: POST :answer answered 400 \{"error":\{"code":"8523","message":"incomingCallContext is not one callsim issued\./);
    expect(outcome.trace).toEqual([
      { kind: "request", label: "POST :answer" },
      { kind: "response", label: "POST :answer → 400" },
    ]);
  });

  test("createCall is traced as POST / (the path of the call connections themselves)", async () => {
    const app: ExploreApp = { start: (ctx) => void ctx.client.createCall({ targetParticipant: { communicationUserId: agent } }, ctx.callbackUri), handle: () => undefined };
    const outcome = await runOnce(inProcessBinding(app), undefined, 1, 0, plain);
    expect(outcome.trace[0]).toEqual({ kind: "request", label: "POST /" });
    expect(outcome.failure).toBeUndefined();
  });

  test("a request outside /calling/ is answered at once, and neither traced, counted nor judged", async () => {
    const bare = await runOnce(inProcessBinding(robust()), undefined, 1, 0, plain);
    const answers: number[] = [];
    const { binding } = keepingHooks(robust(), (hooks, inner) => ({
      start() {
        void hooks().handle(outsideCalling).then((response) => answers.push(response.status));
        inner.start();
      },
    }));
    const outcome = await runOnce(binding, undefined, 1, 0, plain);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toBeGreaterThanOrEqual(400);
    expect(outcome.failure).toBeUndefined();
    expect(outcome.trace).toEqual(bare.trace);
    expect(outcome.choices).toEqual(bare.choices);
  });

  test("an app whose only request is outside /calling/ made no request to callsim", async () => {
    const app: ExploreApp = { start: () => undefined, handle: () => undefined };
    const { binding } = keepingHooks(app, (hooks) => ({ start: () => void hooks().handle(outsideCalling) }));
    await expect(runOnce(binding, undefined, 1, 0, plain)).rejects.toThrow(
      new ExploreSetupError("the app made no request to callsim in this run. Its start step must make a Call Automation request through ctx.client."),
    );
  });
});

describe("when a run ends", () => {
  test("a request made after the run ended gets 409 ExplorationRunEnded, not an answer from callsim", async () => {
    const { binding, hooks } = keepingHooks(robust());
    await runOnce(binding, undefined, 1, 0, plain);
    // An answer callsim would give: the caller's number is no call connection of the run that ended.
    const late: RouteRequest = { method: "GET", url: `/calling/callConnections/${encodeURIComponent(caller)}?api-version=2025-06-15`, headers: {}, rawBody: "", protocol: "https" };
    expect(await hooks().handle(outsideCalling)).toEqual(RUN_ENDED);
    expect(await hooks().handle(late)).toEqual(RUN_ENDED);
  });

  test("an answer still held when the run ends goes out as 409 ExplorationRunEnded, so the app's await settles", async () => {
    let answer: Promise<string> | undefined;
    const app: ExploreApp = {
      init: () => ({}),
      start(ctx) {
        const { incomingCallContext } = ctx.emulator.placeIncomingCall({ from: caller, to: "4:+18005550100" });
        answer = ctx.client.answerCall(incomingCallContext, ctx.callbackUri).then(
          () => "answered",
          (error: { statusCode?: number; code?: string }) => `${error.statusCode} ${error.code}`,
        );
      },
      handle: () => undefined,
      check: () => "the final check runs",
    };
    // Cut short at the first decision, with the answer to answerCall still held.
    const outcome = await runOnce(inProcessBinding(app), undefined, 1, 0, () => -1);
    expect(outcome.pruned).toBe(true);
    // A run cut short is no failure: the final check is for runs that had nothing left to do.
    expect(outcome.failure).toBeUndefined();
    expect(outcome.choices).toEqual([]);
    expect(await answer).toBe("409 ExplorationRunEnded");
  });

  test(`a run still offering steps after ${MAX_STEPS_PER_RUN} decisions fails`, async () => {
    const app = answeringApp(() => ({}), () => undefined, {
      async start(ctx) {
        // A reminder that sets itself again, forever: world time always has somewhere to go.
        const remind = () => void ctx.emulator.clock!.schedule(1_000, remind, "the app's reminder");
        remind();
        const { incomingCallContext } = ctx.emulator.placeIncomingCall({ from: caller, to: "4:+18005550100" });
        await ctx.client.answerCall(incomingCallContext, ctx.callbackUri);
      },
    });
    const outcome = await runOnce(inProcessBinding(app), undefined, 1, 0, plain);
    expect(outcome.failure).toBe("the run did not finish within 400 steps");
    expect(outcome.choices).toHaveLength(400);
    expect(outcome.trace.filter((t) => t.kind === "advance").every((t) => (t as { label: string }).label === "world time moves on (the app's reminder)")).toBe(true);
  });

  test("world time moving on to a timer without a label is called a timer", async () => {
    const app = answeringApp(() => ({}), () => undefined, {
      async start(ctx) {
        ctx.emulator.clock!.schedule(1_000, () => undefined);
        const { incomingCallContext } = ctx.emulator.placeIncomingCall({ from: caller, to: "4:+18005550100" });
        await ctx.client.answerCall(incomingCallContext, ctx.callbackUri);
      },
    });
    const outcome = await runOnce(inProcessBinding(app), undefined, 1, 0, plain);
    expect(outcome.trace.filter((t) => t.kind === "advance")).toEqual([{ kind: "advance", label: "world time moves on (timer)" }]);
  });
});

describe("timers due now", () => {
  test("run before a decision, 50 at most: a world busy without time passing still gets to a decision", async () => {
    let ticks: { mock: { calls: unknown[] } } | undefined;
    const busy = answeringApp(() => ({}), () => undefined, {
      async start(ctx) {
        const clock = ctx.emulator.clock!;
        ticks = vi.spyOn(clock, "next");
        // A chain of timers, each due at once and setting the next.
        const link = (n: number) => clock.schedule(0, () => void (n < 200 && link(n + 1)), `link ${n}`);
        link(1);
        const { incomingCallContext } = ctx.emulator.placeIncomingCall({ from: caller, to: "4:+18005550100" });
        await ctx.client.answerCall(incomingCallContext, ctx.callbackUri);
      },
    });
    const before: number[] = [];
    const offered: string[] = [];
    await runOnce(inProcessBinding(busy), undefined, 1, 0, (candidates, step) => {
      if (step === 0) {
        before.push(ticks!.mock.calls.length);
        for (const c of candidates) if (c.kind === "advance") offered.push(c.label);
      }
      return 0;
    });
    expect(before).toEqual([50]);
    expect(offered).toHaveLength(1);
    expect(offered[0]).toMatch(/^world time moves on \(link \d+\)$/);
  });
});

describe("setup errors: a run that exercised nothing does not pass", () => {
  test("an app that made no request is told so, with why its start failed", async () => {
    const app: ExploreApp = {
      start() {
        throw new Error("no number to call");
      },
      handle: () => undefined,
    };
    await expect(explore({ app, seed: 1 })).rejects.toThrow(
      new ExploreSetupError("the app made no request to callsim in this run (start threw: no number to call). Its start step must make a Call Automation request through ctx.client."),
    );
  });

  test("a binding's own hint says why its app may have made no request", async () => {
    const { binding } = keepingHooks({ start: () => undefined, handle: () => undefined }, () => ({ silenceHint: () => "Is the app listening on port 3000?" }));
    await expect(runOnce(binding, undefined, 1, 0, plain)).rejects.toThrow(new ExploreSetupError("the app made no request to callsim in this run. Is the app listening on port 3000?"));
  });

  test("an app expected to get events that got none is told which requests it made", async () => {
    const { binding } = keepingHooks(rejecting([caller, "4:+14255550124"]), () => ({ expectsEvents: true }));
    await expect(runOnce(binding, undefined, 1, 0, plain)).rejects.toThrow(new ExploreSetupError("the app handled no event: its requests (POST :reject, POST :reject) led to no callback event."));
  });

  test("no event is no setup error when the run failed, or was cut short, first", async () => {
    const failing = keepingHooks({ ...rejecting([caller]), init: () => ({}), check: () => "the call was meant to be answered" }, () => ({ expectsEvents: true }));
    expect((await runOnce(failing.binding, undefined, 1, 0, plain)).failure).toBe("final check failed: the call was meant to be answered");
    const cut = keepingHooks(rejecting([caller]), () => ({ expectsEvents: true }));
    expect((await runOnce(cut.binding, undefined, 1, 0, () => -1)).pruned).toBe(true);
  });

  test("an in-process app may get no event: rejecting a call is a run that passes", async () => {
    const outcome = await runOnce(inProcessBinding(rejecting([caller])), undefined, 1, 0, plain);
    expect(outcome.failure).toBeUndefined();
    expect(outcome.trace).toEqual([
      { kind: "request", label: "POST :reject" },
      { kind: "response", label: "POST :reject → 204" },
    ]);
  });

  test("a replay token whose choice is out of range says it belongs elsewhere, or that the app acted differently", async () => {
    // The plain run of this app offers 3 steps first: the answer to answerCall, CallConnected, ParticipantsUpdated.
    await expect(explore({ app: robust(), replay: "v2.1.5" })).rejects.toThrow(
      new ExploreSetupError(
        "choice 5 is out of range at step 0 (3 candidates): the replay token belongs to another app or scenario, " +
          "or the app did not act the same way when the same order was run again (it remembers earlier runs: give it a reset URL; or it acts late: raise the quiet window).",
      ),
    );
  });
});
