import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { identityClientFor, signedRequest } from "../support/directoryClients.js";
import { entraToken, tokenClaims as claims } from "../support/identityTokens.js";
import { startHarness, useHarness, TRANSPORTS, type Harness } from "../support/harness.js";

describe.each(TRANSPORTS)("identity over %s", (transport) => {
  const h = useHarness({ transport });

  test("creates a user in the real 8:acs:<resourceId>_<guid> form, on the resource's endpoint", async () => {
    const user = await identityClientFor(h).createUser();
    expect(user.communicationUserId).toMatch(/^8:acs:[0-9a-f-]{36}_[0-9a-f-]{36}$/);
  });

  test("creates a user with a token whose claims name the user, its scopes and a 24 h expiry", async () => {
    const { user, token, expiresOn } = await identityClientFor(h).createUserAndToken(["voip", "chat"]);
    const payload = claims(token);
    expect(payload).toMatchObject({ skypeid: user.communicationUserId.slice(2), acsScope: "voip,chat", scp: 1792, csi: String(payload.iat) });
    expect(payload.exp - payload.iat).toBe(24 * 3600);
    expect(Math.floor(expiresOn.getTime() / 1000)).toBe(payload.exp);
    expect(payload.resourceId).toBe(user.communicationUserId.slice(6).split("_")[0]);
  });

  test("issues a token of the asked lifetime to an existing user", async () => {
    const client = identityClientFor(h);
    const user = await client.createUser();
    const { token, expiresOn } = await client.getToken(user, ["chat"], { tokenExpiresInMinutes: 60 });
    expect(claims(token).acsScope).toBe("chat");
    expect(expiresOn.getTime() - h.emulator.now()).toBeLessThanOrEqual(3_600_000);
    expect(expiresOn.getTime() - h.emulator.now()).toBeGreaterThan(3_599_000);
  });

  test("refuses a lifetime outside [60, 1440] minutes with 400 ValidationError naming ExpiresInMinutes", async () => {
    const client = identityClientFor(h);
    const user = await client.createUser();
    const error = await client.getToken(user, ["chat"], { tokenExpiresInMinutes: 59 }).catch((e) => e);
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe("ValidationError");
    expect(error.message).toBe("ExpiresInMinutes value 59 is invalid. Value must be within the [60, 1440] interval.");
  });

  test("refuses a scope the service does not know with 400 ValidationError", async () => {
    const error = await identityClientFor(h).createUserAndToken(["video" as "voip"]).catch((e) => e);
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain("'video' is not a valid scope");
  });

  test("revokes a user's tokens and deletes the user; a deleted user gets no token (404)", async () => {
    const client = identityClientFor(h);
    const user = await client.createUser();
    await client.revokeTokens(user);
    expect((await h.control("GET", "/emulator/identities")).body).toEqual([expect.objectContaining({ rawId: user.communicationUserId, tokensRevokedAt: expect.any(String) })]);
    await client.deleteUser(user);
    expect((await h.control("GET", "/emulator/identities")).body).toEqual([]);
    const error = await client.getToken(user, ["voip"]).catch((e) => e);
    expect(error.statusCode).toBe(404);
    expect(error.message).toContain("does not exist");
    // Deleting again answers as the first time did.
    await client.deleteUser(user);
  });

  test("exchanges a Teams user's Entra ID token whose oid and appid match", async () => {
    const client = identityClientFor(h);
    const exp = Math.floor(h.emulator.now() / 1000) + 3600;
    const teamsUserAadToken = entraToken({ oid: "4f3e6a2b-0000-0000-0000-000000000001", appid: "app-1", exp });
    const result = await client.getTokenForTeamsUser({ teamsUserAadToken, clientId: "app-1", userObjectId: "4f3e6a2b-0000-0000-0000-000000000001" });
    expect(claims(result.token).skypeid).toBe("orgid:4f3e6a2b-0000-0000-0000-000000000001");
    expect(result.expiresOn.getTime()).toBe(exp * 1000);
    const error = await client.getTokenForTeamsUser({ teamsUserAadToken, clientId: "another-app", userObjectId: "4f3e6a2b-0000-0000-0000-000000000001" }).catch((e) => e);
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe("InvalidAccessToken");
  });
});

describe("identity api-versions and errors", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ transport: "direct" });
  });
  afterAll(() => h.close());

  test("answers 2021-03-07 (Identity SDK 1.0.0) with a 24 h token: that version has no expiresInMinutes", async () => {
    const created = await signedRequest(h, "POST", "/identities?api-version=2021-03-07", { createTokenWithScopes: ["voip"], expiresInMinutes: 60 });
    expect(created.status).toBe(201);
    const payload = claims(created.body.accessToken.token);
    expect(payload.exp - payload.iat).toBe(24 * 3600);
  });

  test("refuses an unsigned request with 401 and an unknown api-version with 400, in Identity's error shape", async () => {
    const unsigned = await signedRequest(h, "POST", "/identities?api-version=2023-10-01", {}, false);
    expect(unsigned.status).toBe(401);
    expect(Object.keys(unsigned.body.error).sort()).toEqual(["code", "message"]);
    const unknown = await signedRequest(h, "POST", "/identities?api-version=2026-03-12", {});
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe("UnsupportedApiVersion");
    expect(unknown.body.error.message).toContain("2023-10-01");
  });
});
