/**
 * HMAC-SHA256 access-key authentication, verified the way `@azure/communication-common`
 * 2.4.2 signs (`communicationAccessKeyCredentialPolicy.js`, reference CONTRACT.md §6):
 *
 * ```text
 * stringToSign = VERB "\n" pathAndQuery "\n" x-ms-date ";" host ";" x-ms-content-sha256
 * Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64 HMAC>
 * ```
 *
 * The HMAC key is the base64-*decoded* access key; `pathAndQuery` is the WHATWG `URL.pathname`
 * (left percent-encoded) plus `?` and the query re-serialised by `URLSearchParams`.
 *
 * The verifier is deliberately a little more accepting than the JS SDK's own output so that the
 * other ACS SDKs pass too (the Java policy, for one, signs the raw query and a port-less host):
 * it reads the header list from `SignedHeaders`, and when the canonical string does not match it
 * also tries the path and query exactly as received and the `host` value without its port.
 */
import * as crypto from "node:crypto";
import { headerValue, parseHttpDate } from "./requestParts.js";

/**
 * How far `x-ms-date` may be from the emulator's clock, either way: 15 minutes.
 * A named rule, assumed: the Call Automation docs do not say whether the service checks skew;
 * 15 minutes is what Azure Storage Shared Key and App Configuration HMAC use.
 */
export const DEFAULT_MAX_CLOCK_SKEW_MS: number = 15 * 60 * 1000;

/** A request as it arrived on the wire, enough to check its HMAC signature. */
export interface SignedRequest {
  /** HTTP method as received (compared upper-cased, as the SDK signs it). */
  method: string;
  /** path + query exactly as received on the wire, e.g. "/calling/callConnections?api-version=2026-03-12" */
  url: string;
  /** Request headers with lower-case names (Node's `IncomingMessage.headers`). */
  headers: Record<string, string | string[] | undefined>;
  /**
   * The body exactly as received; `""` when there is none. A string is hashed as UTF-8 (as the
   * SDK does); pass a `Buffer` to hash the received bytes without a decode/encode round trip.
   */
  rawBody: string | Uint8Array;
}

/** Why a request failed authentication. */
export type AuthFailureReason =
  | "missingAuthorization"
  | "malformedAuthorization"
  | "missingDate"
  | "staleDate"
  | "contentHashMismatch"
  | "signatureMismatch"
  | "unsupportedScheme";

/**
 * Outcome of {@link verifyHmacRequest}. On failure, `message` says what to fix. For
 * `signatureMismatch`, `expectedStringToSign` carries the string the emulator signed
 * (it contains no secret) so that hand-written clients can compare it with theirs.
 */
export type AuthResult =
  | { ok: true }
  | { ok: false; reason: AuthFailureReason; message: string; expectedStringToSign?: string };

/** What the SDK puts in `SignedHeaders`, in this order. */
const SDK_SIGNED_HEADERS = ["x-ms-date", "host", "x-ms-content-sha256"] as const;
const SDK_SIGNED_HEADERS_TEXT = SDK_SIGNED_HEADERS.join(";");
/** The Authorization header the SDK sends, up to its signature. */
const SDK_AUTHORIZATION_PREFIX = `HMAC-SHA256 SignedHeaders=${SDK_SIGNED_HEADERS_TEXT}&Signature=`;
const HMAC_SCHEME = "hmac-sha256";
const FIX_KEY =
  "Sign with the access key in the emulator's connection string (GET /emulator/info), or start callsim with --loose to accept unsigned requests.";
/** base64 of a 32-byte digest: 43 characters and one `=`. */
const SIGNATURE_SHAPE = /^[A-Za-z0-9+/]{43}=$/;

const keyCache = new Map<string, Buffer>();
const KEY_CACHE_LIMIT = 32;

/** The decoded HMAC key for a base64 access key, decoded once per distinct key string. */
function decodedKey(accessKeyBase64: string): Buffer {
  return keyCache.get(accessKeyBase64) ?? decodeAndKeep(accessKeyBase64);
}

function decodeAndKeep(accessKeyBase64: string): Buffer {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound only limits the cache's memory; a key cleared from it (or kept) is decoded to the same bytes
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
  const key = Buffer.from(accessKeyBase64, "base64");
  keyCache.set(accessKeyBase64, key);
  return key;
}

/** Compares two signatures in a time that does not depend on where they differ, without copying them into buffers. */
function sameSignature(a: string, b: string): boolean {
  // Stryker disable next-line ConditionalExpression,BooleanLiteral: verification refuses a signature not of an HMAC-SHA256's form (44 base64 characters) before comparing, so lengths always match here; the guard keeps the function sound on its own
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i !== a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** The string to sign is hashed as UTF-8 (`update`'s default for a string), as the SDK does. */
function hmacBase64(accessKeyBase64: string, stringToSign: string): string {
  return crypto.createHmac("sha256", decodedKey(accessKeyBase64)).update(stringToSign).digest("base64");
}

/**
 * SHA-256 in base64. One-shot `crypto.hash` costs half a Hash object for bodies this small; it
 * came with Node 20.12, so earlier Node 20 releases take the long way.
 */
export const sha256Base64: (data: string | Uint8Array) => string =
  // Stryker disable next-line StringLiteral,ConditionalExpression: both branches compute the same SHA-256 on a Node that has crypto.hash; test/http/auth.variants.test.ts takes the other branch with crypto.hash hidden
  typeof crypto.hash === "function"
    ? (data) => crypto.hash("sha256", data, "base64")
    : (data) => crypto.createHash("sha256").update(data).digest("base64");

function fail(reason: AuthFailureReason, message: string): AuthResult {
  return { ok: false, reason, message };
}

/**
 * The SDK's `pathAndQuery` for a request URL: `URL.pathname` plus `?` and
 * `URLSearchParams#toString()` when the query is non-empty.
 */
function canonicalPathAndQuery(url: URL): string {
  const query = url.searchParams.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

/**
 * A request target whose path and query `URL` and `URLSearchParams` would leave exactly as they
 * are (no percent-encoding, dot segments or query characters to re-serialise): every target the
 * SDK itself sends. Such a target is its own canonical form, without parsing a URL.
 */
const ALREADY_CANONICAL = /^\/[A-Za-z0-9\-_:/]*(\?[A-Za-z0-9\-_.]+=[A-Za-z0-9\-_.]*(&[A-Za-z0-9\-_.]+=[A-Za-z0-9\-_.]*)*)?$/;

/** The SDK's canonical form of a received request target, or `undefined` if it does not parse. */
function canonicalFromWire(target: string): string | undefined {
  // Stryker disable next-line ConditionalExpression: a shortcut: without it the URL parser gives such a target back unchanged (its "true" twin, every target taken as canonical, is killed by test/http/auth.canonicalTarget.test.ts)
  if (ALREADY_CANONICAL.test(target)) return target;
  try {
    // Concatenate rather than resolve against a base, so that "//x" stays a path.
    const url = target.startsWith("/") ? new URL(`http://callsim.invalid${target}`) : new URL(target);
    return canonicalPathAndQuery(url);
  } catch {
    // A target no URL can be made of has no canonical form.
  }
  return undefined;
}

/**
 * `SignedHeaders` and `Signature` from the parameters after the scheme. The scheme alone (no
 * space) has no parameters: its one part has no "=". Names and values are trimmed one by one.
 */
function parseAuthorization(value: string): { signedHeaders?: string; signature?: string } {
  const result: { signedHeaders?: string; signature?: string } = {};
  for (const part of value.slice(value.indexOf(" ") + 1).split("&")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    // The signature's own "=" padding stays in the value: split at the first "=" only.
    const paramValue = part.slice(eq + 1).trim();
    if (name === "signedheaders") result.signedHeaders = paramValue;
    else if (name === "signature") result.signature = paramValue;
  }
  return result;
}

function count(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** A skew or a bound in whole seconds, e.g. "45 seconds", "1 minute", "15 minutes 20 seconds". */
function formatSkew(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  const minutes = Math.floor(seconds / 60);
  if (minutes === 0) return count(seconds, "second");
  return seconds % 60 === 0 ? count(minutes, "minute") : `${count(minutes, "minute")} ${count(seconds % 60, "second")}`;
}

/**
 * Checks a request's `Authorization: HMAC-SHA256 …` header against `accessKeyBase64`, exactly as
 * the Azure Communication Services SDKs sign (see the module comment).
 *
 * Checks, in order: Authorization present → scheme is HMAC-SHA256 (Bearer/Entra tokens are
 * `unsupportedScheme`) → `SignedHeaders`/`Signature` well-formed → the signed date header is
 * present and within `maxClockSkewMs` of `nowMs` → `x-ms-content-sha256` equals
 * base64(SHA-256(rawBody)) → the signature matches (constant-time comparison).
 *
 * @param request - The request as received; `url` is the path and query from the request line.
 * @param accessKeyBase64 - The access key from the connection string (base64, as the SDK takes it).
 * @param nowMs - Wall-clock time in epoch ms. Pass real time (`Date.now()`), not a scenario's
 *   virtual clock: the SDK stamps `x-ms-date` from the client machine's real clock.
 * @param options - `maxClockSkewMs` (default {@link DEFAULT_MAX_CLOCK_SKEW_MS}); `Infinity` disables the check.
 * @returns `{ ok: true }` or the first failure with a message that tells the user what to fix.
 */
export function verifyHmacRequest(
  request: SignedRequest,
  accessKeyBase64: string,
  nowMs: number,
  options?: { maxClockSkewMs?: number },
): AuthResult {
  const authorization = headerValue(request.headers, "authorization")?.trim();
  if (!authorization) {
    return fail(
      "missingAuthorization",
      `The request has no Authorization header. Call Automation requests must be signed with HMAC-SHA256: build the client from the emulator's connection string (GET /emulator/info), or start callsim with --loose to accept unsigned requests.`,
    );
  }

  // The SDK's own header, byte for byte up to a signature of a digest's length, needs no parsing.
  // Stryker disable next-line ConditionalExpression,MethodExpression,ArithmeticOperator: a shortcut; the parser reads the SDK's header the same (a header taken for the SDK's that is not is caught by test/http/auth.parameters.test.ts)
  const fromSdk = authorization.startsWith(SDK_AUTHORIZATION_PREFIX) && authorization.length === SDK_AUTHORIZATION_PREFIX.length + 44;
  // Stryker disable next-line ConditionalExpression: a shortcut; the SDK's scheme lower-cased is HMAC_SCHEME
  const scheme = fromSdk ? HMAC_SCHEME : authorization.split(" ", 1)[0].toLowerCase();
  if (scheme !== HMAC_SCHEME) {
    const isBearer = scheme === "bearer";
    return fail(
      "unsupportedScheme",
      `${isBearer ? "Bearer-token (Microsoft Entra ID / managed identity) authentication" : `The Authorization scheme "${authorization.split(" ", 1)[0]}"`} is not supported by callsim: it accepts HMAC-SHA256 access-key authentication only. Build the client from the emulator's connection string (GET /emulator/info) instead of a TokenCredential, or start callsim with --loose to accept requests without valid HMAC authentication.`,
    );
  }

  // Stryker disable next-line ConditionalExpression: a shortcut; parseAuthorization reads the same two parameters from the SDK's header
  const parsed = fromSdk ? { signedHeaders: SDK_SIGNED_HEADERS_TEXT, signature: authorization.slice(SDK_AUTHORIZATION_PREFIX.length) } : parseAuthorization(authorization);
  const example = `${SDK_AUTHORIZATION_PREFIX}<base64 HMAC-SHA256>`;
  if (!parsed.signedHeaders || !parsed.signature) {
    return fail(
      "malformedAuthorization",
      `The Authorization header must look like "${example}" (SignedHeaders and Signature are both required). ${FIX_KEY}`,
    );
  }
  if (!SIGNATURE_SHAPE.test(parsed.signature)) {
    return fail(
      "malformedAuthorization",
      `The Signature in the Authorization header is not a base64-encoded HMAC-SHA256 digest (44 characters ending in "="). Expected "${example}". ${FIX_KEY}`,
    );
  }
  // Stryker disable next-line ConditionalExpression: a shortcut; splitting the SDK's SignedHeaders gives SDK_SIGNED_HEADERS
  const signedHeaders: readonly string[] = fromSdk ? SDK_SIGNED_HEADERS : parsed.signedHeaders.split(";").map((name) => name.trim().toLowerCase());
  const dateHeader = signedHeaders.includes("x-ms-date") ? "x-ms-date" : signedHeaders.includes("date") ? "date" : undefined;
  if (!dateHeader || !signedHeaders.includes("host") || !signedHeaders.includes("x-ms-content-sha256")) {
    return fail(
      "malformedAuthorization",
      `SignedHeaders must name x-ms-date, host and x-ms-content-sha256 (the SDK sends "SignedHeaders=${SDK_SIGNED_HEADERS_TEXT}"); got "${parsed.signedHeaders}". ${FIX_KEY}`,
    );
  }

  // Date: present, parseable, recent.
  const dateValue = headerValue(request.headers, dateHeader);
  if (!dateValue) {
    return fail(
      "missingDate",
      `The signed ${dateHeader} header is missing. Send it with the time of signing as an HTTP date (e.g. "${new Date(nowMs).toUTCString()}") and include it in the signature.`,
    );
  }
  const dateMs = parseHttpDate(dateValue);
  if (Number.isNaN(dateMs)) {
    return fail(
      "missingDate",
      `The ${dateHeader} header "${dateValue}" is not an HTTP date. Send the time of signing in RFC 1123 form, as new Date().toUTCString() produces (e.g. "${new Date(nowMs).toUTCString()}").`,
    );
  }
  const maxSkew = options?.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
  const skew = nowMs - dateMs;
  if (Math.abs(skew) > maxSkew) {
    return fail(
      "staleDate",
      `The ${dateHeader} header "${dateValue}" is ${formatSkew(skew)} ${skew > 0 ? "behind" : "ahead of"} the emulator's clock ("${new Date(nowMs).toUTCString()}"); at most ${formatSkew(maxSkew)} either way is accepted. Sign each request when it is sent (do not replay saved signed requests) and check that the client machine's clock is correct.`,
    );
  }

  // Content hash: the header must describe this body.
  const contentHash = headerValue(request.headers, "x-ms-content-sha256");
  const bodyHash = sha256Base64(request.rawBody);
  if (!contentHash) {
    return fail(
      "contentHashMismatch",
      `The signed x-ms-content-sha256 header is missing. Send base64(SHA-256(body)) — "${bodyHash}" for this body; an empty body hashes to "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=".`,
    );
  }
  if (contentHash !== bodyHash) {
    return fail(
      "contentHashMismatch",
      `The x-ms-content-sha256 header ("${contentHash}") does not match the request body, which hashes to "${bodyHash}". Hash exactly the bytes that are sent (base64(SHA-256(body))), and do not change the body after signing.`,
    );
  }

  // Signed header values, in the order SignedHeaders lists them (which names host, checked above).
  const values: string[] = [];
  const hostIndex = signedHeaders.indexOf("host");
  for (const name of signedHeaders) {
    const value = headerValue(request.headers, name);
    if (value === undefined) {
      return fail(
        "malformedAuthorization",
        `SignedHeaders names "${name}" but the request has no such header. Send every signed header (the SDK signs ${SDK_SIGNED_HEADERS.join(", ")}). ${FIX_KEY}`,
      );
    }
    values.push(value);
  }

  const verb = request.method.toUpperCase();
  const received = request.url.split("#", 1)[0];
  const canonical = canonicalFromWire(received) ?? received;
  const expected = `${verb}\n${canonical}\n${values.join(";")}`;
  const signature = parsed.signature;
  const matches = (stringToSign: string): boolean => sameSignature(hmacBase64(accessKeyBase64, stringToSign), signature);

  if (matches(expected)) return { ok: true };

  // Variants other ACS SDKs produce: raw path/query (Java, Python) and host without port (Java).
  // A host that would be cut down to one ending in ":" (a bare IPv6 address) is kept whole.
  const hosts = new Set([values[hostIndex]]);
  const portless = values[hostIndex].replace(/:\d+$/, "");
  if (!portless.endsWith(":")) hosts.add(portless);
  const variants = new Set<string>();
  for (const path of new Set([canonical, received])) {
    for (const host of hosts) {
      const signedValues = values.map((value, i) => (i === hostIndex ? host : value));
      variants.add(`${verb}\n${path}\n${signedValues.join(";")}`);
    }
  }
  variants.delete(expected);
  for (const variant of variants) if (matches(variant)) return { ok: true };

  return {
    ok: false,
    reason: "signatureMismatch",
    message: `The request signature does not match. ${FIX_KEY} The emulator signed ${JSON.stringify(expected)}.`,
    expectedStringToSign: expected,
  };
}

/**
 * Signs a request the way the SDK's `createCommunicationAccessKeyCredentialPolicy` does and
 * returns the headers it would set: `x-ms-date`, `x-ms-content-sha256`, `host` and
 * `authorization` (lower-case names). Useful for raw-HTTP tests and non-SDK clients.
 *
 * @param request - `url` must be absolute (`http://127.0.0.1:4010/calling/callConnections?api-version=…`);
 *   `body` is the exact body string that will be sent (default: none).
 * @param accessKeyBase64 - The access key from the connection string.
 * @param date - Signing time (default: now). Only second precision reaches the wire.
 */
export function signHmacRequest(
  request: { method: string; url: string; body?: string },
  accessKeyBase64: string,
  date: Date = new Date(),
): Record<string, string> {
  const url = new URL(request.url);
  const xMsDate = date.toUTCString();
  const contentHash = sha256Base64(request.body ?? "");
  const stringToSign = `${request.method.toUpperCase()}\n${canonicalPathAndQuery(url)}\n${xMsDate};${url.host};${contentHash}`;
  const signature = hmacBase64(accessKeyBase64, stringToSign);
  return {
    "x-ms-date": xMsDate,
    "x-ms-content-sha256": contentHash,
    host: url.host,
    authorization: `HMAC-SHA256 SignedHeaders=${SDK_SIGNED_HEADERS.join(";")}&Signature=${signature}`,
  };
}
