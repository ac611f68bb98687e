import fc from "fast-check";
import { expect, test } from "vitest";
import { headerValue, splitUrl } from "../../emulator/http/requestParts.js";

// The direct client and the msw handlers turn a request's absolute URL into scheme, Host and
// request target with `splitUrl`; whatever shape the URL has, they must see what a client that
// parses it with `URL` would send (the HMAC signature covers the host and the target).

/** What `URL` makes of `url`: the scheme, the Host header and the target, or that it refuses it. */
function asUrlSendsIt(url: string) {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "refused";
  }
  return { protocol: parsed.protocol === "https:" ? "https" : "http", host: parsed.host, target: parsed.pathname + parsed.search };
}
function asSplit(url: string) {
  try {
    return splitUrl(url);
  } catch {
    return "refused";
  }
}

// Not drawn, as clients never send them and splitUrl's fast path keeps them as written where
// `URL` rewrites them: a host of numbers not in dotted-quad form ("123", "010.0.0.1"), a port
// with leading zeros or above 65535, a dot segment encoded in upper case ("%2E%2E"), an empty
// query ("/x?").
const scheme = fc.constantFrom("http", "https", "HTTP", "Https");
/** Host names in any case (labels begin with a letter: a label of digits reads as IPv4) or a dotted quad. */
const label = fc.constantFrom("callsim", "r1", "Test", "LOCALHOST", "app", "communication", "AZURE", "com", "x-y", "CALLSIM");
const host = fc.oneof(
  fc.array(label, { minLength: 1, maxLength: 3 }).map((labels) => labels.join(".")),
  fc.constantFrom("127.0.0.1", "10.0.0.2"),
);
/** No port, a default one, another one, an empty one. */
const port = fc.constantFrom("", ":80", ":443", ":4010", ":8080", ":10010", ":1", ":");
/** User information: `URL` drops it from the Host header. */
const userinfo = fc.constantFrom("", "", "", "user@", "user:secret@");
/**
 * Path pieces: plain characters, characters `URL` percent-encodes (space, quote, non-ASCII),
 * percent-encodings in either case, a lone or broken `%`, dot segments plain and encoded (in
 * lower case: see below), a backslash, which `URL` reads as a slash.
 */
const pathPiece = fc.constantFrom("a", "Z", "9", "-", "_", ":", "/", "~", " ", '"', "é", "%3A", "%3a", "%2F", "%C3%A9", "%c3%a9", "%", "%4", "% ", "%#", "%zz", ".", "..", "%2e", "\\", "{", "|");
const path = fc.array(pathPiece, { maxLength: 8 }).map((pieces) => `/${pieces.join("")}`);
/**
 * Queries as apps send them, with characters `URL` encodes among them or alone; a query, when
 * present, is not empty.
 */
const queryPiece = fc.constantFrom("api-version=2026-03-12", "a=1", "&", "=", "+", ",", ":", "/", "%41", "%4", "%", " ", "'", '"', "<", "é", "~", ".", "skip=2");
const oddQueryPiece = fc.constantFrom(" ", "'", '"', "<", "é", "`", "^");
const query = fc.oneof(fc.constant([] as string[]), fc.array(queryPiece, { minLength: 1, maxLength: 5 }), fc.array(oddQueryPiece, { minLength: 1, maxLength: 3 })).map((pieces) => (pieces.length === 0 ? "" : `?${pieces.join("")}`));
/** A fragment is never sent, even one that holds another absolute URL. */
const fragment = fc.constantFrom("", "", "", "#top", "#https://other.test/cb", "#a b");

test("splitUrl sends every URL as URL would: scheme, Host without default port or user, target without fragment", () => {
  const url = fc.tuple(scheme, userinfo, host, port, path, query, fragment).map(([s, u, h, p, pa, q, f]) => `${s}://${u}${h}${p}${pa}${q}${f}`);
  fc.assert(
    fc.property(url, (candidate) => {
      expect(asSplit(candidate), candidate).toEqual(asUrlSendsIt(candidate));
    }),
    { seed: 16, numRuns: 3_000 },
  );
});

test("URLs an app's client sends every day keep their exact target", () => {
  // The forms the SDKs build (their URLs come from URL): host, port and target unchanged.
  for (const url of [
    "https://r1.communication.azure.com/calling/callConnections/abc%3Ad?api-version=2026-03-12",
    "http://127.0.0.1:4010/calling/callConnections?api-version=2026-03-12",
    "https://r1.communication.azure.com/rooms/99000000000000001/participants?api-version=2025-03-13",
  ]) {
    expect(splitUrl(url), url).toEqual(asUrlSendsIt(url));
  }
});

test("a header is found whatever case its name arrives in, and never under another name of the same length", () => {
  // `Host` and `Date` are both four letters: a request that has a Date but no Host has no Host.
  expect(headerValue({ Date: "Thu, 12 Mar 2026 10:00:00 GMT" }, "host")).toBeUndefined();
  expect(headerValue({ date: "Thu, 12 Mar 2026 10:00:00 GMT", HOST: "r1.test" }, "host")).toBe("r1.test");
  expect(headerValue({ "X-Ms-Date": "Thu, 12 Mar 2026 10:00:00 GMT" }, "x-ms-date")).toBe("Thu, 12 Mar 2026 10:00:00 GMT");
});
