import { CommunicationIdentityClient } from "@azure/communication-identity";
import { afterAll, describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/emulator.js";

// What Identity and Rooms answer on the resource's endpoint beyond the operations themselves:
// the request body reaching the operation, answers without a body, repeatable requests.
const emulator = createEmulator({ seed: 5, clock: "virtual", loose: true, selfCheck: "throw" });
afterAll(() => emulator.close());

async function send(method: string, url: string, rawBody = "", headers: Record<string, string> = {}) {
  const response = await emulator.handle({ method, url, headers: { host: "callsim.test", ...headers }, rawBody, protocol: "http" });
  return { status: response.status, headers: response.headers, body: response.body === undefined ? undefined : JSON.parse(String(response.body)) };
}
const repeatable = (id: string) => ({ "repeatability-request-id": id, "repeatability-first-sent": new Date().toUTCString() });

describe("Identity", () => {
  test("the request body reaches the operation: a user created with scopes comes with a token", async () => {
    const client = new CommunicationIdentityClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
    const { user, token } = await client.createUserAndToken(["chat"]);
    expect(user.communicationUserId).toMatch(/^8:acs:/);
    expect(token).toEqual(expect.any(String));
  });

  test("a deleted user is 204 with no body and no content type", async () => {
    const created = await send("POST", "/identities?api-version=2023-10-01", "{}");
    const deleted = await send("DELETE", `/identities/${encodeURIComponent(created.body.identity.id)}?api-version=2023-10-01`);
    expect(deleted).toEqual({ status: 204, headers: {}, body: undefined });
  });
});

describe("Rooms' repeatable create", () => {
  test("a Repeatability-Request-ID that is no UUID is refused, and the answer says it was rejected", async () => {
    const refused = await send("POST", "/rooms?api-version=2024-04-15", "{}", repeatable("not-a-uuid"));
    expect(refused.status).toBe(400);
    expect(refused.headers).toMatchObject({ "repeatability-result": "rejected", "x-ms-error-code": "InvalidRepeatabilityHeaders" });
  });

  test("a reset forgets remembered creates: the same request creates another room", async () => {
    const headers = repeatable("5f2504e0-4f89-41d3-9a0c-0305e82c3301");
    const first = await send("POST", "/rooms?api-version=2024-04-15", "{}", headers);
    expect((await send("POST", "/rooms?api-version=2024-04-15", "{}", headers)).body.id).toBe(first.body.id);
    expect((await send("POST", "/emulator/reset")).status).toBeLessThan(300);
    const after = await send("POST", "/rooms?api-version=2024-04-15", "{}", headers);
    expect(after.status).toBe(201);
    expect(after.body.id).not.toBe(first.body.id);
  });
});
