import { decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { identityClientFor } from "../support/directoryClients.js";
import { startHarness, TRANSPORTS, useHarness, type Harness } from "../support/harness.js";
import { entraToken, jwtPart, tokenClaims } from "../support/identityTokens.js";

const USER = "4f3e6a2b-0000-0000-0000-000000000001";
const APP = "1fd5b1a4-0000-0000-0000-00000000a991";

/** How every refused exchange ends its message. */
const NOT_VERIFIED = "callsim reads the Entra ID token's claims without verifying it.";

const NO_EXP = "it has no exp claim, a time in seconds from 1970 to 9999";

/** 9999-12-31T23:59:59Z in seconds: the last expiry an expiresOn can be written for. */
const LAST_EXP = 253_402_300_799;

/** An event time as the service writes it (seven fractional digits, `+00:00`). */
const eventTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000+00:00");

/** Exchanges `teamsUserAadToken` for USER and APP; answers the SDK's result or its error. */
function exchange(h: Harness, teamsUserAadToken: string, ids: { clientId?: string; userObjectId?: string } = {}) {
  return identityClientFor(h)
    .getTokenForTeamsUser({ teamsUserAadToken, clientId: APP, userObjectId: USER, ...ids })
    .catch((error) => error);
}

/** What the service answers a token it does not accept: 401 InvalidAccessToken saying why, no target. */
function expectRefused(error: any, why: string): void {
  expect(error.statusCode).toBe(401);
  expect(error.details).toEqual({ error: { code: "InvalidAccessToken", message: `Provided access token is not valid: ${why}. ${NOT_VERIFIED}` } });
}

describe.each(TRANSPORTS)("Teams token exchange over %s", (transport) => {
  const h = useHarness({ transport }, async (h) => {
    inAnHour = Math.floor(h.emulator.now() / 1000) + 3600;
  });
  /** An exp an hour from now, in seconds as JWTs carry it. */
  let inAnHour: number;

  test("answers a well-formed voip,chat token for the Teams user, expiring with the Entra token, whether the app is its appid or its azp", async () => {
    // "~~~" and "???" at a 3-byte boundary encode as "fn5-" and "Pz8_": the claims use both base64url-only characters.
    const withAppid = entraToken({ name: "~~~???", oid: USER, appid: APP, exp: inAnHour });
    expect(withAppid.split(".")[1]).toMatch(/-.*_/);
    const withAzp = entraToken({ oid: USER, azp: APP, exp: inAnHour + 60 });
    for (const [teamsUserAadToken, exp] of [[withAppid, inAnHour], [withAzp, inAnHour + 60]] as const) {
      const result = await exchange(h, teamsUserAadToken);
      expect(decodeProtectedHeader(result.token)).toMatchObject({ alg: "RS256", typ: "JWT" });
      expect(tokenClaims(result.token)).toMatchObject({ skypeid: `orgid:${USER}`, acsScope: "voip,chat", exp });
      expect(result.expiresOn.getTime()).toBe(exp * 1000);
    }
  });

  test.each([
    ["two parts", (claims: object) => `${jwtPart({ alg: "RS256" })}.${jwtPart(claims)}`],
    ["four parts", (claims: object) => `${entraToken(claims)}.c2lnbmF0dXJl`],
    ["claims that are not base64url JSON", () => `${jwtPart({ alg: "RS256" })}.not json!.c2lnbmF0dXJl`],
    ["claims in an array", (claims: object) => entraToken([claims])],
    ["claims that are a number", () => entraToken(42)],
    ["claims that are a string", () => entraToken("claims")],
    ["claims that are null", () => entraToken(null)],
  ])("refuses a token with %s with 401: it is not a JWT", async (_, build) => {
    expectRefused(await exchange(h, build({ oid: USER, appid: APP, exp: inAnHour })), "it is not a JWT (three base64url parts, the second a JSON object of claims)");
  });

  test("refuses with 401 a token without a numeric exp, an expired one, or one for another user or app, naming the claim", async () => {
    expectRefused(await exchange(h, entraToken({ oid: USER, appid: APP })), NO_EXP);
    expectRefused(await exchange(h, entraToken({ oid: USER, appid: APP, exp: String(inAnHour) })), NO_EXP);
    const anHourAgo = inAnHour - 7200;
    expectRefused(await exchange(h, entraToken({ oid: USER, appid: APP, exp: anHourAgo })), `it expired at ${eventTime(anHourAgo * 1000)}`);
    const current = entraToken({ oid: USER, appid: APP, exp: inAnHour });
    expectRefused(await exchange(h, current, { userObjectId: "9a1c0000-0000-0000-0000-000000000002" }), `its oid claim is "${USER}", not the userId "9a1c0000-0000-0000-0000-000000000002"`);
    expectRefused(await exchange(h, current, { clientId: "another-app" }), `its appid (or azp) claim is "${APP}", not the appId "another-app"`);
    expectRefused(await exchange(h, entraToken({ oid: USER, exp: inAnHour })), `its appid (or azp) claim is undefined, not the appId "${APP}"`);
  });

  test("reads exp as a time from 1970 to 9999-12-31T23:59:59Z: beyond it, or before 1970, the token has no exp (a 401, never a 500)", async () => {
    const latest = await exchange(h, entraToken({ oid: USER, appid: APP, exp: LAST_EXP }));
    expect(latest.expiresOn.toISOString()).toBe("9999-12-31T23:59:59.000Z");
    expect(tokenClaims(latest.token).exp).toBe(LAST_EXP);
    expectRefused(await exchange(h, entraToken({ oid: USER, appid: APP, exp: 0 })), "it expired at 1970-01-01T00:00:00.0000000+00:00");
    for (const exp of [LAST_EXP + 1, -1, 1e300, -1e20]) expectRefused(await exchange(h, entraToken({ oid: USER, appid: APP, exp })), NO_EXP);
    // JSON reads 1e400 as Infinity, a number JSON.stringify cannot write back.
    const infinite = `${jwtPart({ alg: "RS256" })}.${Buffer.from(`{"oid":"${USER}","appid":"${APP}","exp":1e400}`).toString("base64url")}.c2lnbmF0dXJl`;
    expectRefused(await exchange(h, infinite), NO_EXP);
  });
});

// The edge needs the request to arrive at the instant the token expires: only the virtual clock holds still.
describe.each(TRANSPORTS.filter((transport) => transport !== "server"))("Teams token exchange on the virtual clock over %s", (transport) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ transport });
  });
  afterAll(() => h.close());

  test("refuses an Entra token whose exp is this very second: a token is expired at its exp", async () => {
    const exp = Math.floor(h.emulator.now() / 1000) + 1;
    h.emulator.advance(exp * 1000 - h.emulator.now());
    expect(h.emulator.now()).toBe(exp * 1000);
    expectRefused(await exchange(h, entraToken({ oid: USER, appid: APP, exp })), `it expired at ${eventTime(exp * 1000)}`);
    const result = await exchange(h, entraToken({ oid: USER, appid: APP, exp: exp + 1 }));
    expect(result.expiresOn.getTime()).toBe((exp + 1) * 1000);
  });
});
