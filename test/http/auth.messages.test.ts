import { createHash, createHmac } from "node:crypto";
import { describe, expect, test } from "vitest";
import { signHmacRequest, verifyHmacRequest, type AuthResult, type SignedRequest } from "../../emulator/http/auth.js";

// What a hand-written client reads when its signing is wrong: the reason and a message that names
// the fix, for the SDK's own header and for the header forms other ACS SDKs send.
const KEY = Buffer.from("callsim-auth-messages-key-0000000000").toString("base64");
const ENDPOINT = "http://127.0.0.1:39095";
const PATH = "/calling/callConnections?api-version=2026-03-12";
const BODY = JSON.stringify({ callbackUri: "https://app.example/cb", targets: [] });
const EMPTY_HASH = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
const NOW = Date.parse("2026-03-12T10:00:00Z");
const NOW_TEXT = "Thu, 12 Mar 2026 10:00:00 GMT";
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const FIX_KEY = "Sign with the access key in the emulator's connection string (GET /emulator/info), or start callsim with --loose to accept unsigned requests.";

function signed(date = new Date(NOW), body = BODY, path = PATH): SignedRequest {
  return { method: "POST", url: path, headers: signHmacRequest({ method: "POST", url: `${ENDPOINT}${path}`, body }, KEY, date), rawBody: body };
}

function failure(result: AuthResult) {
  expect(result.ok).toBe(false);
  return result as Extract<AuthResult, { ok: false }>;
}

function withHeaders(request: SignedRequest, headers: Record<string, string | undefined>): SignedRequest {
  return { ...request, headers: { ...request.headers, ...headers } };
}

/** base64 HMAC-SHA256 of `stringToSign` under KEY, as any client computes it. */
function hmac(stringToSign: string): string {
  return createHmac("sha256", Buffer.from(KEY, "base64")).update(stringToSign).digest("base64");
}

/** A GET signed by hand over `signedHeaders` (values from `headers`, in that order), sent with `authorization`. */
function handSigned(options: { url?: string; signedHeaders?: string[]; headers?: Record<string, string>; signedPath?: string; authorization?: (signature: string) => string }): SignedRequest {
  const url = options.url ?? "/calling/callConnections/abc?api-version=2026-03-12";
  const headers = options.headers ?? { "x-ms-date": NOW_TEXT, host: "127.0.0.1:39095", "x-ms-content-sha256": EMPTY_HASH };
  const names = options.signedHeaders ?? Object.keys(headers);
  const signature = hmac(`GET\n${options.signedPath ?? url}\n${names.map((name) => headers[name]).join(";")}`);
  const authorization = options.authorization?.(signature) ?? `HMAC-SHA256 SignedHeaders=${names.join(";")}&Signature=${signature}`;
  return { method: "GET", url, rawBody: "", headers: { ...headers, authorization } };
}

describe("the messages of refused requests", () => {
  test("no Authorization header says how to sign and how to turn checking off", () => {
    const { authorization: _dropped, ...headers } = signed().headers;
    expect(verifyHmacRequest({ ...signed(), headers }, KEY, NOW)).toEqual({
      ok: false,
      reason: "missingAuthorization",
      message:
        "The request has no Authorization header. Call Automation requests must be signed with HMAC-SHA256: build the client from the emulator's connection string (GET /emulator/info), or start callsim with --loose to accept unsigned requests.",
    });
  });

  test("a blank Authorization header is no Authorization header", () => {
    expect(failure(verifyHmacRequest(withHeaders(signed(), { authorization: "   " }), KEY, NOW)).reason).toBe("missingAuthorization");
  });

  test("a Bearer token is named as Entra ID authentication", () => {
    const result = failure(verifyHmacRequest(withHeaders(signed(), { authorization: "Bearer eyJ0eXAi.e30.sig" }), KEY, NOW));
    expect(result).toEqual({
      ok: false,
      reason: "unsupportedScheme",
      message:
        "Bearer-token (Microsoft Entra ID / managed identity) authentication is not supported by callsim: it accepts HMAC-SHA256 access-key authentication only. Build the client from the emulator's connection string (GET /emulator/info) instead of a TokenCredential, or start callsim with --loose to accept requests without valid HMAC authentication.",
    });
  });

  test("another scheme is named as sent", () => {
    const result = failure(verifyHmacRequest(withHeaders(signed(), { authorization: "Basic dXNlcjpwYXNz" }), KEY, NOW));
    expect(result.reason).toBe("unsupportedScheme");
    expect(result.message.startsWith('The Authorization scheme "Basic" is not supported by callsim: it accepts HMAC-SHA256 access-key authentication only.')).toBe(true);
  });

  test("an Authorization header without SignedHeaders shows the header to send", () => {
    const result = failure(verifyHmacRequest(withHeaders(signed(), { authorization: `HMAC-SHA256 Signature=${"A".repeat(43)}=` }), KEY, NOW));
    expect(result).toEqual({
      ok: false,
      reason: "malformedAuthorization",
      message: `The Authorization header must look like "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64 HMAC-SHA256>" (SignedHeaders and Signature are both required). ${FIX_KEY}`,
    });
  });

  test("a signature that is not a digest says what a digest looks like", () => {
    const authorization = "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=not-base64";
    expect(failure(verifyHmacRequest(withHeaders(signed(), { authorization }), KEY, NOW))).toEqual({
      ok: false,
      reason: "malformedAuthorization",
      message: `The Signature in the Authorization header is not a base64-encoded HMAC-SHA256 digest (44 characters ending in "="). Expected "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64 HMAC-SHA256>". ${FIX_KEY}`,
    });
  });

  test.each([
    ["a 44-character signature without padding", `${"A".repeat(44)}`],
    ["a signature with a character base64 does not have", `${"A".repeat(42)}!A=`],
    ["a signature with text before it", `x${"A".repeat(43)}=`],
    ["a signature with text after it", `${"A".repeat(43)}=x`],
  ])("%s is malformed", (_what, signature) => {
    const authorization = `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`;
    expect(failure(verifyHmacRequest(withHeaders(signed(), { authorization }), KEY, NOW)).reason).toBe("malformedAuthorization");
  });

  test.each([
    ["x-ms-date", "host;x-ms-content-sha256"],
    ["host", "x-ms-date;x-ms-content-sha256"],
    ["x-ms-content-sha256", "x-ms-date;host"],
  ])("SignedHeaders without %s names the three it needs", (_missing, signedHeaders) => {
    const authorization = `HMAC-SHA256 SignedHeaders=${signedHeaders}&Signature=${"A".repeat(43)}=`;
    expect(failure(verifyHmacRequest(withHeaders(signed(), { authorization }), KEY, NOW))).toEqual({
      ok: false,
      reason: "malformedAuthorization",
      message: `SignedHeaders must name x-ms-date, host and x-ms-content-sha256 (the SDK sends "SignedHeaders=x-ms-date;host;x-ms-content-sha256"); got "${signedHeaders}". ${FIX_KEY}`,
    });
  });

  test("a missing x-ms-date gives an example of the date to send", () => {
    expect(failure(verifyHmacRequest(withHeaders(signed(), { "x-ms-date": undefined }), KEY, NOW))).toEqual({
      ok: false,
      reason: "missingDate",
      message: `The signed x-ms-date header is missing. Send it with the time of signing as an HTTP date (e.g. "${NOW_TEXT}") and include it in the signature.`,
    });
  });

  test("an x-ms-date that is not a date says which form to send", () => {
    expect(failure(verifyHmacRequest(withHeaders(signed(), { "x-ms-date": "last Tuesday" }), KEY, NOW))).toEqual({
      ok: false,
      reason: "missingDate",
      message: `The x-ms-date header "last Tuesday" is not an HTTP date. Send the time of signing in RFC 1123 form, as new Date().toUTCString() produces (e.g. "${NOW_TEXT}").`,
    });
  });

  test("a stale date says how far behind it is and what is accepted", () => {
    const sent = new Date(NOW - 20 * MINUTE);
    expect(failure(verifyHmacRequest(signed(sent), KEY, NOW))).toEqual({
      ok: false,
      reason: "staleDate",
      message: `The x-ms-date header "${sent.toUTCString()}" is 20 minutes behind the emulator's clock ("${NOW_TEXT}"); at most 15 minutes either way is accepted. Sign each request when it is sent (do not replay saved signed requests) and check that the client machine's clock is correct.`,
    });
  });

  test("a date ahead says so", () => {
    const result = failure(verifyHmacRequest(signed(new Date(NOW + 16 * MINUTE)), KEY, NOW));
    expect(result.message).toContain("is 16 minutes ahead of the emulator's clock");
  });

  test("skews under a minute are told in seconds, one minute in the singular, and the seconds past a minute", () => {
    const result = failure(verifyHmacRequest(signed(new Date(NOW - 25 * SECOND)), KEY, NOW, { maxClockSkewMs: 10 * SECOND }));
    expect(result.message).toContain("is 25 seconds behind");
    expect(result.message).toContain("at most 10 seconds either way");
    const oneMinute = failure(verifyHmacRequest(signed(new Date(NOW + 70 * SECOND)), KEY, NOW, { maxClockSkewMs: 40 * SECOND }));
    expect(oneMinute.message).toContain("is 1 minute 10 seconds ahead of");
  });

  test("a date exactly at the allowed skew is accepted, a second past it is not", () => {
    expect(verifyHmacRequest(signed(new Date(NOW - 15 * MINUTE)), KEY, NOW)).toEqual({ ok: true });
    expect(verifyHmacRequest(signed(new Date(NOW + 15 * MINUTE)), KEY, NOW)).toEqual({ ok: true });
    expect(failure(verifyHmacRequest(signed(new Date(NOW - 15 * MINUTE - SECOND)), KEY, NOW)).reason).toBe("staleDate");
    expect(failure(verifyHmacRequest(signed(new Date(NOW + 15 * MINUTE + SECOND)), KEY, NOW)).reason).toBe("staleDate");
  });

  test("an infinite skew accepts a request signed a year ago", () => {
    expect(verifyHmacRequest(signed(new Date(NOW - 365 * 24 * 60 * MINUTE)), KEY, NOW, { maxClockSkewMs: Infinity })).toEqual({ ok: true });
  });

  test("a missing content hash gives the hash of the body sent", () => {
    const hash = createHash("sha256").update(BODY).digest("base64");
    expect(failure(verifyHmacRequest(withHeaders(signed(), { "x-ms-content-sha256": undefined }), KEY, NOW))).toEqual({
      ok: false,
      reason: "contentHashMismatch",
      message: `The signed x-ms-content-sha256 header is missing. Send base64(SHA-256(body)) — "${hash}" for this body; an empty body hashes to "${EMPTY_HASH}".`,
    });
  });

  test("a content hash of another body gives both hashes", () => {
    const request = signed();
    const changed = `${BODY} `;
    const hash = createHash("sha256").update(changed).digest("base64");
    expect(failure(verifyHmacRequest({ ...request, rawBody: changed }, KEY, NOW))).toEqual({
      ok: false,
      reason: "contentHashMismatch",
      message: `The x-ms-content-sha256 header ("${request.headers["x-ms-content-sha256"]}") does not match the request body, which hashes to "${hash}". Hash exactly the bytes that are sent (base64(SHA-256(body))), and do not change the body after signing.`,
    });
  });

  test("a signature mismatch shows the string the emulator signed", () => {
    const request = signed();
    const tampered = withHeaders(request, { "x-ms-date": new Date(NOW + SECOND).toUTCString() });
    const expected = `POST\n${PATH}\n${tampered.headers["x-ms-date"]};127.0.0.1:39095;${request.headers["x-ms-content-sha256"]}`;
    expect(failure(verifyHmacRequest(tampered, KEY, NOW))).toEqual({
      ok: false,
      reason: "signatureMismatch",
      message: `The request signature does not match. ${FIX_KEY} The emulator signed ${JSON.stringify(expected)}.`,
      expectedStringToSign: expected,
    });
  });
});

describe("Authorization headers other clients write", () => {
  test("the scheme in lower case with spaces around the parameters verifies", () => {
    const request = handSigned({ authorization: (signature) => `hmac-sha256   SignedHeaders = x-ms-date;host;x-ms-content-sha256 & Signature = ${signature} ` });
    expect(verifyHmacRequest(request, KEY, NOW)).toEqual({ ok: true });
  });

  test("Signature before SignedHeaders, names in any case, and unknown parameters verify", () => {
    const request = handSigned({ authorization: (signature) => `HMAC-SHA256 signature=${signature}&Credential=abc&flag&SIGNEDHEADERS=X-MS-Date;Host;X-MS-Content-SHA256` });
    expect(verifyHmacRequest(request, KEY, NOW)).toEqual({ ok: true });
  });

  test("signed headers in another order are signed in that order", () => {
    const headers = { host: "127.0.0.1:39095", "x-ms-content-sha256": EMPTY_HASH, "x-ms-date": NOW_TEXT };
    expect(verifyHmacRequest(handSigned({ headers }), KEY, NOW)).toEqual({ ok: true });
    const reordered = handSigned({ headers, signedHeaders: ["x-ms-date", "host", "x-ms-content-sha256"] });
    reordered.headers.authorization = String(reordered.headers.authorization).replace("x-ms-date;host;x-ms-content-sha256", "host;x-ms-content-sha256;x-ms-date");
    expect(failure(verifyHmacRequest(reordered, KEY, NOW)).reason).toBe("signatureMismatch");
  });

  test("a signed Date header stands in for x-ms-date and is checked for skew", () => {
    const headers = { date: NOW_TEXT, host: "127.0.0.1:39095", "x-ms-content-sha256": EMPTY_HASH };
    expect(verifyHmacRequest(handSigned({ headers }), KEY, NOW)).toEqual({ ok: true });
    const stale = failure(verifyHmacRequest(handSigned({ headers }), KEY, NOW + 20 * MINUTE));
    expect(stale.reason).toBe("staleDate");
    expect(stale.message.startsWith(`The date header "${NOW_TEXT}" is 20 minutes behind`)).toBe(true);
  });

  test("a signed header the request lacks is named", () => {
    const request = handSigned({ headers: { "x-ms-date": NOW_TEXT, host: "127.0.0.1:39095", "x-ms-content-sha256": EMPTY_HASH, "x-ms-client-request-id": "r1" } });
    const { "x-ms-client-request-id": _dropped, ...headers } = request.headers;
    expect(failure(verifyHmacRequest({ ...request, headers }, KEY, NOW))).toEqual({
      ok: false,
      reason: "malformedAuthorization",
      message: `SignedHeaders names "x-ms-client-request-id" but the request has no such header. Send every signed header (the SDK signs x-ms-date, host, x-ms-content-sha256). ${FIX_KEY}`,
    });
  });

  test("an extra signed header verifies and is part of the signature", () => {
    const headers = { "x-ms-date": NOW_TEXT, host: "127.0.0.1:39095", "x-ms-content-sha256": EMPTY_HASH, "x-ms-client-request-id": "r1" };
    expect(verifyHmacRequest(handSigned({ headers }), KEY, NOW)).toEqual({ ok: true });
    const changed = handSigned({ headers });
    changed.headers["x-ms-client-request-id"] = "r2";
    expect(failure(verifyHmacRequest(changed, KEY, NOW)).reason).toBe("signatureMismatch");
  });

  test("a request target in absolute form verifies against its path and query", () => {
    const request = handSigned({ url: "http://127.0.0.1:39095/calling/callConnections/abc?api-version=2026-03-12", signedPath: "/calling/callConnections/abc?api-version=2026-03-12" });
    expect(verifyHmacRequest(request, KEY, NOW)).toEqual({ ok: true });
  });

  test("a fragment on the request target is not signed", () => {
    const request = handSigned({ url: "/calling/callConnections/abc?api-version=2026-03-12", signedPath: "/calling/callConnections/abc?api-version=2026-03-12" });
    expect(verifyHmacRequest({ ...request, url: `${request.url}#section` }, KEY, NOW)).toEqual({ ok: true });
  });

  test("a target URL cannot parse is signed as received", () => {
    const url = "http://[bad/calling";
    const request = handSigned({ url, signedPath: url });
    expect(verifyHmacRequest(request, KEY, NOW)).toEqual({ ok: true });
    expect(failure(verifyHmacRequest(handSigned({ url, signedPath: "/calling" }), KEY, NOW)).expectedStringToSign).toBe(`GET\n${url}\n${NOW_TEXT};127.0.0.1:39095;${EMPTY_HASH}`);
  });

  test("a raw query signed with a port-less host (Java) verifies", () => {
    const url = "/calling/recordings/r1?api-version=2026-03-12&q=a%20b";
    const headers = { "x-ms-date": NOW_TEXT, host: "127.0.0.1:39095", "x-ms-content-sha256": EMPTY_HASH };
    const signature = hmac(`GET\n${url}\n${NOW_TEXT};127.0.0.1;${EMPTY_HASH}`);
    const request: SignedRequest = { method: "GET", url, rawBody: "", headers: { ...headers, authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}` } };
    expect(verifyHmacRequest(request, KEY, NOW)).toEqual({ ok: true });
  });

  test("a host with a port is not accepted as any other host", () => {
    const url = "/calling/callConnections/abc?api-version=2026-03-12";
    const headers = { "x-ms-date": NOW_TEXT, host: "127.0.0.1:39095", "x-ms-content-sha256": EMPTY_HASH };
    for (const signedHost of ["127.0.0.1:", "127.0.0.1:3909", "127.0.0.2", ""]) {
      const signature = hmac(`GET\n${url}\n${NOW_TEXT};${signedHost};${EMPTY_HASH}`);
      const request: SignedRequest = { method: "GET", url, rawBody: "", headers: { ...headers, authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}` } };
      expect(failure(verifyHmacRequest(request, KEY, NOW)).reason, signedHost).toBe("signatureMismatch");
    }
  });

  test("a host ending in a colon is tried as sent only", () => {
    const url = "/calling/callConnections/abc?api-version=2026-03-12";
    const headers = { "x-ms-date": NOW_TEXT, host: "127.0.0.1:", "x-ms-content-sha256": EMPTY_HASH };
    expect(verifyHmacRequest(handSigned({ url, headers }), KEY, NOW)).toEqual({ ok: true });
  });

  test("a host header that repeats is read from its first value", () => {
    const request = handSigned({});
    expect(verifyHmacRequest({ ...request, headers: { ...request.headers, host: ["127.0.0.1:39095", "evil.example"] } }, KEY, NOW)).toEqual({ ok: true });
  });

  test("header names in any case are found", () => {
    const request = handSigned({});
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toUpperCase(), value]));
    expect(verifyHmacRequest({ ...request, headers }, KEY, NOW)).toEqual({ ok: true });
  });
});

describe("access keys", () => {
  test("many distinct keys each verify only their own requests", () => {
    // More keys than the decoded-key cache holds: a full cache must not answer for another key.
    for (let i = 0; i < 40; i++) {
      const key = Buffer.from(`key-number-${i}`).toString("base64");
      const other = Buffer.from(`key-number-${i + 1}`).toString("base64");
      const headers = signHmacRequest({ method: "GET", url: `${ENDPOINT}/calling/callConnections/c${i}?api-version=2026-03-12` }, key, new Date(NOW));
      const request = { method: "GET", url: `/calling/callConnections/c${i}?api-version=2026-03-12`, headers, rawBody: "" };
      expect(verifyHmacRequest(request, key, NOW)).toEqual({ ok: true });
      expect(failure(verifyHmacRequest(request, other, NOW)).reason).toBe("signatureMismatch");
    }
  });
});

describe("request targets the SDK re-serialises when it signs", () => {
  /** What the SDK's policy signs for `url`, and the target it puts on the wire. */
  function sdkSigned(pathAndQuery: string): SignedRequest {
    const url = new URL(`${ENDPOINT}${pathAndQuery}`);
    const headers = signHmacRequest({ method: "GET", url: url.href }, KEY, new Date(NOW));
    return { method: "GET", url: `${url.pathname}${url.search}`, headers, rawBody: "" };
  }

  // `~` stays as it is on the wire (URL#search) but is signed as %7E (URLSearchParams): each
  // place in the query where it can stand.
  test.each(["/calling/x?~=1", "/calling/x?a=~", "/calling/x?a=1&~=2", "/calling/x?a=1&b=~", "/calling/x?a=1&b=2&c=~"])("%s verifies", (target) => {
    const request = sdkSigned(target);
    expect(request.url).toContain("~");
    expect(verifyHmacRequest(request, KEY, NOW)).toEqual({ ok: true });
  });

  test("a path sent with characters URL percent-encodes is signed in its encoded form", () => {
    const signature = hmac(`GET\n/%C3%BC\n${NOW_TEXT};127.0.0.1:39095;${EMPTY_HASH}`);
    const request: SignedRequest = {
      method: "GET",
      url: "/ü",
      rawBody: "",
      headers: { "x-ms-date": NOW_TEXT, host: "127.0.0.1:39095", "x-ms-content-sha256": EMPTY_HASH, authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}` },
    };
    expect(verifyHmacRequest(request, KEY, NOW)).toEqual({ ok: true });
  });
});

describe("IPv6 hosts", () => {
  function signedFor(host: string, signedHost: string): SignedRequest {
    const url = "/calling/callConnections/abc?api-version=2026-03-12";
    const signature = hmac(`GET\n${url}\n${NOW_TEXT};${signedHost};${EMPTY_HASH}`);
    return { method: "GET", url, rawBody: "", headers: { "x-ms-date": NOW_TEXT, host, "x-ms-content-sha256": EMPTY_HASH, authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}` } };
  }

  test("a signature over a bracketed IPv6 host without its port verifies", () => {
    expect(verifyHmacRequest(signedFor("[::1]:39095", "[::1]"), KEY, NOW)).toEqual({ ok: true });
    expect(failure(verifyHmacRequest(signedFor("[::1]:39095", "[:]:39095"), KEY, NOW)).reason).toBe("signatureMismatch");
  });

  test("a bare IPv6 host is not cut down to a colon", () => {
    expect(verifyHmacRequest(signedFor("::1", "::1"), KEY, NOW)).toEqual({ ok: true });
    expect(failure(verifyHmacRequest(signedFor("::1", ":"), KEY, NOW)).reason).toBe("signatureMismatch");
  });
});

describe("Authorization parameters", () => {
  test("a parameter without a value is ignored, even one named like Signature", () => {
    const request = handSigned({ authorization: (signature) => `HMAC-SHA256 Signature=${signature}&SignatureX&SignedHeaders=x-ms-date;host;x-ms-content-sha256` });
    expect(verifyHmacRequest(request, KEY, NOW)).toEqual({ ok: true });
  });

  test("spaces around the names in SignedHeaders are ignored", () => {
    const request = handSigned({ authorization: (signature) => `HMAC-SHA256 SignedHeaders=x-ms-date; host ;x-ms-content-sha256&Signature=${signature}` });
    expect(verifyHmacRequest(request, KEY, NOW)).toEqual({ ok: true });
  });
});
