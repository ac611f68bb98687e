import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterEach, describe, expect, test, vi } from "vitest";
import { createCommunicationAccessKeyCredentialPolicy } from "@azure/communication-common";
import { createHttpHeaders, createPipelineRequest, type PipelineRequest } from "@azure/core-rest-pipeline";
import {
  DEFAULT_MAX_CLOCK_SKEW_MS,
  signHmacRequest,
  verifyHmacRequest,
  type AuthResult,
  type SignedRequest,
} from "../../emulator/http/auth.js";
import { WIRE_CAPTURE_FILE } from "../support/spec.js";

/** The key the wire capture was made with. */
const CAPTURE_KEY = Buffer.from("test-key-0123456789").toString("base64");
const KEY = Buffer.from("callsim-auth-test-key-000000000000").toString("base64");
const OTHER_KEY = Buffer.from("some-other-key").toString("base64");
const ENDPOINT = "http://127.0.0.1:39093";
const MINUTE = 60_000;


interface CaptureEntry {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

const captureEntries: CaptureEntry[] = (JSON.parse(readFileSync(WIRE_CAPTURE_FILE, "utf8")) as { log: CaptureEntry[] }).log;

/** Runs a request through the SDK's own signing policy and returns it as the emulator would receive it. */
async function signWithSdk(method: "GET" | "POST" | "DELETE", url: string, body?: string): Promise<SignedRequest> {
  const policy = createCommunicationAccessKeyCredentialPolicy({ key: KEY });
  let captured: PipelineRequest | undefined;
  await policy.sendRequest(createPipelineRequest({ url, method, body }), async (request) => {
    captured = request;
    return { request, status: 200, headers: createHttpHeaders() };
  });
  const wire = new URL(url);
  // core-rest-pipeline's Node client sends `${url.pathname}${url.search}` as the request target.
  return { method, url: `${wire.pathname}${wire.search}`, headers: captured!.headers.toJSON(), rawBody: body ?? "" };
}

function signed(
  method: string,
  pathAndQuery: string,
  body = "",
  date = new Date(),
  key = KEY,
): SignedRequest {
  const headers = signHmacRequest({ method, url: `${ENDPOINT}${pathAndQuery}`, body }, key, date);
  return { method, url: pathAndQuery, headers: { ...headers, "content-type": "application/json" }, rawBody: body };
}

function failure(result: AuthResult) {
  expect(result.ok).toBe(false);
  return result as Extract<AuthResult, { ok: false }>;
}

const CREATE_BODY = JSON.stringify({
  targets: [{ kind: "phoneNumber", rawId: "4:+14255550123", phoneNumber: { value: "+14255550123" } }],
  callbackUri: "https://app.example/cb",
});

describe("verifyHmacRequest against the SDK 1.6.0 wire capture", () => {
  test.each(captureEntries.map((entry) => [`${entry.method} ${entry.url}`, entry] as const))(
    "the captured signature of %s verifies",
    (_name, entry) => {
      const request: SignedRequest = {
        method: entry.method,
        url: entry.url,
        headers: entry.headers,
        rawBody: entry.body === undefined ? "" : JSON.stringify(entry.body),
      };
      expect(verifyHmacRequest(request, CAPTURE_KEY, Date.parse(entry.headers["x-ms-date"]))).toEqual({ ok: true });
    },
  );

  test("the captured requests fail with a different key", () => {
    const entry = captureEntries[0];
    const request = { method: entry.method, url: entry.url, headers: entry.headers, rawBody: JSON.stringify(entry.body) };
    expect(failure(verifyHmacRequest(request, KEY, Date.parse(entry.headers["x-ms-date"]))).reason).toBe("signatureMismatch");
  });
});

describe("verifyHmacRequest with requests signed by the SDK's policy", () => {
  test("a POST with a JSON body verifies", async () => {
    const request = await signWithSdk("POST", `${ENDPOINT}/calling/callConnections?api-version=2026-03-12`, CREATE_BODY);
    expect(request.headers.host).toBe("127.0.0.1:39093");
    expect(verifyHmacRequest(request, KEY, Date.now())).toEqual({ ok: true });
  });

  test("a GET with a percent-encoded rawId in the path verifies", async () => {
    const request = await signWithSdk(
      "GET",
      `${ENDPOINT}/calling/callConnections/abc/participants/4%3A%2B14255550123?api-version=2026-03-12`,
    );
    expect(request.url).toBe("/calling/callConnections/abc/participants/4%3A%2B14255550123?api-version=2026-03-12");
    expect(verifyHmacRequest(request, KEY, Date.now())).toEqual({ ok: true });
  });

  test("a DELETE without a body verifies", async () => {
    const request = await signWithSdk("DELETE", `${ENDPOINT}/calling/callConnections/abc?api-version=2026-03-12`);
    expect(request.headers["x-ms-content-sha256"]).toBe("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    expect(verifyHmacRequest(request, KEY, Date.now())).toEqual({ ok: true });
  });

  test("a query the SDK re-serialises (space, plus, bare key) verifies", async () => {
    const request = await signWithSdk("GET", `${ENDPOINT}/calling/recordings/r1?api-version=2026-03-12&q=a b+c&flag`);
    // On the wire the query is URL#search; the SDK signed URLSearchParams#toString().
    expect(request.url).toBe("/calling/recordings/r1?api-version=2026-03-12&q=a%20b+c&flag");
    expect(verifyHmacRequest(request, KEY, Date.now())).toEqual({ ok: true });
  });

  test("a default-port https endpoint verifies with a port-less host", async () => {
    const request = await signWithSdk("GET", "https://callsim.communication.azure.com:443/calling/callConnections/abc?api-version=2026-03-12");
    expect(request.headers.host).toBe("callsim.communication.azure.com");
    expect(verifyHmacRequest(request, KEY, Date.now())).toEqual({ ok: true });
  });

  test("a Buffer body hashes the same as its string", async () => {
    const request = await signWithSdk("POST", `${ENDPOINT}/calling/callConnections?api-version=2026-03-12`, "{\"x\":\"é\"}");
    expect(verifyHmacRequest({ ...request, rawBody: Buffer.from("{\"x\":\"é\"}", "utf8") }, KEY, Date.now())).toEqual({ ok: true });
  });
});

test("any path and query the SDK signs verifies, canonical or re-serialised", async () => {
  // Characters the SDK's URL and URLSearchParams keep, encode or rewrite: the verifier's
  // shortcut for already-canonical targets must agree with them on every one.
  const piece = fc.string({ unit: fc.constantFrom("a", "Z", "0", "-", "_", ".", ":", "=", "&", "%20", "+", "*", "~", "/", "%3A", "..", "é"), maxLength: 8 });
  await fc.assert(
    fc.asyncProperty(piece, piece, fc.boolean(), async (path, query, withQuery) => {
      const request = await signWithSdk("GET", `${ENDPOINT}/calling/${path}${withQuery ? `?api-version=2026-03-12&${query}` : ""}`);
      expect(verifyHmacRequest(request, KEY, Date.now())).toEqual({ ok: true });
    }),
    { seed: 5, numRuns: 500 },
  );
});

describe("verifyHmacRequest failure reasons", () => {
  const path = "/calling/callConnections?api-version=2026-03-12";

  test("a wrong key is signatureMismatch with a message naming the fix", () => {
    const result = failure(verifyHmacRequest(signed("POST", path, CREATE_BODY, new Date(), OTHER_KEY), KEY, Date.now()));
    expect(result.reason).toBe("signatureMismatch");
    expect(result.message).toContain("The request signature does not match.");
    expect(result.message).toContain("GET /emulator/info");
    expect(result.message).toContain("--loose");
    expect(result.expectedStringToSign).toMatch(/^POST\n\/calling\/callConnections\?api-version=2026-03-12\n.+;127\.0\.0\.1:39093;.+$/);
  });

  test("a body changed after signing is contentHashMismatch", () => {
    const request = signed("POST", path, CREATE_BODY);
    const result = failure(verifyHmacRequest({ ...request, rawBody: CREATE_BODY.replace("+1425", "+1999") }, KEY, Date.now()));
    expect(result.reason).toBe("contentHashMismatch");
    expect(result.message).toContain("does not match the request body");
  });

  test("a body and hash changed after signing is signatureMismatch", () => {
    const request = signed("POST", path, CREATE_BODY);
    const body = CREATE_BODY.replace("+1425", "+1999");
    const headers = { ...request.headers, "x-ms-content-sha256": createHash("sha256").update(body).digest("base64") };
    expect(failure(verifyHmacRequest({ ...request, headers, rawBody: body }, KEY, Date.now())).reason).toBe("signatureMismatch");
  });

  test.each([
    ["path", { url: "/calling/callConnections/other?api-version=2026-03-12" }],
    ["query", { url: "/calling/callConnections?api-version=2025-06-15" }],
    ["method", { method: "PUT" }],
  ] as const)("a changed %s is signatureMismatch", (_what, change) => {
    const request = { ...signed("POST", path, CREATE_BODY), ...change };
    expect(failure(verifyHmacRequest(request, KEY, Date.now())).reason).toBe("signatureMismatch");
  });

  test("a changed host is signatureMismatch", () => {
    const request = signed("POST", path, CREATE_BODY);
    const headers = { ...request.headers, host: "127.0.0.1:40000" };
    expect(failure(verifyHmacRequest({ ...request, headers }, KEY, Date.now())).reason).toBe("signatureMismatch");
  });

  test("a date 20 minutes old is staleDate", () => {
    // A whole second: x-ms-date carries no milliseconds, so the skew is exactly 20 minutes.
    const now = Math.floor(Date.now() / 1000) * 1000;
    const result = failure(verifyHmacRequest(signed("POST", path, CREATE_BODY, new Date(now - 20 * MINUTE)), KEY, now));
    expect(result.reason).toBe("staleDate");
    expect(result.message).toContain("20 minutes behind");
  });

  test("a date 20 minutes ahead is staleDate", () => {
    const now = Date.now();
    const result = failure(verifyHmacRequest(signed("POST", path, CREATE_BODY, new Date(now + 20 * MINUTE)), KEY, now));
    expect(result.reason).toBe("staleDate");
    expect(result.message).toContain("ahead of");
  });

  test("a date 14 minutes old is within the default skew", () => {
    const now = Date.now();
    expect(DEFAULT_MAX_CLOCK_SKEW_MS).toBe(15 * MINUTE);
    expect(verifyHmacRequest(signed("POST", path, CREATE_BODY, new Date(now - 14 * MINUTE)), KEY, now)).toEqual({ ok: true });
  });

  test("maxClockSkewMs narrows the accepted skew", () => {
    const now = Date.now();
    const request = signed("POST", path, CREATE_BODY, new Date(now - 2 * MINUTE));
    expect(failure(verifyHmacRequest(request, KEY, now, { maxClockSkewMs: MINUTE })).reason).toBe("staleDate");
  });

  test("a missing Authorization header is missingAuthorization", () => {
    const { authorization: _dropped, ...headers } = signed("POST", path, CREATE_BODY).headers;
    const result = failure(verifyHmacRequest({ ...signed("POST", path, CREATE_BODY), headers }, KEY, Date.now()));
    expect(result.reason).toBe("missingAuthorization");
    expect(result.message).toContain("--loose");
  });

  test("a missing x-ms-date header is missingDate", () => {
    const request = signed("POST", path, CREATE_BODY);
    const { "x-ms-date": _dropped, ...headers } = request.headers;
    expect(failure(verifyHmacRequest({ ...request, headers }, KEY, Date.now())).reason).toBe("missingDate");
  });

  test("an x-ms-date that is not an HTTP date is missingDate", () => {
    const request = signed("POST", path, CREATE_BODY);
    const headers = { ...request.headers, "x-ms-date": "yesterday" };
    const result = failure(verifyHmacRequest({ ...request, headers }, KEY, Date.now()));
    expect(result.reason).toBe("missingDate");
    expect(result.message).toContain("not an HTTP date");
  });

  test("a missing x-ms-content-sha256 header is contentHashMismatch", () => {
    const request = signed("POST", path, CREATE_BODY);
    const { "x-ms-content-sha256": _dropped, ...headers } = request.headers;
    const result = failure(verifyHmacRequest({ ...request, headers }, KEY, Date.now()));
    expect(result.reason).toBe("contentHashMismatch");
    expect(result.message).toContain("missing");
  });

  test("a Bearer token is unsupportedScheme", () => {
    const request = signed("POST", path, CREATE_BODY);
    const headers = { ...request.headers, authorization: "Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig" };
    const result = failure(verifyHmacRequest({ ...request, headers }, KEY, Date.now()));
    expect(result.reason).toBe("unsupportedScheme");
    expect(result.message).toContain("HMAC-SHA256");
    expect(result.message).toContain("--loose");
  });

  test.each([
    ["no parameters", "HMAC-SHA256"],
    ["no Signature", "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256"],
    ["a signature that is not a digest", "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=abc"],
    ["SignedHeaders without host", `HMAC-SHA256 SignedHeaders=x-ms-date;x-ms-content-sha256&Signature=${"A".repeat(43)}=`],
  ])("an Authorization header with %s is malformedAuthorization", (_what, authorization) => {
    const request = signed("POST", path, CREATE_BODY);
    const result = failure(verifyHmacRequest({ ...request, headers: { ...request.headers, authorization } }, KEY, Date.now()));
    expect(result.reason).toBe("malformedAuthorization");
  });
});

describe("verifyHmacRequest with other SDKs' signing variants", () => {
  function signManually(stringToSign: string): string {
    return createHmac("sha256", Buffer.from(KEY, "base64")).update(stringToSign).digest("base64");
  }

  test("a signature over the raw query as received verifies", () => {
    const date = new Date().toUTCString();
    const hash = createHash("sha256").update("").digest("base64");
    const url = "/calling/recordings/r1?api-version=2026-03-12&q=a%20b";
    const signature = signManually(`GET\n${url}\n${date};127.0.0.1:39093;${hash}`);
    const request: SignedRequest = {
      method: "GET",
      url,
      rawBody: "",
      headers: {
        host: "127.0.0.1:39093",
        "x-ms-date": date,
        "x-ms-content-sha256": hash,
        authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
      },
    };
    expect(verifyHmacRequest(request, KEY, Date.now())).toEqual({ ok: true });
  });

  test("a signature over the host without its port verifies", () => {
    const date = new Date().toUTCString();
    const hash = createHash("sha256").update("").digest("base64");
    const url = "/calling/callConnections/abc?api-version=2026-03-12";
    const signature = signManually(`GET\n${url}\n${date};127.0.0.1;${hash}`);
    const request: SignedRequest = {
      method: "get",
      url,
      rawBody: "",
      headers: {
        host: "127.0.0.1:39093",
        "x-ms-date": date,
        "x-ms-content-sha256": hash,
        authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
      },
    };
    expect(verifyHmacRequest(request, KEY, Date.now())).toEqual({ ok: true });
  });
});

describe("signHmacRequest", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test("its headers round-trip through verifyHmacRequest", () => {
    const date = new Date();
    const headers = signHmacRequest(
      { method: "post", url: `${ENDPOINT}/calling/callConnections/abc:terminate?api-version=2026-03-12` },
      KEY,
      date,
    );
    expect(Object.keys(headers).sort()).toEqual(["authorization", "host", "x-ms-content-sha256", "x-ms-date"]);
    const request = { method: "POST", url: "/calling/callConnections/abc:terminate?api-version=2026-03-12", headers, rawBody: "" };
    expect(verifyHmacRequest(request, KEY, date.getTime())).toEqual({ ok: true });
  });

  test("its signature is HMAC-SHA256 under keys of every length, longer than a SHA-256 block too", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 150, size: "max" }), fc.string({ unit: "grapheme", maxLength: 40 }), (keyBytes, body) => {
        const key = Buffer.from(keyBytes).toString("base64");
        const date = new Date();
        const headers = signHmacRequest({ method: "POST", url: `${ENDPOINT}/calling/callConnections?api-version=2026-03-12`, body }, key, date);
        const stringToSign = `POST\n/calling/callConnections?api-version=2026-03-12\n${headers["x-ms-date"]};${headers.host};${headers["x-ms-content-sha256"]}`;
        const expected = createHmac("sha256", Buffer.from(keyBytes)).update(stringToSign, "utf8").digest("base64");
        expect(headers.authorization).toBe(`HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${expected}`);
        expect(verifyHmacRequest({ method: "POST", url: "/calling/callConnections?api-version=2026-03-12", headers, rawBody: body }, key, date.getTime())).toEqual({ ok: true });
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  test("it produces the same headers as the SDK's policy", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-03-12T10:20:30Z") });
    const url = `${ENDPOINT}/calling/callConnections/abc/participants/4%3A%2B14255550123?api-version=2026-03-12&x=a b`;
    const fromSdk = await signWithSdk("POST", url, CREATE_BODY);
    const ours = signHmacRequest({ method: "POST", url, body: CREATE_BODY }, KEY);
    for (const [name, value] of Object.entries(ours)) expect(fromSdk.headers[name], name).toBe(value);
  });
});
