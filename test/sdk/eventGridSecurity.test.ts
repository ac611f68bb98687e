import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ENTRA_TOKEN_LIFETIME_S, EVENT_GRID_APP_ID, EVENT_GRID_WEBHOOK_ROLE } from "../../emulator/delivery/entraToken.js";
import { FORGERY_KINDS } from "../../emulator/delivery/forgeries.js";
import { startHarness, useHarness, TRANSPORTS, type Harness } from "../support/harness.js";
import type { Received } from "../support/receiver.js";

const tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const application = "api://contoso-incoming-calls";
const entra = { azureActiveDirectoryTenantId: tenant, azureActiveDirectoryApplicationIdOrUri: application };
const caller = { from: "4:+14255550123", to: "4:+18005550100" };

describe.each(TRANSPORTS)("Event Grid deliveries to an Entra-protected webhook over %s", (transport) => {
  const h = useHarness({ transport });

  /** Verifies `authorization` as a webhook following Entra's recipe does: discovery for the tenant, its keys, issuer, audience, Event Grid's app and role. */
  async function verify(authorization: string | undefined, version: 1 | 2 = 1) {
    if (!authorization?.startsWith("Bearer ")) throw new Error("no bearer token");
    const configuration = await h.control("GET", `/${tenant}${version === 2 ? "/v2.0" : ""}/.well-known/openid-configuration`);
    const jwks = await h.control("GET", new URL(configuration.body.jwks_uri).pathname);
    const verified = await jwtVerify(authorization.slice("Bearer ".length), createLocalJWKSet(jwks.body as JSONWebKeySet), {
      issuer: configuration.body.issuer,
      audience: application,
      algorithms: ["RS256"],
      currentDate: new Date(h.emulator.now()),
    });
    const client = version === 2 ? verified.payload.azp : verified.payload.appid;
    if (client !== EVENT_GRID_APP_ID) throw new Error(`not Event Grid's application: ${String(client)}`);
    if (!(verified.payload.roles as string[] | undefined)?.includes(EVENT_GRID_WEBHOOK_ROLE)) throw new Error("no AzureEventGridSecureWebhookSubscriber role");
    return verified;
  }

  /** Subscribes the receiver's /eventgrid with `settings` and places an incoming call; answers every POST the webhook got. */
  async function deliveries(settings: Record<string, unknown>): Promise<Received[]> {
    const subscribed = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid"), eventTypes: ["IncomingCall"], ...settings });
    expect(subscribed.status).toBe(201);
    await h.control("POST", "/emulator/incoming-calls", caller);
    await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall", "IncomingCall");
    return h.receiver.received.filter((r) => r.path === "/eventgrid");
  }

  test("the handshake and IncomingCall carry Entra's v1.0 token for the tenant and application, from Event Grid's app with its role", async () => {
    const received = await deliveries(entra);
    expect(received.map((r) => r.headers["aeg-event-type"])).toEqual(["SubscriptionValidation", "Notification"]);
    for (const r of received) {
      const { payload, protectedHeader } = await verify(r.headers.authorization as string);
      expect(payload).toMatchObject({ iss: `https://sts.windows.net/${tenant}/`, aud: application, tid: tenant, ver: "1.0", idp: `https://sts.windows.net/${tenant}/` });
      expect(payload.exp! - payload.iat!).toBe(ENTRA_TOKEN_LIFETIME_S);
      expect(protectedHeader.x5t).toBe(protectedHeader.kid);
    }
  });

  test("a webhook application that accepts v2.0 tokens gets the v2.0 issuer and azp", async () => {
    const [, notification] = await deliveries({ ...entra, accessTokenAcceptedVersion: 2 });
    const { payload } = await verify(notification.headers.authorization as string, 2);
    expect(payload).toMatchObject({ iss: `https://login.microsoftonline.com/${tenant}/v2.0`, ver: "2.0", azpacr: "2" });
    expect(payload.appid).toBeUndefined();
  });

  test("a tenant has OpenID configurations naming Entra issuers and a JWKS whose key signs the tokens, not the callback key", async () => {
    const v2 = await h.control("GET", `/${tenant}/v2.0/.well-known/openid-configuration`);
    expect(v2.body).toMatchObject({ issuer: `https://login.microsoftonline.com/${tenant}/v2.0`, id_token_signing_alg_values_supported: ["RS256"] });
    expect(new URL(v2.body.jwks_uri).pathname).toBe(`/${tenant}/discovery/v2.0/keys`);
    const [, notification] = await deliveries(entra);
    const keys = (await h.control("GET", `/${tenant}/discovery/v2.0/keys`)).body.keys;
    expect(keys.map((k: { kid: string }) => k.kid)).toEqual([decodeProtectedHeader((notification.headers.authorization as string).slice(7)).kid]);
    const callbackKeys = (await h.control("GET", "/calling/keys")).body.keys;
    expect(callbackKeys[0].kid).not.toBe(keys[0].kid);
  });

  test("a subscription without Entra settings gets no token", async () => {
    const received = await deliveries({});
    expect(received.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  test.each(FORGERY_KINDS)("a planted %s forgery of an Event Grid delivery fails the checks, and the log shows the webhook refused it", async (kind) => {
    await h.control("POST", "/emulator/forgeries", { kind, channel: "eventGrid" });
    // The webhook refuses the IncomingCall; what it was sent is checked after (a refused POST is not kept by the receiver).
    const received: Received[] = [];
    h.receiver.respondWith((r) => (r.path === "/eventgrid" ? (received.push(r), r.headers["aeg-event-type"] === "Notification" ? { status: 401 } : undefined) : undefined));
    try {
      const subscribed = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid"), eventTypes: ["IncomingCall"], ...entra });
      expect(subscribed.body.state).toBe("active");
      await h.control("POST", "/emulator/incoming-calls", caller);
      await h.settle();
    } finally {
      h.receiver.respondWith(undefined);
    }
    // The handshake is never forged; the IncomingCall is, once: 401 is not retried by Event Grid.
    await expect(verify(received[0].headers.authorization as string)).resolves.toBeDefined();
    expect(received).toHaveLength(2);
    await expect(verify(received[1].headers.authorization as string | undefined)).rejects.toThrow();
    if (kind === "noToken") expect(received[1].headers.authorization).toBeUndefined();
    const forged = (await h.control("GET", "/emulator/events")).body.filter((e: { forgery?: string }) => e.forgery);
    expect(forged).toEqual([expect.objectContaining({ type: "Microsoft.Communication.IncomingCall", channel: "eventGrid", forgery: kind, refused: true, state: "deadLettered" })]);
  });

  test("a forgery for Event Grid waits for an Entra-protected delivery; callbacks pass it by", async () => {
    await h.control("POST", "/emulator/forgeries", { kind: "wrongAudience", channel: "eventGrid" });
    const { callConnectionProperties } = await h.client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, h.callbackUri);
    await h.waitForEvent("CallConnected", callConnectionProperties.callConnectionId!);
    await h.settle();
    expect((await h.control("GET", "/emulator/forgeries")).body).toEqual([expect.objectContaining({ kind: "wrongAudience", channel: "eventGrid", remaining: 1 })]);
    const [, notification] = await deliveries(entra);
    expect(decodeJwt((notification.headers.authorization as string).slice(7)).aud).not.toBe(application);
  });
});

describe("Entra settings of a subscription", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ transport: "direct" });
  });
  afterAll(() => h.close());

  test("are shown by GET /emulator/subscriptions", async () => {
    await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid"), ...entra, accessTokenAcceptedVersion: 2 });
    expect((await h.control("GET", "/emulator/subscriptions")).body).toEqual([expect.objectContaining({ ...entra, accessTokenAcceptedVersion: 2, state: "active" })]);
  });

  test.each([
    [{ azureActiveDirectoryTenantId: tenant }, "azureActiveDirectoryApplicationIdOrUri"],
    [{ azureActiveDirectoryApplicationIdOrUri: application }, "azureActiveDirectoryTenantId"],
    [{ ...entra, azureActiveDirectoryTenantId: "not a tenant" }, "azureActiveDirectoryTenantId"],
    [{ ...entra, accessTokenAcceptedVersion: 3 }, "accessTokenAcceptedVersion"],
    [{ accessTokenAcceptedVersion: 2 }, "accessTokenAcceptedVersion"],
  ])("answers 400 naming what to fix for %j", async (settings, field) => {
    const answer = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid"), ...settings });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain(field);
  });

  test("a forgery's channel must be callback or eventGrid", async () => {
    const answer = await h.control("POST", "/emulator/forgeries", { kind: "noToken", channel: "webSocket" });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain("channel");
  });
});
