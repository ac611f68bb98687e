import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CALL_AUTOMATION_ISSUER, CALLBACK_TOKEN_LIFETIME_S, DEFAULT_RESOURCE_ID, JWKS_PATH, OPENID_CONFIGURATION_PATH } from "../../emulator/delivery/callbackToken.js";
import { FORGERY_KINDS } from "../../emulator/delivery/forgeries.js";
import { startHarness, useHarness, TRANSPORTS, type Harness } from "../support/harness.js";

const target = { communicationUserId: "8:acs:r_u1" };

describe.each(TRANSPORTS)("callback tokens over %s", (transport) => {
  const h = useHarness({ transport });

  /** Places a call and answers the callbacks' Authorization headers, in arrival order. */
  async function callbackAuthorizations(): Promise<Array<string | undefined>> {
    const { callConnectionProperties } = await h.client.createCall({ targetParticipant: target }, h.callbackUri);
    await h.waitForEvent("CallConnected", callConnectionProperties.callConnectionId!);
    await h.settle();
    return h.receiver.received.filter((r) => r.path === "/callbacks").map((r) => r.headers.authorization as string | undefined);
  }

  /** Verifies `authorization` by the docs' recipe against what the OpenID configuration names. */
  async function verify(authorization: string | undefined) {
    if (!authorization?.startsWith("Bearer ")) throw new Error("no bearer token");
    const configuration = await h.control("GET", OPENID_CONFIGURATION_PATH);
    const jwks = await h.control("GET", new URL(configuration.body.jwks_uri).pathname);
    return jwtVerify(authorization.slice("Bearer ".length), createLocalJWKSet(jwks.body as JSONWebKeySet), {
      issuer: CALL_AUTOMATION_ISSUER,
      audience: DEFAULT_RESOURCE_ID,
      algorithms: ["RS256"],
      currentDate: new Date(h.emulator.now()),
    });
  }

  test("every callback carries an RS256 JWT of the resource that the OpenID configuration's keys verify", async () => {
    const authorizations = await callbackAuthorizations();
    expect(authorizations.length).toBeGreaterThanOrEqual(2);
    for (const authorization of authorizations) {
      const { payload, protectedHeader } = await verify(authorization);
      expect(protectedHeader.alg).toBe("RS256");
      expect(payload.iss).toBe(CALL_AUTOMATION_ISSUER);
      expect(payload.aud).toBe(DEFAULT_RESOURCE_ID);
      expect(payload.exp! - payload.iat!).toBe(CALLBACK_TOKEN_LIFETIME_S);
      expect(payload.nbf).toBe(payload.iat);
    }
  });

  test("a new token is made for each event, issued on the emulator's clock", async () => {
    const authorizations = await callbackAuthorizations();
    expect(new Set(authorizations).size).toBe(authorizations.length);
    const issuedAt = decodeJwt(authorizations.at(-1)!.slice(7)).iat!;
    expect(Math.abs(issuedAt * 1000 - h.emulator.now())).toBeLessThan(60_000);
  });

  test("the OpenID configuration names the issuer, RS256 and a JWKS whose key signs the tokens", async () => {
    const configuration = await h.control("GET", OPENID_CONFIGURATION_PATH);
    expect(configuration.status).toBe(200);
    expect(configuration.body).toMatchObject({ issuer: CALL_AUTOMATION_ISSUER, id_token_signing_alg_values_supported: ["RS256"] });
    expect(new URL(configuration.body.jwks_uri).pathname).toBe(JWKS_PATH);
    const jwks = await h.control("GET", JWKS_PATH);
    const [authorization] = await callbackAuthorizations();
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toEqual([decodeProtectedHeader(authorization!.slice(7)).kid]);
    expect(jwks.body.keys[0]).toMatchObject({ kty: "RSA", use: "sig", alg: "RS256" });
    expect(jwks.body.keys[0].d).toBeUndefined();
  });

  test("Event Grid deliveries carry no callback token, and the subscription's query-string secret as given", async () => {
    await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid?code=s3cret") });
    await h.control("POST", "/emulator/incoming-calls", { from: "4:+14255550123", to: "4:+18005550100" });
    await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall", "IncomingCall");
    const deliveries = h.receiver.received.filter((r) => r.path.startsWith("/eventgrid"));
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    for (const r of deliveries) {
      expect(r.path).toBe("/eventgrid?code=s3cret");
      expect(r.headers.authorization).toBeUndefined();
    }
  });

  test.each(FORGERY_KINDS)("a planted %s forgery fails the docs' checks, and the log shows the app refused it", async (kind) => {
    const planted = await h.control("POST", "/emulator/forgeries", { kind });
    expect(planted.status).toBe(201);
    const seen: Array<string | undefined> = [];
    // The app refuses the first callback; what it was sent is checked after.
    h.receiver.respondWith((r) => (r.path === "/callbacks" ? (seen.push(r.headers.authorization as string | undefined), seen.length === 1 ? { status: 401 } : undefined) : undefined));
    try {
      const { callConnectionProperties } = await h.client.createCall({ targetParticipant: target }, h.callbackUri);
      await h.receiver.waitFor((e) => e.data?.callConnectionId === callConnectionProperties.callConnectionId, "a callback after the forged one");
      await h.settle();
    } finally {
      h.receiver.respondWith(undefined);
    }
    await expect(verify(seen[0])).rejects.toThrow();
    if (kind === "noToken") expect(seen[0]).toBeUndefined();
    const events = (await h.control("GET", "/emulator/events")).body;
    const forged = events.filter((e: { forgery?: string }) => e.forgery);
    expect(forged).toHaveLength(1);
    expect(forged[0]).toMatchObject({ forgery: kind, refused: true, state: "deadLettered" });
    // A refusal is an answer: not retried.
    expect(forged[0].attempts).toHaveLength(1);
    // Only the next callback was forged: the following ones verify.
    await expect(verify(seen[1])).resolves.toBeDefined();
    expect((await h.control("GET", "/emulator/forgeries")).body).toEqual([]);
  });
});

describe("forgeries over the control plane", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ transport: "direct", resourceId: "11111111-2222-4333-8444-555555555555" });
  });
  afterAll(() => h.close());

  test("the resource id is configurable, reported by GET /emulator/info and used as the audience", async () => {
    expect((await h.control("GET", "/emulator/info")).body.resourceId).toBe("11111111-2222-4333-8444-555555555555");
    const token = await h.emulator.callbackToken();
    expect(decodeJwt(token).aud).toBe("11111111-2222-4333-8444-555555555555");
  });

  test("forge only the callbacks of the call connection named, as often as asked", async () => {
    const first = await h.client.createCall({ targetParticipant: target }, h.callbackUri);
    const second = await h.client.createCall({ targetParticipant: target }, h.callbackUri);
    const id = second.callConnectionProperties.callConnectionId!;
    await h.control("POST", "/emulator/forgeries", { kind: "wrongIssuer", callConnectionId: id, times: 2 });
    await h.settle();
    const forged = h.emulator.events().filter((e) => e.forgery);
    expect(forged.map((e) => e.callConnectionId)).toEqual([id, id]);
    expect(forged.every((e) => e.forgery === "wrongIssuer" && e.refused === false)).toBe(true);
    expect(h.emulator.events({ callConnectionId: first.callConnectionProperties.callConnectionId! }).some((e) => e.forgery)).toBe(false);
  });

  /** Places a call whose first callback fails twice with 503; answers every Authorization header the app saw. */
  async function callFailingTwice(): Promise<Array<string | undefined>> {
    const seen: Array<string | undefined> = [];
    h.receiver.respondWith((r) => (r.path === "/callbacks" ? (seen.push(r.headers.authorization as string | undefined), seen.length <= 2 ? { status: 503 } : undefined) : undefined));
    try {
      await h.client.createCall({ targetParticipant: target }, h.callbackUri);
      await h.settle();
    } finally {
      h.receiver.respondWith(undefined);
    }
    return seen;
  }

  test("a retried callback gets a new token, and a forged one is forged again on every attempt", async () => {
    const signed = await callFailingTwice();
    expect(signed[0]).not.toBe(signed[1]);
    expect(decodeJwt(signed[1]!.slice(7)).iat).toBeGreaterThanOrEqual(decodeJwt(signed[0]!.slice(7)).iat!);
    h.emulator.forgeCallbacks({ kind: "noToken" });
    const forged = await callFailingTwice();
    expect(forged.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(h.emulator.events().filter((e) => e.forgery === "noToken")).toEqual([expect.objectContaining({ refused: false, state: "delivered" })]);
  });

  test("a reset forgets planted forgeries", async () => {
    h.emulator.forgeCallbacks({ kind: "noToken", times: 5 });
    await h.control("POST", "/emulator/reset");
    expect(h.emulator.forgeries()).toEqual([]);
  });

  test.each([
    [{ kind: "sloppy" }, "kind"],
    [{ kind: "noToken", times: 0 }, "times"],
    [{ kind: "noToken", callConnectionId: 7 }, "callConnectionId"],
  ])("answers 400 naming what to fix for %j", async (body, field) => {
    const answer = await h.control("POST", "/emulator/forgeries", body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBeTruthy();
    expect(answer.body.error.message).toContain(field);
  });
});
