import { afterAll, describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/emulator.js";

// Entra's discovery paths, served for any tenant so that a webhook protected by Entra verifies
// Event Grid's tokens offline: a tenant's configuration and keys, v1.0 and v2.0, and nothing
// that only looks like them.
const emulator = createEmulator({ seed: 9, clock: "virtual", loose: true, selfCheck: "throw" });
afterAll(async () => {
  await emulator.close();
});
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

async function get(path: string) {
  const response = await emulator.handle({ method: "GET", url: path, headers: { host: "login.microsoftonline.com" }, rawBody: "", protocol: "https" });
  return { status: response.status, body: JSON.parse(String(response.body)) };
}

describe("Entra's discovery documents", () => {
  test.each([
    ["v1.0", `/${TENANT}/.well-known/openid-configuration`, `/${TENANT}/discovery/keys`],
    ["v2.0", `/${TENANT}/v2.0/.well-known/openid-configuration`, `/${TENANT}/discovery/v2.0/keys`],
  ])("%s: the tenant's configuration names its keys, which are served", async (_, configurationPath, keysPath) => {
    const configuration = await get(configurationPath);
    expect(configuration.status).toBe(200);
    expect(configuration.body.issuer).toContain(TENANT);
    const keys = await get(keysPath);
    expect(keys.status).toBe(200);
    expect(keys.body.keys.length).toBeGreaterThan(0);
    expect(keys.body.keys[0]).toMatchObject({ kty: "RSA", kid: expect.any(String) });
  });

  test.each([
    `/extra/${TENANT}/.well-known/openid-configuration`,
    `/${TENANT}/.well-known/openid-configuration/more`,
    `/${TENANT}/v3.0/.well-known/openid-configuration`,
    `/extra/${TENANT}/discovery/keys`,
    `/${TENANT}/discovery/keys/more`,
    `/${TENANT}/discovery/v3.0/keys`,
  ])("%s is no discovery path: 404", async (path) => {
    expect((await get(path)).status).toBe(404);
  });
});
