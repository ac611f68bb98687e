/**
 * Where the explorer delivers what the world sends an app behind a URL, and what it asks of
 * such an app: its Event Grid webhook hears of incoming calls only, events meant for the
 * explorer's own callback URI reach the app's callback URL, and a run must bring it an event.
 */
import { afterEach, describe, expect, test } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { explore, ExploreSetupError } from "../../scenarios/explorer.js";
import type { HttpAppOptions } from "../../scenarios/explorerHttp.js";
import { answerIncomingCalls, bindApp, listenApp as listenLoopbackApp, type LoopbackApp, type Route, type Seen } from "../support/loopbackApp.js";
import type { AppBinding } from "../../scenarios/explorerRun.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const bind = (app: LoopbackApp, options: Omit<HttpAppOptions, "callbackUrl">) => bindApp(app, { answerTimeoutMs: 2_000, ...options }, closers);
const listenApp = (routes: Record<string, Route>) => listenLoopbackApp(routes, closers);

const settings = { seed: 7, maxRuns: 3, samples: 0, shrinkRuns: 0 } as const;
const types = (seen: Seen[]) => seen.flatMap((s) => (JSON.parse(s.body) as Array<{ type?: string; eventType?: string }>).map((e) => e.type ?? e.eventType));

describe("the app's Event Grid webhook", () => {
  test("hears of the incoming call it is to answer, and of nothing else Event Grid publishes", async () => {
    const app = await listenApp({
      "/eventgrid": answerIncomingCalls,
      "/callbacks": () => 200,
    });
    const server = await bind(app, { incomingCall: { from: "4:+14255550123", to: "4:+18005550100" }, eventGridUrl: `${app.base}/eventgrid` });
    // A call among others starts a minute in: Event Grid publishes CallStarted for it.
    let started = 0;
    const world = (emulator: Emulator) =>
      void emulator.clock!.schedule(60_000, () => (emulator.startCall({ participants: ["4:+14255550130", "4:+14255550131"] }), started++), "a call among others starts");
    const result = await explore({ app: server.binding, scenario: { world }, ...settings, maxRuns: 1 });
    expect(result.failures, result.summary).toBe(0);
    expect(started).toBeGreaterThan(0);
    const deliveries = app.seen.filter((s) => s.url === "/eventgrid");
    expect(deliveries).toHaveLength(result.runs);
    expect(new Set(types(deliveries))).toEqual(new Set(["Microsoft.Communication.IncomingCall"]));
  });
});

describe("events addressed to the explorer's own callback URI", () => {
  test("reach the app at its callback URL", async () => {
    let explorerCallbackUri: string | undefined;
    const app = await listenApp({
      "/start": (_, client) => {
        void client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, explorerCallbackUri!).catch(() => undefined);
        return 202;
      },
      "/callbacks": () => 200,
    });
    const server = await bind(app, { startUrl: `${app.base}/start` });
    // The app places its call with the callback URI the explorer gives its runs (as ctx.callbackUri does in-process).
    const binding: AppBinding = {
      ...server.binding,
      open: (hooks) => {
        explorerCallbackUri = hooks.callbackUri;
        return server.binding.open(hooks);
      },
    };
    const result = await explore({ app: binding, ...settings });
    expect(result.failures, result.summary).toBe(0);
    expect(explorerCallbackUri).toMatch(/^https:\/\//);
    expect(new URL(explorerCallbackUri!).origin).not.toBe(app.base);
    const callbacks = app.seen.filter((s) => s.url === "/callbacks");
    expect(callbacks.length).toBeGreaterThanOrEqual(result.runs);
    expect(types(callbacks)).toContain("Microsoft.Communication.CallConnected");
  });
});

describe("a run of an app behind a URL", () => {
  test("that brings it no event is a setup error naming the requests it made", async () => {
    // The world rings the app without Event Grid (no webhook): the app learns of the call only through this test.
    let incomingCallContext = "";
    const world = (emulator: Emulator) => void ({ incomingCallContext } = emulator.placeIncomingCall({ from: "4:+14255550123", to: "4:+18005550100" }));
    const app = await listenApp({
      "/start": (_, client) => {
        void client.rejectCall(incomingCallContext).catch(() => undefined);
        return 202;
      },
    });
    const server = await bind(app, { startUrl: `${app.base}/start` });
    const error = await explore({ app: server.binding, scenario: { world }, ...settings }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExploreSetupError);
    expect((error as Error).message).toBe("the app handled no event: its requests (POST :reject) led to no callback event.");
  });
});
