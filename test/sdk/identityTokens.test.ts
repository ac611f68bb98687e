import { decodeProtectedHeader } from "jose";
import { describe, expect, test } from "vitest";
import { identityClientFor } from "../support/directoryClients.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";
import { tokenClaims } from "../support/identityTokens.js";

/** Scopes as the service lists them when it refuses one. */
const VALID_SCOPES = "chat, voip, chat.join, chat.join.limited, voip.join";

/** The unpadded base64url alphabet a JWT's parts are written in (RFC 7515 §2). */
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The resource an ACS user belongs to: `8:acs:<resourceId>_<id>`. */
const resourceOf = (rawId: string) => rawId.slice("8:acs:".length).split("_")[0];

/** The service's refusal of `attempt`, as the SDK reports it: the status and the body's error. */
async function refusal(attempt: Promise<unknown>): Promise<{ status?: number; error: unknown }> {
  const error = await attempt.then(() => undefined, (e: unknown) => e);
  // The SDK's own copy of core-rest-pipeline made it: known by name, not by class.
  expect(error).toMatchObject({ name: "RestError" });
  const rest = error as { statusCode?: number; details?: { error?: unknown } };
  return { status: rest.statusCode, error: rest.details?.error };
}

describe.each(TRANSPORTS)("identity access tokens over %s", (transport) => {
  const h = useHarness({ transport });

  test("issues a well-formed JWT: unpadded base64url parts, an RS256 header with kid and x5t, an RS256-sized signature", async () => {
    const client = identityClientFor(h);
    const created = await client.createUserAndToken(["voip"]);
    const issued = await client.getToken(created.user, ["chat"]);
    for (const { token } of [created, issued]) {
      const parts = token.split(".");
      expect(parts).toHaveLength(3);
      for (const part of parts) expect(part).toMatch(BASE64URL);
      const header = decodeProtectedHeader(token);
      expect(header).toEqual({ alg: "RS256", typ: "JWT", kid: expect.stringMatching(/./), x5t: expect.stringMatching(BASE64URL) });
      // x5t is a SHA-1 certificate thumbprint: 20 bytes, 27 characters unpadded.
      expect(Buffer.from(header.x5t as string, "base64url")).toHaveLength(20);
      expect(header.x5t).toHaveLength(27);
      const signature = Buffer.from(parts[2], "base64url");
      expect(signature).toHaveLength(256);
      // Canonical: decoding and encoding again gives the same text, so no character was dropped or padded.
      expect(signature.toString("base64url")).toBe(parts[2]);
    }
    expect(tokenClaims(issued.token).acsScope).toBe("chat");
  });

  test("answers createUser with the identity alone, and createUserAndToken with a token for the scopes it names", async () => {
    const client = identityClientFor(h);
    let body: unknown;
    const user = await client.createUser({ onResponse: (response) => void (body = response.parsedBody) });
    expect(body).toEqual({ identity: { id: user.communicationUserId } });
    const withoutScopes = await client.createUserAndToken([]);
    expect(withoutScopes).toEqual({ user: { communicationUserId: expect.stringMatching(/^8:acs:/) } });
    const withScopes = await client.createUserAndToken(["chat.join", "voip.join"]);
    expect(tokenClaims(withScopes.token)).toMatchObject({ acsScope: "chat.join,voip.join", skypeid: withScopes.user.communicationUserId.slice(2) });
  });

  test("accepts lifetimes of exactly 60 and 1440 minutes", async () => {
    const client = identityClientFor(h);
    const shortest = await client.createUserAndToken(["voip"], { tokenExpiresInMinutes: 60 });
    const longest = await client.getToken(shortest.user, ["voip"], { tokenExpiresInMinutes: 1440 });
    for (const [{ token }, seconds] of [[shortest, 3600], [longest, 86_400]] as const) {
      const { exp, iat } = tokenClaims(token);
      expect(exp - iat).toBe(seconds);
    }
  });

  test("refuses a lifetime of 59 or 1441 minutes with 400 naming ExpiresInMinutes, and creates nobody", async () => {
    const client = identityClientFor(h);
    const user = await client.createUser();
    const tooLong = () => client.createUserAndToken(["voip"], { tokenExpiresInMinutes: 1441 });
    const tooShort = () => client.getToken(user, ["voip"], { tokenExpiresInMinutes: 59 });
    for (const [attempt, minutes] of [[tooLong, 1441], [tooShort, 59]] as const) {
      expect(await refusal(attempt())).toEqual({
        status: 400,
        error: { code: "ValidationError", message: `ExpiresInMinutes value ${minutes} is invalid. Value must be within the [60, 1440] interval.`, target: "ExpiresInMinutes" },
      });
    }
    expect((await h.control("GET", "/emulator/identities")).body).toEqual([expect.objectContaining({ rawId: user.communicationUserId })]);
  });

  test("refuses a scope the service does not know with 400 naming the field and the valid scopes, and creates nobody", async () => {
    const client = identityClientFor(h);
    expect(await refusal(client.createUserAndToken(["voip", "video" as "voip"]))).toEqual({
      status: 400,
      error: { code: "ValidationError", message: `CreateTokenWithScopes: 'video' is not a valid scope. Use ${VALID_SCOPES}.`, target: "CreateTokenWithScopes" },
    });
    expect((await h.control("GET", "/emulator/identities")).body).toEqual([]);
    const user = await client.createUser();
    expect(await refusal(client.getToken(user, ["chat", "Chat" as "chat"]))).toEqual({
      status: 400,
      error: { code: "ValidationError", message: `Scopes: 'Chat' is not a valid scope. Use ${VALID_SCOPES}.`, target: "Scopes" },
    });
  });

  test("answers 404 IdentityNotFound, naming the id, for a well-formed id the resource never created", async () => {
    const client = identityClientFor(h);
    const { communicationUserId } = await client.createUser();
    const stranger = { communicationUserId: `8:acs:${resourceOf(communicationUserId)}_00000000-0000-0000-0000-000000000000` };
    const message = `Identity ${stranger.communicationUserId} does not exist: it was never created on this resource or was deleted. Create one with createUser (POST /identities).`;
    for (const attempt of [() => client.getToken(stranger, ["voip"]), () => client.revokeTokens(stranger)]) {
      expect(await refusal(attempt())).toEqual({ status: 404, error: { code: "IdentityNotFound", message, target: "id" } });
    }
  });

  test("refuses an id that is not an ACS user's with 400, showing the form createUser returns", async () => {
    const client = identityClientFor(h);
    const { communicationUserId } = await client.createUser();
    const teamsUser = { communicationUserId: "8:orgid:4f3e6a2b-0000-0000-0000-000000000001" };
    const message = `The identity id '8:orgid:4f3e6a2b-0000-0000-0000-000000000001' is not valid: ACS user ids look like 8:acs:${resourceOf(communicationUserId)}_<guid>, as createUser returns them.`;
    for (const attempt of [() => client.getToken(teamsUser, ["voip"]), () => client.deleteUser(teamsUser)]) {
      expect(await refusal(attempt())).toEqual({ status: 400, error: { code: "ValidationError", message, target: "id" } });
    }
  });
});
