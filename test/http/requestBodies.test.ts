import { afterAll, describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/emulator.js";

// How Call Automation reads a request's body before the operation runs: no body where one is
// required, and the fields an app misspells, which only a strict emulator refuses.
const lenient = createEmulator({ seed: 6, clock: "virtual", loose: true, selfCheck: "throw" });
const strict = createEmulator({ seed: 6, clock: "virtual", loose: true, strict: true, selfCheck: "throw" });
afterAll(async () => {
  await lenient.close();
  await strict.close();
});

const CREATE = "/calling/callConnections?api-version=2026-03-12";
async function post(emulator: typeof lenient, rawBody: string) {
  const response = await emulator.handle({ method: "POST", url: CREATE, headers: { host: "callsim.test", "content-type": "application/json" }, rawBody, protocol: "http" });
  return { status: response.status, body: JSON.parse(String(response.body)) };
}

describe("Call Automation's request bodies", () => {
  test("no body where one is required is answered as a missing body, not as broken JSON", async () => {
    const response = await post(lenient, "");
    expect(response.status).toBe(400);
    expect(response.body.error.message).toBe("The request body is required: this operation takes a JSON object. DiagCode: 400#8523.@");
  });

  test("a misspelt field is refused, naming it, only by a strict emulator", async () => {
    const body = JSON.stringify({ targets: [{ communicationUser: { id: "8:acs:r_u1" } }], callbackUri: "https://app.test/cb", operationContxt: "ctx" });
    const refused = await post(strict, body);
    expect(refused.status).toBe(400);
    expect(refused.body.error.target).toBe("operationContxt");
    expect((await post(lenient, body)).status).toBe(201);
  });
});

describe("a request path with a broken percent-encoding", () => {
  // decodeURIComponent throws on "%A" at the end: the id is taken as written, so the answer is
  // what the operation says of an id it does not know or cannot read, not a 500 blaming callsim.
  test.each([
    ["Call Automation", "/calling/callConnections/%E0%A4%A?api-version=2026-03-12", 404],
    ["Identity", "/identities/%E0%A4%A?api-version=2023-10-01", 400],
  ])("%s answers as for any id it does not know or cannot read", async (_, url, status) => {
    const response = await lenient.handle({ method: url.startsWith("/identities") ? "DELETE" : "GET", url, headers: { host: "callsim.test" }, rawBody: "", protocol: "http" });
    expect(response.status).toBe(status);
    expect(JSON.parse(String(response.body)).error.message).toContain("%E0%A4%A");
  });
});
