import { HttpError } from "./errors.js";

/**
 * Rule (assumed): the service remembers a Repeatability-Request-ID for five minutes; the
 * spec asks for at-most-once execution but names no window.
 */
export const REPEATABILITY_WINDOW_MS = 5 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A remembered answer. */
interface Remembered<T> {
  operationId: string;
  at: number;
  response: T;
}

/**
 * `Repeatability-Request-ID` + `Repeatability-First-Sent`: a repeat within the window gets
 * the first answer and causes no second effect.
 */
export class RepeatabilityCache<T> {
  private readonly entries = new Map<string, Remembered<T>>();

  constructor(private readonly now: () => number, private readonly windowMs = REPEATABILITY_WINDOW_MS) {}

  /**
   * Reads the headers; returns the request id to remember under, or undefined when the
   * request carries none. Malformed values are a 400 naming the header.
   */
  key(headers: Record<string, string | string[] | undefined>): string | undefined {
    const id = single(headers["repeatability-request-id"]);
    const firstSent = single(headers["repeatability-first-sent"]);
    if (id === undefined && firstSent === undefined) return undefined;
    if (id === undefined) {
      throw new HttpError("badRepeatability", "Repeatability-First-Sent was sent without Repeatability-Request-ID; send both or neither.", "Repeatability-Request-ID");
    }
    if (!UUID.test(id)) {
      throw new HttpError("badRepeatability", `Repeatability-Request-ID must be a UUID (e.g. 3f2504e0-4f89-41d3-9a0c-0305e82c3301); got "${id}".`, "Repeatability-Request-ID");
    }
    if (firstSent === undefined || Number.isNaN(Date.parse(firstSent)) || !/GMT$/.test(firstSent)) {
      throw new HttpError(
        "badRepeatability",
        `Repeatability-First-Sent must be an IMF-fixdate such as "Sun, 06 Nov 1994 08:49:37 GMT" (new Date().toUTCString()); got "${firstSent ?? ""}".`,
        "Repeatability-First-Sent",
      );
    }
    return id;
  }

  /** The first answer to this request id, if it is still remembered. */
  recall(key: string, operationId: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.windowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.operationId === operationId ? entry.response : undefined;
  }

  remember(key: string, operationId: string, response: T): void {
    this.entries.set(key, { operationId, at: this.now(), response });
    if (this.entries.size > 10_000) this.evict();
  }

  clear(): void {
    this.entries.clear();
  }

  private evict(): void {
    const cutoff = this.now() - this.windowMs;
    for (const [key, entry] of this.entries) if (entry.at < cutoff) this.entries.delete(key);
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
