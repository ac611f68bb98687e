import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { getResponse } from "msw";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { DEFAULT_ACCESS_KEY } from "../../emulator/emulator.js";
import { signHmacRequest } from "../../emulator/http/auth.js";
import { BODY_LIMIT_BYTES, createFastifyTransport } from "../../emulator/http/fastify.js";
import { createMswHandlers } from "../../emulator/http/msw.js";
import type { RouteRequest, RouteResponse } from "../../emulator/http/routes.js";
import { createSdkHttpClient } from "../../emulator/http/sdkHttpClient.js";
import { createLocalCertificate } from "../../emulator/http/tls.js";
import { startHarness, type Harness } from "../support/harness.js";

// The transports translate and decide nothing: what the route table answers reaches the client
// byte for byte, headers and status included, and the request reaches the table as sent.
const BYTES = Uint8Array.from({ length: 64 }, (_, i) => i);
/** A route table that echoes what it got and answers binary, ranged and headed responses. */
function echoTable(seen: RouteRequest[]) {
  return (request: RouteRequest): RouteResponse | Promise<RouteResponse> => {
    seen.push(request);
    if (request.url.startsWith("/bytes")) return { status: 206, headers: { "content-type": "audio/wav", "Content-Range": "bytes 8-15/64" }, body: BYTES.subarray(8, 16) };
    if (request.url.startsWith("/later")) return Promise.resolve({ status: 202, headers: { "x-later": "yes" }, body: "{}" });
    if (request.url.startsWith("/empty")) return { status: 204, headers: {} };
    return { status: 200, headers: { "content-type": "application/json", "x-echo": ` ${request.method} ` }, body: JSON.stringify({ url: request.url, body: request.rawBody, protocol: request.protocol }) };
  };
}

describe("the fastify transport", () => {
  const seen: RouteRequest[] = [];
  // Made in each test, not when the file loads: a change to how it is made shows in the test's answers.
  let app: ReturnType<typeof createFastifyTransport>;
  beforeEach(() => {
    app = createFastifyTransport(echoTable(seen));
  });
  afterEach(async () => {
    await app.close();
  });

  test("hands over the target as sent, the raw body of any content type, and the scheme", async () => {
    const body = '{ "b": 1,  "a": 2 }';
    const response = await app.inject({ method: "POST", url: "/calling/x%3Ay?api-version=2026-03-12&q=a%20b", payload: body, headers: { "content-type": "text/weird" } });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ url: "/calling/x%3Ay?api-version=2026-03-12&q=a%20b", body, protocol: "http" });
    expect(seen.at(-1)!.headers["content-type"]).toBe("text/weird");
  });

  test("hands over a body sent with no content type, at any path", async () => {
    const response = await app.inject({ method: "PUT", url: "/any/where/at/all", payload: "plain bytes", headers: { "content-type": undefined } });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ url: "/any/where/at/all", body: "plain bytes" });
  });

  test("a request without a body hands over an empty one", async () => {
    await app.inject({ method: "GET", url: "/calling/x" });
    expect(seen.at(-1)!.rawBody).toBe("");
  });

  test("sends the bytes of a part of a buffer, not the buffer around it", async () => {
    const response = await app.inject({ method: "GET", url: "/bytes" });
    expect(response.statusCode).toBe(206);
    expect([...response.rawPayload]).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    expect(response.headers["content-range"]).toBe("bytes 8-15/64");
  });

  test("waits for an answer the table gives later", async () => {
    const response = await app.inject({ method: "POST", url: "/later" });
    expect(response.statusCode).toBe(202);
    expect(response.headers["x-later"]).toBe("yes");
  });

  test("refuses a body over the limit with 413 in the service's error shape", async () => {
    const response = await app.inject({ method: "POST", url: "/calling/x", payload: "x".repeat(BODY_LIMIT_BYTES + 1), headers: { "content-type": "application/json" } });
    expect(response.statusCode).toBe(413);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(response.body)).toEqual({ error: { code: "RequestEntityTooLarge", message: `The request body is larger than ${BODY_LIMIT_BYTES} bytes.` } });
  });

  test("answers a request fastify itself refuses with 400 in the service's error shape", async () => {
    const response = await app.inject({ method: "POST", url: "/calling/x", payload: "abc", headers: { "content-type": "application/json", "content-length": "1" } });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).error).toMatchObject({ code: "8523" });
  });

  test("answers a table that throws with 500 in the service's error shape", async () => {
    const failing = createFastifyTransport(() => {
      throw new Error("boom");
    });
    const response = await failing.inject({ method: "GET", url: "/x" });
    await failing.close();
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body).error).toEqual({ code: "InternalServerError", message: "callsim failed unexpectedly: boom. This is a callsim bug; please report it with the request that caused it." });
  });

  test("answers an error that carries status 500 as callsim's own failure, not the client's", async () => {
    const failing = createFastifyTransport(() => {
      throw Object.assign(new Error("broke inside"), { statusCode: 500 });
    });
    const response = await failing.inject({ method: "GET", url: "/x" });
    await failing.close();
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body).error.code).toBe("InternalServerError");
  });

  test("refuses, when it starts, a route that declares a fastify schema: the route table checks requests", async () => {
    const schemed = createFastifyTransport(echoTable(seen));
    schemed.post("/schemed", { schema: { body: { type: "object" } } }, async () => "never");
    await expect(schemed.ready()).rejects.toThrow("callsim's fastify routes declare no schemas: requests are checked by the route table against the REST spec.");
    await schemed.close().catch(() => undefined);
  });

  test("with TLS, tells the table the scheme is https", async () => {
    const certificate = await createLocalCertificate({ dir: mkdtempSync(join(tmpdir(), "callsim-transport-tls-")) });
    const tls = createFastifyTransport(echoTable(seen), { https: { key: certificate.keyPem, cert: certificate.certPem } });
    const response = await tls.inject({ method: "GET", url: "/calling/x" });
    await tls.close();
    expect(JSON.parse(response.body).protocol).toBe("https");
  });
});

describe("the msw handlers", () => {
  const seen: RouteRequest[] = [];
  const handlers = createMswHandlers(async (request) => echoTable(seen)(request));

  test("intercept an ACS endpoint and the recording storage hosts, with or without a port", async () => {
    for (const url of ["https://r1.communication.azure.com/calling/x", "https://r1.eu.communication.azure.com:8443/calling/x", "http://r1.communication.azure.com/calling/x", "https://us-storage.asm.skype.com/v1/objects/d"]) {
      const response = await getResponse(handlers, new Request(url));
      expect(response?.status, url).toBe(200);
    }
  });

  test("leave every other host alone", async () => {
    for (const url of ["https://example.com/calling/x", "https://communication.azure.com.evil.test/x", "https://r1.communication.azure.community/x", "https://x.asm.skype.com.evil.test/x", "https://app.example/proxy/https://r1.communication.azure.com/calling/x"]) {
      expect(await getResponse(handlers, new Request(url)), url).toBeUndefined();
    }
  });

  test("hand over the target, host, scheme and raw body, and return status, headers and bytes", async () => {
    const response = await getResponse(handlers, new Request("https://r1.communication.azure.com/calling/a%3Ab?api-version=2026-03-12", { method: "POST", body: "raw body" }));
    expect(await response!.json()).toEqual({ url: "/calling/a%3Ab?api-version=2026-03-12", body: "raw body", protocol: "https" });
    expect(seen.at(-1)!.headers.host).toBe("r1.communication.azure.com");
    const bytes = await getResponse(handlers, new Request("https://r1.communication.azure.com/bytes"));
    expect(bytes!.status).toBe(206);
    expect([...new Uint8Array(await bytes!.arrayBuffer())]).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    const empty = await getResponse(handlers, new Request("https://r1.communication.azure.com/empty"));
    expect(empty!.status).toBe(204);
  });

  test("intercept only the hosts they are given", async () => {
    const own = createMswHandlers(async (request) => echoTable(seen)(request), /^https:\/\/callsim\.test\//);
    expect((await getResponse(own, new Request("https://callsim.test/x")))?.status).toBe(200);
    expect(await getResponse(own, new Request("https://r1.communication.azure.com/x"))).toBeUndefined();
  });
});

describe("the direct SDK httpClient's responses", () => {
  const seen: RouteRequest[] = [];
  const client = createSdkHttpClient(async (request) => echoTable(seen)(request));
  const send = (url: string, extra: Record<string, unknown> = {}) => client.sendRequest(createPipelineRequest({ url, method: "POST", headers: createHttpHeaders({ Host: "given.test" }), body: "sent", ...extra }));

  test("keep header values trimmed without line breaks, their names as set, case aside on lookup", async () => {
    const response = await send("https://r1.communication.azure.com/calling/x");
    expect(response.headers.get("X-ECHO")).toBe("POST");
    expect(response.headers.has("x-Echo")).toBe(true);
    expect(response.headers.has("x-other")).toBe(false);
    expect(response.headers.get("x-other")).toBeUndefined();
    response.headers.set("X-Added", 5);
    expect(response.headers.toJSON({ preserveCase: true })).toEqual({ "content-type": "application/json", "x-echo": "POST", "X-Added": "5" });
    expect([...response.headers]).toEqual([["content-type", "application/json"], ["x-echo", "POST"], ["X-Added", "5"]]);
    response.headers.delete("X-ECHO");
    expect(response.headers.toJSON()).toEqual({ "content-type": "application/json", "x-added": "5" });
  });

  test("drop line breaks from header values, as the SDK's own headers do", async () => {
    const folding = createSdkHttpClient(async () => ({ status: 200, headers: { "x-folded": "a\r\n b\n" }, body: "" }));
    const response = await folding.sendRequest(createPipelineRequest({ url: "https://r1.communication.azure.com/x", method: "GET" }));
    expect(response.headers.get("x-folded")).toBe("a b");
  });

  test("hand over the host the request names, and a string body", async () => {
    await send("https://r1.communication.azure.com/calling/x");
    expect(seen.at(-1)).toMatchObject({ headers: { host: "given.test" }, rawBody: "sent", protocol: "https" });
    await send("https://r1.communication.azure.com/calling/x", { body: undefined, headers: createHttpHeaders() });
    expect(seen.at(-1)).toMatchObject({ headers: { host: "r1.communication.azure.com" }, rawBody: "" });
  });

  test("stream a body the SDK asks to stream, bytes or text, and give text otherwise", async () => {
    const streamed = await send("https://r1.communication.azure.com/bytes", { streamResponseStatusCodes: new Set([206]) });
    const chunks: Buffer[] = [];
    for await (const chunk of streamed.readableStreamBody!) chunks.push(Buffer.from(chunk as Buffer));
    expect([...Buffer.concat(chunks)]).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    expect(streamed.bodyAsText).toBeUndefined();
    const asText = await send("https://r1.communication.azure.com/bytes");
    expect(asText.bodyAsText).toBe(new TextDecoder().decode(BYTES.subarray(8, 16)));
    const empty = await send("https://r1.communication.azure.com/empty", { streamResponseStatusCodes: new Set([200]) });
    expect(empty.bodyAsText).toBe("");
    expect(empty.readableStreamBody).toBeUndefined();
  });
});

describe("every transport over the real route table", () => {
  let server: Harness;
  beforeAll(async () => {
    server = await startHarness({ transport: "server" });
  });
  afterAll(async () => {
    await server.close();
  });

  test("the server answers a signed request the way the table does", async () => {
    const url = `${server.url}/calling/callConnections/nope?api-version=2026-03-12`;
    const response = await fetch(url, { headers: signHmacRequest({ method: "GET", url }, DEFAULT_ACCESS_KEY) });
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe("8522");
  });
});
