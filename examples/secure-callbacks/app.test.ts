import type { CallAutomationClient } from "@azure/communication-call-automation";
import { setupServer } from "msw/node";
import { afterAll, beforeAll } from "vitest";
import { describe, expect, test } from "callsim/vitest";
import { probeCallbackForgeries, type Emulator } from "callsim";
import { createSecureCallbacks } from "./app.js";
import { createLaxCallbacks } from "./laxApp.js";

// msw answers the service's real OpenID host from the emulator: the app's hard-coded URL works unchanged.
const network = setupServer();
beforeAll(() => network.listen({ onUnhandledRequest: "error" }));
afterAll(() => network.close());

const target = { communicationUserId: "8:acs:r_u1" };

/** Serves the emulator's hosts through msw and places calls whose callbacks go to `baseUrl`. */
function wire({ emulator, client }: { emulator: Emulator; client: CallAutomationClient }, baseUrl: string) {
  network.resetHandlers(...emulator.mswHandlers());
  return () => client.createCall({ targetParticipant: target }, `${baseUrl}/events`);
}

describe("an endpoint that checks callback tokens by the docs' recipe", () => {
  test("accepts every real callback", async ({ emulator, client }) => {
    const app = createSecureCallbacks({ audience: emulator.info().resourceId, now: () => new Date(emulator.now()) });
    emulator.routeCallbacks("https://secure.test/", app.fetch);
    await wire({ emulator, client }, "https://secure.test")();
    await emulator.settle();
    const delivered = emulator.events().filter((e) => e.channel === "callback");
    expect(delivered.length).toBeGreaterThanOrEqual(2);
    expect(delivered.every((e) => e.state === "delivered")).toBe(true);
    expect(app.accepted.map((e) => e.id)).toEqual(delivered.map((e) => e.id));
  });

  test("refuses every forgery, each once and for good", async ({ emulator, client }) => {
    const app = createSecureCallbacks({ audience: emulator.info().resourceId, now: () => new Date(emulator.now()) });
    emulator.routeCallbacks("https://secure.test/", app.fetch);
    const report = await probeCallbackForgeries(emulator, wire({ emulator, client }, "https://secure.test"));
    expect(report.accepted).toEqual([]);
    expect(report.outcomes.map((o) => o.status)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(emulator.events().filter((e) => e.forgery).every((e) => e.state === "deadLettered" && e.attempts.length === 1)).toBe(true);
  });

  test("refuses a token that expired on the emulator's clock while the call went on", async ({ emulator, client }) => {
    const app = createSecureCallbacks({ audience: emulator.info().resourceId, now: () => new Date(emulator.now() + 6 * 60_000) });
    emulator.routeCallbacks("https://secure.test/", app.fetch);
    await wire({ emulator, client }, "https://secure.test")();
    await emulator.settle();
    expect(app.accepted).toEqual([]);
  });
});

describe("the forgery scenario", () => {
  test("catches an endpoint that reads tokens without verifying them", async ({ emulator, client }) => {
    emulator.routeCallbacks("https://lax.test/", createLaxCallbacks(emulator.info().resourceId).fetch);
    const report = await probeCallbackForgeries(emulator, wire({ emulator, client }, "https://lax.test"));
    expect(report.accepted).toEqual(["expiredToken", "wrongIssuer", "badSignature", "unknownKey"]);
    expect(report.outcomes.find((o) => o.kind === "wrongAudience")?.status).toBe(403);
  });
});
