/**
 * An app that checks callback tokens by the docs' recipe (examples/secure-callbacks/app.ts),
 * behind a URL, explored: the explorer signs what it posts as callsim does and serves the keys,
 * so the app lets every callback in; unsigned, it refuses them and every order fails.
 */
import { CallAutomationClient } from "@azure/communication-call-automation";
import { decodeJwt } from "jose";
import { afterEach, describe, expect, test } from "vitest";
import { DEFAULT_ACCESS_KEY, DEFAULT_RESOURCE_ID } from "../../emulator/index.js";
import { explore } from "../../scenarios/explorer.js";
import { createHttpAppBinding } from "../../scenarios/explorerHttp.js";
import { createSecureCallbacks } from "../../examples/secure-callbacks/app.js";
import { listenFetch } from "../../examples/secure-callbacks/nodeServer.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** The app: POST /start places a call; POST /events is the secure endpoint, keys found at callsim's URL. */
async function exploreSecureApp(signCallbacks?: boolean) {
  let endpoint = "";
  const tokens: string[] = [];
  let secure: ReturnType<typeof createSecureCallbacks> | undefined;
  let client: CallAutomationClient | undefined;
  const app = await listenFetch(async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/start") {
      void client!.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, `${app.url}/events`).catch(() => undefined);
      return new Response(null, { status: 202 });
    }
    if (path !== "/events") return new Response(null, { status: 404 });
    const authorization = request.headers.get("authorization");
    if (authorization) tokens.push(authorization.slice("Bearer ".length));
    secure ??= createSecureCallbacks({ audience: DEFAULT_RESOURCE_ID, openIdConfigurationUrl: `${endpoint}/calling/.well-known/acsopenidconfiguration` });
    return secure.fetch(request);
  });
  closers.push(app.close);
  const server = await createHttpAppBinding({ callbackUrl: `${app.url}/events`, startUrl: `${app.url}/start`, ...(signCallbacks === undefined ? {} : { signCallbacks }) }, { port: 0 });
  closers.push(server.close);
  endpoint = server.endpoint;
  client = new CallAutomationClient(server.connectionString(DEFAULT_ACCESS_KEY), { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } });
  await server.ready();
  const result = await explore({ app: server.binding, seed: 5, maxRuns: 3, samples: 0, shrinkRuns: 0 });
  return { result, tokens };
}

describe("exploring an app that checks callback tokens", () => {
  test("passes: every callback the explorer posts carries a token the app verifies, made on the wall clock", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { result, tokens } = await exploreSecureApp();
    expect(result.failures, result.summary).toBe(0);
    expect(result.runs).toBeGreaterThanOrEqual(1);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(decodeJwt(tokens[0]).iat).toBeGreaterThanOrEqual(before);
  });

  test("fails every order when the explorer is told not to sign, as the app refuses the callbacks", async () => {
    const { result, tokens } = await exploreSecureApp(false);
    expect(tokens).toEqual([]);
    expect(result.failure?.reason).toMatch(/answered 401/);
  });
});
