/** Headers as the transports hand them over: lower-case names, a repeated header as an array. */
export type HeaderMap = Record<string, string | string[] | undefined>;

/** A header value by lower-case name; first value of a repeated header; falls back to a case-insensitive scan. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  let value = headers[name];
  // Stryker disable next-line ConditionalExpression: scanning when the exact name is there finds that same entry, as no header map holds one name in two cases (Node and fetch Headers merge names ignoring case, so does the SDK's HttpHeaders); the "false" variant, which never scans, is killed.
  if (value === undefined) {
    for (const key in headers) {
      if (key.toLowerCase() === name) {
        value = headers[key];
        break;
      }
    }
  }
  return Array.isArray(value) ? value[0] : value;
}

/** A request target split into its path (percent-encoding kept) and its query. */
export function splitTarget(url: string): { path: string; query: URLSearchParams } {
  const q = url.indexOf("?");
  return q < 0 ? { path: url, query: new URLSearchParams() } : { path: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1)) };
}

/** The last HTTP date parsed and its time: a client stamps many requests within one second. */
// Stryker disable next-line StringLiteral: the seed's time is NaN, which is what Date.parse gives for "" and for any other text that is no date, so whatever text seeds the memo, it answers as a parse would.
let lastDate = { value: "", ms: Number.NaN };

/** `Date.parse` of an HTTP date header (x-ms-date, Repeatability-First-Sent), memoised for the last value. */
export function parseHttpDate(value: string): number {
  // Stryker disable next-line ConditionalExpression: parsing again when the text is the memo's gives the time the memo holds; only the saved work differs. The "false" variant (a stale time) is killed.
  if (value !== lastDate.value) lastDate = { value, ms: Date.parse(value) };
  return lastDate.ms;
}

/**
 * A URL already in the form `URL` gives it (the SDK builds its URLs with `URL`): scheme, a
 * lower-case host, and a path and query with nothing left to normalise.
 */
// Stryker disable next-line Regex: every regex mutant left here narrows the fast path (https only; a one-character host; a port required or of one digit; one path character; a query required or of one character), which only sends more URLs to `new URL`, with the same split. Those that widen it are killed by test/http/absoluteUrls.test.ts.
const PLAIN_URL = /^(https?):\/\/([a-z0-9.\-]+(?::\d+)?)(\/(?:[A-Za-z0-9\-_:/]|%[0-9A-F]{2})*(?:\?[A-Za-z0-9\-_.~=&%+:,/]*)?)$/;

/**
 * Scheme, host and request target (path and query, fragment dropped) of an absolute URL, as
 * a client would put them on the wire; only a URL not already in `URL`'s form is parsed.
 */
export function splitUrl(url: string): { protocol: "http" | "https"; host: string; target: string } {
  const match = PLAIN_URL.exec(url);
  // Stryker disable next-line Regex: without "$" the check also sends ports that begin with 80 or 443 (8080, 4430) to `new URL`, which splits them the same; the host part holds no other colon.
  if (match && !/:(80|443)$/.test(match[2])) return { protocol: match[1] as "http" | "https", host: match[2], target: match[3] };
  const parsed = new URL(url);
  return { protocol: parsed.protocol === "https:" ? "https" : "http", host: parsed.host, target: parsed.pathname + parsed.search };
}

/** A percent-encoded path segment or path, decoded; left as it is when its encoding is broken. */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
