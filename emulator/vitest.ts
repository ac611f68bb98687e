/**
 * `callsim/vitest`: a vitest `test` with a fresh in-process emulator, a ready SDK client and
 * `waitForEvent`, so a whole call flow is a handful of lines.
 * @example
 * import { test, expect } from "callsim/vitest";
 * test("connects", async ({ client, waitForEvent }) => {
 *   const { callConnectionProperties } = await client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, "https://app.test/events");
 *   const connected = await waitForEvent("CallConnected", { callConnectionId: callConnectionProperties.callConnectionId });
 *   expect(connected.callConnectionId).toBe(callConnectionProperties.callConnectionId);
 * });
 */
import { CallAutomationClient, parseCallAutomationEvent, type CallAutomationEvent } from "@azure/communication-call-automation";
import { setupServer } from "msw/node";
import { test as base } from "vitest";
import { createEmulator, explore, type Emulator, type ExploreOptions, type ExploreResult } from "./index.js";

/** Filters of {@link CallsimFixtures.waitForEvent}. */
export interface WaitForEventFilter {
  callConnectionId?: string;
}

/** The fixtures `test` gets. */
export interface CallsimFixtures {
  /**
   * How `client` reaches the emulator: `"direct"` (default; an SDK httpClient, fastest) or
   * `"msw"` (an unchanged client whose requests to `*.communication.azure.com` msw intercepts).
   * Choose per suite with `test.override({ transport: "msw" })`.
   */
  transport: "direct" | "msw";
  /** A fresh emulator on a virtual clock; its seed is printed when the test fails. */
  emulator: Emulator;
  /** An SDK client wired to the emulator through `transport` (no socket either way). */
  client: CallAutomationClient;
  /**
   * Steps virtual time until an event of `type` (e.g. "CallConnected") was delivered, and
   * returns it parsed by the SDK's own parser. Throws, naming what did happen, when the
   * emulator runs out of things to do first.
   */
  waitForEvent: <T extends CallAutomationEvent["kind"]>(type: T, filter?: WaitForEventFilter) => Promise<Extract<CallAutomationEvent, { kind: T }>>;
}

const LOOPBACK = /^https?:\/\/(127\.|localhost[:/]|\[::1\])/;

/** Seed of every emulator the fixture makes: CALLSIM_SEED, else a random one (printed on failure). */
function fixtureSeed(): number {
  const fromEnv = Number(process.env.CALLSIM_SEED);
  return Number.isInteger(fromEnv) && fromEnv >= 0 ? fromEnv : Math.floor(Math.random() * 2 ** 31);
}

/** vitest's `test`, extended with callsim's fixtures. */
export const test = base.extend<CallsimFixtures>({
  transport: "direct",
  emulator: async ({ task }, use) => {
    // The self-check is on: a response or event of callsim's that departs from the spec fails the test.
    const emulator = createEmulator({ clock: "virtual", seed: fixtureSeed(), selfCheck: "throw" });
    // Callbacks to anything but a local server are accepted in-process unless the test routes them.
    const acceptAll = emulator.onCallback((url) => !LOOPBACK.test(url), () => undefined);
    await use(emulator);
    acceptAll();
    if (task.result?.state === "fail") {
      process.stderr.write(`callsim: "${task.name}" failed with seed ${emulator.seed}; rerun with CALLSIM_SEED=${emulator.seed}\n`);
    }
    await emulator.close();
    emulator.assertSelfCheck();
  },
  client: async ({ emulator, transport }, use) => {
    if (transport === "direct") return use(new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() }));
    const server = setupServer(...emulator.mswHandlers());
    server.listen({ onUnhandledRequest: "bypass" });
    try {
      await use(new CallAutomationClient(emulator.connectionString()));
    } finally {
      server.close();
    }
  },
  waitForEvent: async ({ emulator }, use) => {
    await use(async (type, filter = {}) => {
      const fullType = `Microsoft.Communication.${type}`;
      const find = () =>
        emulator.events().find((r) => r.type === fullType && r.state !== "pending" && (!filter.callConnectionId || r.callConnectionId === filter.callConnectionId));
      let record = find();
      while (!record) {
        if (!(await emulator.clock!.step())) {
          const seen = emulator.events().map((r) => `${r.type.replace("Microsoft.Communication.", "")} (${r.callConnectionId ?? r.destination})`);
          throw new Error(`${type} never came${filter.callConnectionId ? ` for ${filter.callConnectionId}` : ""}: the emulator has nothing left to do. Events so far: ${seen.join(", ") || "none"}.`);
        }
        record = find();
      }
      return parseCallAutomationEvent([record.event] as any) as any;
    });
  },
});

/**
 * Explores every delivery order for `options.app` and fails the test with the smallest failing
 * order, its replay token and a Mermaid diagram when one breaks the app.
 * @example
 * test("my handler survives any order", () => expectEveryOrder({ app: { start, handle: myHandler } }));
 */
export async function expectEveryOrder<S>(options: ExploreOptions<S>): Promise<ExploreResult> {
  const result = await explore(options);
  if (result.failure) {
    throw new Error(`${result.summary}\n\nReplay with explore({ ..., replay: "${result.failure.token}" }).\n\n${result.failure.diagram}`);
  }
  return result;
}

export { expect, describe, beforeEach, afterEach } from "vitest";
