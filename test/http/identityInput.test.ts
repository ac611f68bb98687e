import { describe, expect, test } from "vitest";
import { signedRequest } from "../support/directoryClients.js";
import { useHarness } from "../support/harness.js";

/**
 * Identity requests the official SDK refuses to send (it checks types before serializing):
 * callsim must answer them as the service does, 400 naming the field, and create nothing.
 */
const API = "api-version=2023-10-01";
const ARRAY_OF_SCOPES = "must be an array of scopes (chat, voip, chat.join, chat.join.limited, voip.join).";

describe("Identity input the SDK cannot send", () => {
  const h = useHarness({ transport: "direct" });

  /** A user of the resource, made by a raw create. */
  async function createUser(): Promise<string> {
    const created = await signedRequest(h, "POST", `/identities?${API}`, {});
    expect(created.status).toBe(201);
    return created.body.identity.id;
  }

  test.each([
    ["a string", "voip"],
    ["an object", { voip: true }],
    ["an array with a number", ["voip", 1]],
    ["an array with null", [null]],
  ])("refuses scopes given as %s with 400 ValidationError naming the field, creating nobody", async (_, scopes) => {
    const onCreate = await signedRequest(h, "POST", `/identities?${API}`, { createTokenWithScopes: scopes });
    expect(onCreate).toMatchObject({ status: 400, body: { error: { code: "ValidationError", message: `CreateTokenWithScopes: ${ARRAY_OF_SCOPES}`, target: "CreateTokenWithScopes" } } });
    expect((await h.control("GET", "/emulator/identities")).body).toEqual([]);
    const id = await createUser();
    const onIssue = await signedRequest(h, "POST", `/identities/${id}/:issueAccessToken?${API}`, { scopes });
    expect(onIssue).toMatchObject({ status: 400, body: { error: { code: "ValidationError", message: `Scopes: ${ARRAY_OF_SCOPES}`, target: "Scopes" } } });
  });

  test("refuses a token request without scopes with 400 'Scopes: The Scopes field is required.'", async () => {
    const id = await createUser();
    for (const body of [{}, { scopes: null, expiresInMinutes: 60 }]) {
      const answer = await signedRequest(h, "POST", `/identities/${id}/:issueAccessToken?${API}`, body);
      expect(answer).toMatchObject({ status: 400, body: { error: { code: "ValidationError", message: "Scopes: The Scopes field is required.", target: "Scopes" } } });
    }
  });

  test.each([
    ["a string", "60"],
    ["a fraction", 60.5],
  ])("refuses a lifetime given as %s with 400 naming ExpiresInMinutes", async (_, expiresInMinutes) => {
    const answer = await signedRequest(h, "POST", `/identities?${API}`, { createTokenWithScopes: ["voip"], expiresInMinutes });
    expect(answer).toMatchObject({
      status: 400,
      body: { error: { code: "ValidationError", message: `ExpiresInMinutes value ${expiresInMinutes} is invalid. Value must be within the [60, 1440] interval.`, target: "ExpiresInMinutes" } },
    });
  });

  // expiresInMinutes came with 2022-10-01: an older request's lifetime is not read, so it can be
  // no fault either, and its tokens last the default 24 hours.
  test.each([
    ["2021-03-07", 24 * 60],
    ["2022-06-01", 24 * 60],
    ["2022-10-01", 60],
  ])("at api-version %s a token asked for 60 minutes lasts %i minutes", async (version, minutes) => {
    const now = h.emulator.now();
    const created = await signedRequest(h, "POST", `/identities?api-version=${version}`, { createTokenWithScopes: ["voip"], expiresInMinutes: 60 });
    expect(Date.parse(created.body.accessToken.expiresOn) - now).toBe(minutes * 60_000);
    const issued = await signedRequest(h, "POST", `/identities/${created.body.identity.id}/:issueAccessToken?api-version=${version}`, { scopes: ["chat"], expiresInMinutes: 60 });
    expect(Date.parse(issued.body.expiresOn) - now).toBe(minutes * 60_000);
    const oddLifetime = await signedRequest(h, "POST", `/identities?api-version=${version}`, { createTokenWithScopes: ["voip"], expiresInMinutes: "an hour" });
    expect(oddLifetime.status).toBe(minutes === 60 ? 400 : 201);
  });

  test.each([
    ["Token", {}],
    ["Token", { token: 7, appId: "app-1", userId: "user-1" }],
    ["AppId", { token: "x.y.z", userId: "user-1" }],
    ["AppId", { token: "x.y.z", appId: null, userId: "user-1" }],
    ["UserId", { token: "x.y.z", appId: "app-1" }],
    ["UserId", { token: "x.y.z", appId: "app-1", userId: ["user-1"] }],
  ])("refuses a Teams token exchange without a string %s with 400 '<field>: The <field> field is required.'", async (field, body) => {
    const answer = await signedRequest(h, "POST", `/teamsUser/:exchangeAccessToken?${API}`, body);
    expect(answer).toMatchObject({ status: 400, body: { error: { code: "ValidationError", message: `${field}: The ${field} field is required.`, target: field } } });
  });
});
