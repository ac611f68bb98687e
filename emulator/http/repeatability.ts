import { sha256Base64 } from "./auth.js";
import { HttpError } from "./errors.js";
import { parseHttpDate } from "./requestParts.js";

/**
 * Rule (documented for ACS repeatable requests, assumed for Call Automation): requests are
 * tracked for five minutes; a Repeatability-First-Sent older than that is refused with 412.
 * @see https://learn.microsoft.com/rest/api/communication/repeatable-requests
 */
export const REPEATABILITY_WINDOW_MS = 5 * 60_000;

/**
 * Rule (assumed): at most 10,000 request ids are remembered at once; beyond that the oldest
 * tenth is forgotten early (counted in `evicted`), so a flood of requests cannot grow memory.
 */
export const REPEATABILITY_CAPACITY = 10_000;

/** The response header that says whether a repeatable request was accepted. */
export const REPEATABILITY_RESULT_HEADER = "repeatability-result";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** IMF-fixdate (RFC 9110 §5.6.7), the form `new Date().toUTCString()` writes. */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** A repeatable request's identity: its id and a fingerprint of what it asked for. */
export interface RepeatabilityKey {
  id: string;
  fingerprint: string;
}

interface Remembered<T> {
  fingerprint: string;
  at: number;
  response: T;
}

/**
 * `Repeatability-Request-ID` + `Repeatability-First-Sent` as ACS documents them: a repeat
 * within the window gets the first answer and causes no second effect; a malformed header is
 * a 400 naming it; a First-Sent outside the window is a 412; the same id for a different
 * request is a 400. An answer with a 5xx status is not remembered, so a repeat runs again.
 */
export class RepeatabilityCache<T> {
  private readonly entries = new Map<string, Remembered<T>>();
  /** Ids forgotten before their window ended because the cache was full. */
  evicted = 0;

  constructor(
    private readonly now: () => number,
    private readonly windowMs = REPEATABILITY_WINDOW_MS,
    private readonly capacity = REPEATABILITY_CAPACITY,
  ) {}

  /**
   * Reads and checks the headers; returns the key to remember under, or undefined when the
   * request carries neither header.
   * @throws HttpError 400 naming the malformed header, 412 when First-Sent is outside the window
   */
  key(
    headers: Record<string, string | string[] | undefined>,
    request: { method: string; path: string; body: string; /** base64 SHA-256 of `body` when already known (a verified x-ms-content-sha256). */ bodyHash?: string },
  ): RepeatabilityKey | undefined {
    const id = single(headers["repeatability-request-id"]);
    const firstSent = single(headers["repeatability-first-sent"]);
    if (id === undefined && firstSent === undefined) return undefined;
    if (id === undefined) {
      throw new HttpError("badRepeatability", "Repeatability-First-Sent was sent without Repeatability-Request-ID; send both or neither.", "Repeatability-Request-ID");
    }
    if (!UUID.test(id)) {
      throw new HttpError("badRepeatability", `Repeatability-Request-ID must be a UUID (e.g. 3f2504e0-4f89-41d3-9a0c-0305e82c3301, crypto.randomUUID()); got "${id}".`, "Repeatability-Request-ID");
    }
    const sentAt = firstSent !== undefined && IMF_FIXDATE.test(firstSent) ? parseHttpDate(firstSent) : Number.NaN;
    if (Number.isNaN(sentAt)) {
      throw new HttpError(
        "badRepeatability",
        firstSent === undefined
          ? "Repeatability-Request-ID was sent without Repeatability-First-Sent; send both, First-Sent as an IMF-fixdate such as \"Sun, 06 Nov 1994 08:49:37 GMT\"."
          : `Repeatability-First-Sent must be an IMF-fixdate such as "Sun, 06 Nov 1994 08:49:37 GMT" (new Date().toUTCString()); got "${firstSent}".`,
        "Repeatability-First-Sent",
      );
    }
    if (this.now() - sentAt > this.windowMs) {
      throw new HttpError(
        "repeatabilityExpired",
        `Repeatability-First-Sent (${firstSent}) is not within the ${this.windowMs / 60_000} minute window, so the request may not be safe to run again. Send a new Repeatability-Request-ID with the current time, and check the client's clock.`,
        "Repeatability-First-Sent",
      );
    }
    const fingerprint = `${request.method} ${request.path}\n${request.bodyHash ?? sha256Base64(request.body)}`;
    return { id, fingerprint };
  }

  /**
   * The first answer to this request id, if it is still remembered.
   * @throws HttpError 400 when the id was used for a different request
   */
  recall(key: RepeatabilityKey): T | undefined {
    const entry = this.entries.get(key.id);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.windowMs) {
      this.entries.delete(key.id);
      return undefined;
    }
    if (entry.fingerprint !== key.fingerprint) {
      throw new HttpError(
        "badRepeatability",
        `Repeatability-Request-ID ${key.id} was already used for a different request (another operation, path or body). Use a fresh UUID for each new request.`,
        "Repeatability-Request-ID",
      );
    }
    return entry.response;
  }

  /** Remembers the first answer to `key`. */
  remember(key: RepeatabilityKey, response: T): void {
    this.entries.delete(key.id);
    this.entries.set(key.id, { fingerprint: key.fingerprint, at: this.now(), response });
    if (this.entries.size > this.capacity) this.evict();
  }

  /** Request ids remembered now. */
  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.evicted = 0;
  }

  /**
   * Drops expired entries, then the oldest ones (the map is in insertion, so time, order) until
   * a tenth of the capacity is free. Evicting one id per request instead made a full cache's
   * every request walk the map's holes left by earlier deletes: 12 µs per request at 10,000.
   */
  private evict(): void {
    const cutoff = this.now() - this.windowMs;
    const keep = this.capacity - Math.floor(this.capacity / 10);
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= keep && entry.at >= cutoff) break;
      if (entry.at >= cutoff) this.evicted++;
      this.entries.delete(id);
    }
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
