import { setupServer } from "msw/node";
import { afterAll, beforeAll } from "vitest";
import { describe, expect, test } from "callsim/vitest";
import { FORGERY_KINDS, probeCallbackForgeries, type Emulator } from "callsim";
import { createSecureEventGridWebhook } from "./eventGridApp.js";

// msw answers Entra's login host from the emulator: the webhook's hard-coded discovery URL works unchanged.
const network = setupServer();
beforeAll(() => network.listen({ onUnhandledRequest: "error" }));
afterAll(() => network.close());

const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const audience = "api://contoso-incoming-calls";
const caller = { from: "4:+14255550123", to: "4:+18005550100" };

/** The webhook at https://webhook.test/eventgrid, subscribed to IncomingCall with Entra protection (v2.0 tokens). */
async function secured(emulator: Emulator) {
  network.resetHandlers(...emulator.mswHandlers());
  const webhook = createSecureEventGridWebhook({ tenantId, audience, now: () => new Date(emulator.now()) });
  emulator.routeCallbacks("https://webhook.test/", webhook.fetch);
  const subscription = await emulator.subscribe("https://webhook.test/eventgrid", ["IncomingCall"], undefined, { azureActiveDirectoryTenantId: tenantId, azureActiveDirectoryApplicationIdOrUri: audience, accessTokenAcceptedVersion: 2 });
  return { webhook, subscription };
}

describe("an Event Grid webhook secured with Entra, checking tokens by Entra's recipe", () => {
  test("validates the subscription and lets the IncomingCall in", async ({ emulator }) => {
    const { webhook, subscription } = await secured(emulator);
    expect(subscription.state).toBe("active");
    emulator.placeIncomingCall(caller);
    await emulator.settle();
    expect(webhook.incomingCalls.map((e) => e.data.from.rawId)).toEqual([caller.from]);
  });

  test("refuses every forged delivery", async ({ emulator }) => {
    const { webhook } = await secured(emulator);
    const report = await probeCallbackForgeries(emulator, async () => emulator.placeIncomingCall(caller), FORGERY_KINDS, { channel: "eventGrid" });
    expect(report.outcomes.map((o) => o.status)).toEqual(FORGERY_KINDS.map(() => 401));
    expect(webhook.incomingCalls).toEqual([]);
  });

  test("refuses a subscription whose deliveries carry no Entra token: the handshake fails", async ({ emulator }) => {
    network.resetHandlers(...emulator.mswHandlers());
    emulator.routeCallbacks("https://webhook.test/", createSecureEventGridWebhook({ tenantId, audience }).fetch);
    const subscription = await emulator.subscribe("https://webhook.test/eventgrid", ["IncomingCall"]);
    expect(subscription).toMatchObject({ state: "failed", lastError: expect.stringContaining("401") });
  });
});
