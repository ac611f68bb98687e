import { createHash, createHmac } from "node:crypto";
import { afterEach, describe, expect, test, vi } from "vitest";
import { signHmacRequest, verifyHmacRequest, type AuthResult, type SignedRequest } from "../../emulator/http/auth.js";

// The ACS SDKs do not all sign the same string: the JS SDK signs the canonical path and query
// and the Host header as sent; the Java and Python SDKs sign the path and query as sent, and Java
// signs the host without its port. Each of those verifies; a signature over anything else does not.
const KEY = Buffer.from("callsim-auth-variants-key-000000000").toString("base64");
const NOW = Date.parse("2026-03-12T10:00:00Z");
const NOW_TEXT = "Thu, 12 Mar 2026 10:00:00 GMT";
const EMPTY_HASH = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
/** Sent as `a%20b`, signed by the JS SDK as `a+b` (URLSearchParams). */
const RAW = "/calling/recordings/r1?api-version=2026-03-12&q=a%20b";
const CANONICAL = "/calling/recordings/r1?api-version=2026-03-12&q=a+b";

function hmac(stringToSign: string, key = KEY): string {
  return createHmac("sha256", Buffer.from(key, "base64")).update(stringToSign).digest("base64");
}

/**
 * A GET sent to `target` with Host `host`, signed over `signedPath` and `signedHost`, with the
 * signed headers in the order `order` names them.
 */
function signedOver(options: { target?: string; host?: string; signedPath: string; signedHost: string; order?: string[] }): SignedRequest {
  const host = options.host ?? "127.0.0.1:39095";
  const order = options.order ?? ["x-ms-date", "host", "x-ms-content-sha256"];
  const signedValues: Record<string, string> = { "x-ms-date": NOW_TEXT, host: options.signedHost, "x-ms-content-sha256": EMPTY_HASH };
  const signature = hmac(`GET\n${options.signedPath}\n${order.map((name) => signedValues[name]).join(";")}`);
  return {
    method: "GET",
    url: options.target ?? RAW,
    rawBody: "",
    headers: {
      "x-ms-date": NOW_TEXT,
      host,
      "x-ms-content-sha256": EMPTY_HASH,
      authorization: `HMAC-SHA256 SignedHeaders=${order.join(";")}&Signature=${signature}`,
    },
  };
}

function verify(request: SignedRequest, key = KEY): AuthResult {
  return verifyHmacRequest(request, key, NOW);
}

function refusal(result: AuthResult): string {
  expect(result.ok).toBe(false);
  return result.ok ? "" : result.reason;
}

describe("the path and host variants other SDKs sign", () => {
  test.each([
    ["canonical path, host with port (the JS SDK)", CANONICAL, "127.0.0.1:39095"],
    ["raw path, host with port (Python)", RAW, "127.0.0.1:39095"],
    ["canonical path, host without port", CANONICAL, "127.0.0.1"],
    ["raw path, host without port (Java)", RAW, "127.0.0.1"],
  ])("a signature over the %s verifies", (_who, signedPath, signedHost) => {
    expect(verify(signedOver({ signedPath, signedHost }))).toEqual({ ok: true });
  });

  test.each([
    ["another path", "/calling/recordings/r2?api-version=2026-03-12&q=a+b", "127.0.0.1:39095"],
    ["the path without its query", "/calling/recordings/r1", "127.0.0.1"],
    ["another host", RAW, "127.0.0.2"],
    ["another port", CANONICAL, "127.0.0.1:39096"],
    ["the host with an empty port", RAW, "127.0.0.1:"],
    ["the port alone", CANONICAL, "39095"],
  ])("a signature over %s is refused", (_what, signedPath, signedHost) => {
    expect(refusal(verify(signedOver({ signedPath, signedHost })))).toBe("signatureMismatch");
  });

  test("a target already canonical verifies with the host without its port", () => {
    const target = "/calling/callConnections/abc?api-version=2026-03-12";
    expect(verify(signedOver({ target, signedPath: target, signedHost: "127.0.0.1" }))).toEqual({ ok: true });
    expect(refusal(verify(signedOver({ target, signedPath: target, signedHost: "127.0.0.1:1" })))).toBe("signatureMismatch");
  });

  test("the host is found wherever SignedHeaders lists it", () => {
    for (const order of [
      ["host", "x-ms-date", "x-ms-content-sha256"],
      ["x-ms-content-sha256", "x-ms-date", "host"],
    ]) {
      expect(verify(signedOver({ signedPath: RAW, signedHost: "127.0.0.1", order })), order.join(";")).toEqual({ ok: true });
      expect(verify(signedOver({ signedPath: CANONICAL, signedHost: "127.0.0.1", order })), order.join(";")).toEqual({ ok: true });
    }
  });

  test("a host without a port is signed as it is, and no shorter host stands for it", () => {
    const host = "callsim.example";
    expect(verify(signedOver({ host, signedPath: RAW, signedHost: host }))).toEqual({ ok: true });
    expect(refusal(verify(signedOver({ host, signedPath: RAW, signedHost: "callsim" })))).toBe("signatureMismatch");
    expect(refusal(verify(signedOver({ host, signedPath: CANONICAL, signedHost: "" })))).toBe("signatureMismatch");
  });

  test("a host ending in a colon has no port to drop", () => {
    const host = "127.0.0.1:";
    expect(verify(signedOver({ host, signedPath: CANONICAL, signedHost: host }))).toEqual({ ok: true });
    expect(verify(signedOver({ host, signedPath: RAW, signedHost: host }))).toEqual({ ok: true });
    expect(refusal(verify(signedOver({ host, signedPath: CANONICAL, signedHost: "127.0.0.1" })))).toBe("signatureMismatch");
  });

  test("an unbracketed IPv6 host is not cut down to its first groups", () => {
    // "fe80::1" looks like host "fe80:" with port 1: cutting it would leave a host ending in ":".
    const host = "fe80::1";
    expect(verify(signedOver({ host, signedPath: RAW, signedHost: host }))).toEqual({ ok: true });
    expect(refusal(verify(signedOver({ host, signedPath: RAW, signedHost: "fe80:" })))).toBe("signatureMismatch");
    expect(refusal(verify(signedOver({ host, signedPath: CANONICAL, signedHost: "fe80:" })))).toBe("signatureMismatch");
  });

  test("a bracketed IPv6 host drops its port only", () => {
    const host = "[::1]:39095";
    expect(verify(signedOver({ host, signedPath: RAW, signedHost: "[::1]" }))).toEqual({ ok: true });
    expect(refusal(verify(signedOver({ host, signedPath: RAW, signedHost: "[:]:39095" })))).toBe("signatureMismatch");
  });

  test("a refused variant names the canonical string, with the host as sent", () => {
    const result = verify(signedOver({ signedPath: "/calling/other", signedHost: "127.0.0.1" }));
    expect(result).toMatchObject({ ok: false, reason: "signatureMismatch", expectedStringToSign: `GET\n${CANONICAL}\n${NOW_TEXT};127.0.0.1:39095;${EMPTY_HASH}` });
  });
});

describe("many access keys", () => {
  const keyNumber = (i: number) => Buffer.from(`callsim-tenant-key-${i}`).toString("base64");
  function signedWith(key: string, i: number): SignedRequest {
    const target = `/calling/callConnections/c${i}?api-version=2026-03-12`;
    return { method: "GET", url: target, rawBody: "", headers: signHmacRequest({ method: "GET", url: `http://127.0.0.1:39095${target}` }, key, new Date(NOW)) };
  }

  test("a key used before many others still verifies its requests, and only its own", () => {
    // One emulator process can serve many connection strings; more keys than it keeps decoded.
    const keys = Array.from({ length: 70 }, (_, i) => keyNumber(i));
    keys.forEach((key, i) => expect(verify(signedWith(key, i), key)).toEqual({ ok: true }));
    for (const i of [0, 1, 31, 32, 33, 69, 0]) {
      expect(verify(signedWith(keys[i], i), keys[i]), `key ${i}`).toEqual({ ok: true });
      expect(refusal(verify(signedWith(keys[i], i), keys[(i + 1) % keys.length])), `key ${i} against the next`).toBe("signatureMismatch");
    }
  });
});

describe("the content hash on a Node without crypto.hash", () => {
  afterEach(() => {
    vi.doUnmock("node:crypto");
  });

  test("the long way hashes the body the same", async () => {
    // crypto.hash came with Node 20.12; on an earlier Node 20 the module hashes with createHash.
    vi.doMock("node:crypto", async (importOriginal) => ({ ...(await importOriginal<typeof import("node:crypto")>()), hash: undefined }));
    // A query makes a module instance of its own, loaded while the mock is in place.
    const modulePath = "../../emulator/http/auth.js?without-crypto-hash";
    const auth = (await import(/* @vite-ignore */ modulePath)) as typeof import("../../emulator/http/auth.js");
    const body = JSON.stringify({ callbackUri: "https://app.example/cb", note: "é" });
    expect(auth.sha256Base64(body)).toBe(createHash("sha256").update(body).digest("base64"));
    expect(auth.sha256Base64(Buffer.from(body))).toBe(createHash("sha256").update(body).digest("base64"));
    expect(auth.sha256Base64("")).toBe(EMPTY_HASH);
    const url = "http://127.0.0.1:39095/calling/callConnections?api-version=2026-03-12";
    const headers = auth.signHmacRequest({ method: "POST", url, body }, KEY, new Date(NOW));
    const request = { method: "POST", url: "/calling/callConnections?api-version=2026-03-12", headers, rawBody: body };
    expect(auth.verifyHmacRequest(request, KEY, NOW)).toEqual({ ok: true });
    expect(verifyHmacRequest(request, KEY, NOW)).toEqual({ ok: true });
  });
});
