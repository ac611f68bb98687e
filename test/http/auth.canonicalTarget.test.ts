import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { verifyHmacRequest, type AuthResult, type SignedRequest } from "../../emulator/http/auth.js";

// The path and query a request is signed over are the SDK's canonical form of its URL:
// `URL.pathname`, then `?` and `URLSearchParams#toString()` when that is not empty. A hand-written
// client may send a target that URL would rewrite (`%41`, a space, `..`, `~`, a bare key); the
// emulator must expect the canonical form for it, whichever way it gets there.
const KEY = Buffer.from("callsim-canonical-target-key-000000").toString("base64");
const HOST = "127.0.0.1:39097";
const NOW = Date.parse("2026-03-12T10:00:00Z");
const NOW_TEXT = "Thu, 12 Mar 2026 10:00:00 GMT";
const EMPTY_HASH = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
/** Well-formed (44 base64 characters) but signs nothing. */
const WRONG_SIGNATURE = `${"A".repeat(43)}=`;

/** What the SDK signs for `target`: an absolute URL, or a path and query on this host. */
function sdkCanonical(target: string): string {
  const url = /^https?:/.test(target) ? new URL(target) : new URL(`http://${HOST}${target}`);
  const query = url.searchParams.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

function hmac(stringToSign: string): string {
  return createHmac("sha256", Buffer.from(KEY, "base64")).update(stringToSign).digest("base64");
}

/** A GET with `target` on the wire and `signature` in its Authorization header. */
function request(target: string, signature: string): SignedRequest {
  return {
    method: "GET",
    url: target,
    rawBody: "",
    headers: {
      "x-ms-date": NOW_TEXT,
      host: HOST,
      "x-ms-content-sha256": EMPTY_HASH,
      authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
    },
  };
}

function stringToSign(pathAndQuery: string): string {
  return `GET\n${pathAndQuery}\n${NOW_TEXT};${HOST};${EMPTY_HASH}`;
}

/** The string the emulator says it signed for `target`. */
function expectedFor(target: string): string | undefined {
  const result: AuthResult = verifyHmacRequest(request(target, WRONG_SIGNATURE), KEY, NOW);
  expect(result.ok).toBe(false);
  return result.ok ? undefined : result.expectedStringToSign;
}

// Pieces of paths and queries: ones URL and URLSearchParams keep as they are, and ones they
// decode, encode, resolve or drop. Each query piece can land in a key, a value or between pairs.
const pathPiece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("a", "Z", "0", "-", "_", ":", "/") },
  { weight: 1, arbitrary: fc.constantFrom(".", "..", "%41", "%7e", "%2e", " ", "~", "*", "'", "é", "\\", "+", "=", "&") },
);
const queryPiece = fc.constantFrom("a", "Z", "0", "-", "_", ".", ":", "/", "=", "&", "&&", "%41", "%7e", "%20", " ", "+", "*", "'", "~", "é", "?");
const path = fc.array(pathPiece, { maxLength: 8 }).map((pieces) => `/${pieces.join("")}`);
const freeQuery = fc.array(queryPiece, { maxLength: 10 }).map((pieces) => pieces.join(""));
// Queries of key=value pairs in which each key or value is plain (characters URLSearchParams
// keeps), odd (characters it rewrites) or mixed, so that one odd word among plain ones, at any
// place in the query, is often the only thing to re-serialise.
const plainWord = fc.array(fc.constantFrom("a", "b", "Z", "0", "9", "-", "_", "."), { minLength: 1, maxLength: 3 }).map((w) => w.join(""));
const oddWord = fc.array(fc.constantFrom("%41", "%7e", " ", "+", "~", "'", "é", "!"), { minLength: 1, maxLength: 2 }).map((w) => w.join(""));
const word = fc.oneof(
  { weight: 6, arbitrary: plainWord },
  { weight: 1, arbitrary: oddWord },
  { weight: 1, arbitrary: fc.tuple(plainWord, oddWord).map(([a, b]) => a + b) },
);
// A pair may also be a bare key or nothing (two "&" in a row), both of which URLSearchParams rewrites.
const pair = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(word, word).map(([key, value]) => `${key}=${value}`) },
  { weight: 1, arbitrary: plainWord },
  { weight: 1, arbitrary: fc.constant("") },
);
const pairQuery = fc.array(pair, { minLength: 1, maxLength: 3 }).map((list) => list.join("&"));
const query = fc.oneof(freeQuery, pairQuery);
const originForm = fc.tuple(path, fc.option(query, { nil: undefined })).map(([p, q]) => (q === undefined ? p : `${p}?${q}`));
// A proxy-style client sends the absolute form; the path and query in it are signed alike.
const target = fc.oneof(originForm, originForm.map((t) => `http://callsim.example:8080${t}`));

describe("the path and query the emulator expects to be signed", () => {
  test("is the SDK's canonical form of any request target", () => {
    fc.assert(
      fc.property(target, (t) => {
        expect(expectedFor(t)).toBe(stringToSign(sdkCanonical(t)));
      }),
      { seed: 16, numRuns: 1500 },
    );
  });

  test("a request signed over the canonical form and sent with the raw target verifies", () => {
    fc.assert(
      fc.property(target, (t) => {
        expect(verifyHmacRequest(request(t, hmac(stringToSign(sdkCanonical(t)))), KEY, NOW)).toEqual({ ok: true });
      }),
      { seed: 17, numRuns: 1500 },
    );
  });

  // The targets the generator is meant to reach, named, so that each stays covered whatever
  // fast-check draws: each is one that URL or URLSearchParams rewrites.
  test.each([
    ["/calling/x?a=%41", "/calling/x?a=A"],
    ["/calling/x?q=a b", "/calling/x?q=a+b"],
    ["/calling/x?q=a+b&r=%20", "/calling/x?q=a+b&r=+"],
    ["/calling/a/../x", "/calling/x"],
    ["/calling/./x", "/calling/x"],
    ["/calling/%2e%2e/x", "/x"],
    ["/calling/x?%7e=1", "/calling/x?%7E=1"],
    ["/calling/x?a=1&b='", "/calling/x?a=1&b=%27"],
    ["/calling/x?a=1&&b=2", "/calling/x?a=1&b=2"],
    ["/calling/x?flag", "/calling/x?flag="],
    ["/calling/x?a=1&flag", "/calling/x?a=1&flag="],
    ["/calling/x?", "/calling/x"],
    ["/calling/x?a=1&", "/calling/x?a=1"],
    ["/calling/x?a=~", "/calling/x?a=%7E"],
    ["/calling/x?~=1", "/calling/x?%7E=1"],
    ["/calling/x?a b=1", "/calling/x?a+b=1"],
    ["/calling/x?a=1&~=2", "/calling/x?a=1&%7E=2"],
    ["/calling/x?a=1&b'=2", "/calling/x?a=1&b%27=2"],
    ["/calling/x?a=1&b=2&c=%41", "/calling/x?a=1&b=2&c=A"],
    ["/calling/x y/z", "/calling/x%20y/z"],
    ["/calling\\x", "/calling/x"],
    ["/calling/x?a=1#part", "/calling/x?a=1"],
  ])("for %s it is %s", (t, canonical) => {
    expect(expectedFor(t)).toBe(stringToSign(canonical));
    expect(verifyHmacRequest(request(t, hmac(stringToSign(canonical))), KEY, NOW)).toEqual({ ok: true });
  });
});

describe("a request target in absolute form and one that starts with two slashes", () => {
  test("an absolute target is signed over its own path and query, not its scheme and host", () => {
    const t = "http://callsim.example:8080/calling/x?a=%41";
    expect(expectedFor(t)).toBe(stringToSign("/calling/x?a=A"));
    expect(verifyHmacRequest(request(t, hmac(stringToSign("/calling/x?a=A"))), KEY, NOW)).toEqual({ ok: true });
  });

  test("an absolute target already canonical is signed over its path and query", () => {
    const t = "http://callsim.example/calling/x?a=1";
    expect(expectedFor(t)).toBe(stringToSign("/calling/x?a=1"));
  });

  test("a target that starts with // is a path, not a host", () => {
    // Resolved against a base, "//x/y" would name host x; on the wire it is the path "//x/y".
    expect(expectedFor("//x/y")).toBe(stringToSign("//x/y"));
    expect(expectedFor("//x/../y?a=%41")).toBe(stringToSign("//y?a=A"));
    expect(verifyHmacRequest(request("//x/../y?a=%41", hmac(stringToSign("//y?a=A"))), KEY, NOW)).toEqual({ ok: true });
  });
});
