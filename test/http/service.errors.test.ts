import { createHash, createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { API_VERSIONS } from "../../contracts/apiVersions.js";
import { DEFAULT_ACCESS_KEY } from "../../emulator/emulator.js";
import { startHarness, type Harness } from "../support/harness.js";

let h: Harness;
let loose: Harness;
beforeAll(async () => {
  h = await startHarness();
  loose = await startHarness({ loose: true });
});
afterAll(async () => {
  await h.close();
  await loose.close();
});

/** Signs like the SDK (CONTRACT.md §6); `tamper` changes one ingredient after signing. */
function signed(base: string, method: string, pathAndQuery: string, body = "", tamper: { key?: string; date?: Date; hashOf?: string } = {}) {
  const url = new URL(base + pathAndQuery);
  const date = (tamper.date ?? new Date()).toUTCString();
  const hash = createHash("sha256").update(tamper.hashOf ?? body).digest("base64");
  const toSign = `${method}\n${url.pathname}${url.search}\n${date};${url.host};${hash}`;
  const signature = createHmac("sha256", Buffer.from(tamper.key ?? DEFAULT_ACCESS_KEY, "base64")).update(toSign).digest("base64");
  return fetch(url, {
    method,
    body: body || undefined,
    headers: {
      "content-type": "application/json",
      "x-ms-date": date,
      "x-ms-content-sha256": hash,
      authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
    },
  });
}

async function errorOf(response: Response) {
  const body = await response.json();
  expect(Object.keys(body)).toEqual(["error"]);
  expect(typeof body.error.code).toBe("string");
  expect(typeof body.error.message).toBe("string");
  return { status: response.status, ...body.error };
}

const createBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ targets: [{ communicationUser: { id: "8:acs:r_u1" } }], callbackUri: "https://app.example/cb", ...extra });

describe("api-version", () => {
  test("refuses a request without api-version with 400 MissingApiVersionParameter", async () => {
    const error = await errorOf(await signed(h.url, "POST", "/calling/callConnections", createBody()));
    expect(error).toMatchObject({ status: 400, code: "MissingApiVersionParameter" });
  });

  test("refuses an unknown api-version with 400 UnsupportedApiVersion listing the supported ones", async () => {
    const error = await errorOf(await signed(h.url, "POST", "/calling/callConnections?api-version=2021-01-01", createBody()));
    expect(error).toMatchObject({ status: 400, code: "UnsupportedApiVersion" });
    expect(error.message).toMatch(/2026-03-12/);
  });

  test.each(API_VERSIONS)("accepts api-version %s and stamps it on the call's events", async (version) => {
    const response = await signed(h.url, "POST", `/calling/callConnections?api-version=${version}`, createBody({ callbackUri: h.callbackUri }));
    expect(response.status).toBe(201);
    const { callConnectionId } = await response.json();
    const connected = await h.receiver.waitFor((e) => e.type.endsWith("CallConnected") && e.data.callConnectionId === callConnectionId, "CallConnected");
    expect(connected.data.version).toBe(version);
  });
  test("answers an operation the request's api-version does not have with 404 naming the first version that has it", async () => {
    const created = await signed(h.url, "POST", "/calling/callConnections?api-version=2026-03-12", createBody({ callbackUri: h.callbackUri }));
    const { callConnectionId } = await created.json();
    const body = JSON.stringify({ targetParticipant: { rawId: "8:acs:r_u1" } });
    const error = await errorOf(await signed(h.url, "POST", `/calling/callConnections/${callConnectionId}:hold?api-version=2024-04-15`, body));
    expect(error).toMatchObject({ status: 404, code: "NotFound", target: "api-version" });
    expect(error.message).toBe("CallMedia_Hold is not part of api-version 2024-04-15: it is served from api-version 2024-09-15 on. Use an SDK that sends 2024-09-15 or newer.");
  });
});

describe("HMAC authentication", () => {
  const path = "/calling/callConnections?api-version=2026-03-12";

  test("refuses a signature made with another key with 401", async () => {
    const error = await errorOf(await signed(h.url, "POST", path, createBody(), { key: Buffer.from("another key").toString("base64") }));
    expect(error).toMatchObject({ status: 401, code: "Denied" });
    expect(error.message).toMatch(/connection string|--loose/);
  });

  test("refuses a stale x-ms-date with 401", async () => {
    const error = await errorOf(await signed(h.url, "POST", path, createBody(), { date: new Date(Date.now() - 60 * 60_000) }));
    expect(error.status).toBe(401);
  });

  test("refuses a body that does not match its content hash with 401", async () => {
    const error = await errorOf(await signed(h.url, "POST", path, createBody(), { hashOf: "{}" }));
    expect(error.status).toBe(401);
  });

  test("refuses an unsigned request with 401, and accepts it with --loose", async () => {
    const init = { method: "POST", body: createBody(), headers: { "content-type": "application/json" } };
    expect((await errorOf(await fetch(h.url + path, init))).status).toBe(401);
    expect((await fetch(loose.url + path, init)).status).toBe(201);
  });
});

describe("bad input", () => {
  const path = "/calling/callConnections?api-version=2026-03-12";

  test("answers malformed JSON with 400", async () => {
    const error = await errorOf(await signed(h.url, "POST", path, "{not json"));
    expect(error).toMatchObject({ status: 400, code: "8523" });
    expect(error.message).toMatch(/not valid JSON/);
  });

  test("answers a missing required field with 400 naming it", async () => {
    const error = await errorOf(await signed(h.url, "POST", path, JSON.stringify({ targets: [{ communicationUser: { id: "8:acs:r_u1" } }] })));
    expect(error).toMatchObject({ status: 400, target: "callbackUri" });
    expect(error.message).toMatch(/callbackUri/);
  });

  test("answers a wrong enum value with 400 naming the field", async () => {
    const error = await errorOf(await signed(h.url, "POST", "/calling/callConnections:reject?api-version=2026-03-12", JSON.stringify({ incomingCallContext: "x", callRejectReason: "nope" })));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/callRejectReason/);
  });

  test("answers an unknown path with 404 and an unknown method with 405, in the error shape", async () => {
    expect((await errorOf(await signed(h.url, "GET", "/calling/nothing?api-version=2026-03-12"))).status).toBe(404);
    expect((await errorOf(await signed(h.url, "PUT", "/calling/callConnections/abc?api-version=2026-03-12", "{}"))).status).toBe(405);
  });

  test("answers 404 for an unknown callConnectionId", async () => {
    const error = await errorOf(await signed(h.url, "GET", "/calling/callConnections/nope?api-version=2026-03-12"));
    expect(error).toMatchObject({ status: 404, code: "8522" });
  });

  test("answers a repeated request with the first answer and no second call", async () => {
    const headers = { "repeatability-request-id": "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "repeatability-first-sent": new Date().toUTCString() };
    const send = () => fetch(loose.url + path, { method: "POST", body: createBody(), headers: { "content-type": "application/json", ...headers } });
    const first = await (await send()).json();
    const second = await (await send()).json();
    expect(second.callConnectionId).toBe(first.callConnectionId);
    const calls = await loose.control("GET", "/emulator/calls");
    expect(calls.body.filter((c: any) => c.connections[0]?.callConnectionId === first.callConnectionId)).toHaveLength(1);
    const bad = await fetch(loose.url + path, { method: "POST", body: createBody(), headers: { "content-type": "application/json", "repeatability-request-id": "not-a-uuid", "repeatability-first-sent": new Date().toUTCString() } });
    expect((await errorOf(bad)).status).toBe(400);
  });

  test("refuses a body over 1 MiB with 413", async () => {
    const big = createBody({ operationContext: "x".repeat(1024 * 1024 + 10) });
    const response = await fetch(loose.url + path, { method: "POST", body: big, headers: { "content-type": "application/json" } });
    expect((await errorOf(response)).status).toBe(413);
  });
});
