import { describe, expect, test } from "vitest";
import { HttpError } from "../../emulator/http/errors.js";
import { RepeatabilityCache } from "../../emulator/http/repeatability.js";

// Repeatability-Request-ID / Repeatability-First-Sent as a client sends them: what is refused,
// with which message, and how long an answer is remembered.
const ID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
const T0 = Date.parse("2026-03-12T10:00:00Z");
const T0_TEXT = "Thu, 12 Mar 2026 10:00:00 GMT";
const REQUEST = { method: "POST", path: "/calling/callConnections", body: "{}" };

function clockAt(ms: number) {
  const clock = { now: ms };
  return { clock, cache: new RepeatabilityCache<string>(() => clock.now) };
}

function refusal(run: () => unknown): { name: string; message: string; target?: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    const e = error as HttpError;
    return { name: e.name_, message: e.message, target: e.target };
  }
  throw new Error("expected a refusal");
}

describe("reading the headers", () => {
  test("a request with neither header is not repeatable", () => {
    expect(clockAt(T0).cache.key({}, REQUEST)).toBeUndefined();
  });

  test("First-Sent without an id says to send both or neither", () => {
    expect(refusal(() => clockAt(T0).cache.key({ "repeatability-first-sent": T0_TEXT }, REQUEST))).toEqual({
      name: "badRepeatability",
      target: "Repeatability-Request-ID",
      message: "Repeatability-First-Sent was sent without Repeatability-Request-ID; send both or neither.",
    });
  });

  test("an id without First-Sent says to send both, with an example date", () => {
    expect(refusal(() => clockAt(T0).cache.key({ "repeatability-request-id": ID }, REQUEST))).toEqual({
      name: "badRepeatability",
      target: "Repeatability-First-Sent",
      message: 'Repeatability-Request-ID was sent without Repeatability-First-Sent; send both, First-Sent as an IMF-fixdate such as "Sun, 06 Nov 1994 08:49:37 GMT".',
    });
  });

  test("a First-Sent that is not an IMF-fixdate is named", () => {
    // `GMT+0100` is one Date.parse reads, with an offset: the form alone decides.
    for (const firstSent of ["2026-03-12T10:00:00Z", `x${T0_TEXT}`, `${T0_TEXT}x`, `${T0_TEXT}+0100`, "Thu, 12 Mar 2026 10:00:00 UTC"]) {
      expect(refusal(() => clockAt(T0).cache.key({ "repeatability-request-id": ID, "repeatability-first-sent": firstSent }, REQUEST)), firstSent).toEqual({
        name: "badRepeatability",
        target: "Repeatability-First-Sent",
        message: `Repeatability-First-Sent must be an IMF-fixdate such as "Sun, 06 Nov 1994 08:49:37 GMT" (new Date().toUTCString()); got "${firstSent}".`,
      });
    }
  });

  test("an id that is not a UUID is named", () => {
    for (const id of ["not-a-uuid", `x${ID}`, `${ID}x`]) {
      expect(refusal(() => clockAt(T0).cache.key({ "repeatability-request-id": id, "repeatability-first-sent": T0_TEXT }, REQUEST)).message, id).toBe(
        `Repeatability-Request-ID must be a UUID (e.g. 3f2504e0-4f89-41d3-9a0c-0305e82c3301, crypto.randomUUID()); got "${id}".`,
      );
    }
    expect(clockAt(T0).cache.key({ "repeatability-request-id": ID.toUpperCase(), "repeatability-first-sent": T0_TEXT }, REQUEST)?.id).toBe(ID.toUpperCase());
  });

  test("a repeated header is read from its first value", () => {
    expect(clockAt(T0).cache.key({ "repeatability-request-id": [ID, "x"], "repeatability-first-sent": [T0_TEXT, "y"] }, REQUEST)?.id).toBe(ID);
  });

  test("a First-Sent exactly five minutes old is accepted, a second older is refused with 412", () => {
    const headers = { "repeatability-request-id": ID, "repeatability-first-sent": T0_TEXT };
    expect(clockAt(T0 + 5 * 60_000).cache.key(headers, REQUEST)?.id).toBe(ID);
    expect(refusal(() => clockAt(T0 + 5 * 60_000 + 1000).cache.key(headers, REQUEST))).toEqual({
      name: "repeatabilityExpired",
      target: "Repeatability-First-Sent",
      message: `Repeatability-First-Sent (${T0_TEXT}) is not within the 5 minute window, so the request may not be safe to run again. Send a new Repeatability-Request-ID with the current time, and check the client's clock.`,
    });
  });
});

describe("remembering answers", () => {
  const headers = { "repeatability-request-id": ID, "repeatability-first-sent": T0_TEXT };

  test("an answer is recalled until the window ends, then forgotten", () => {
    const { clock, cache } = clockAt(T0);
    const key = cache.key(headers, REQUEST)!;
    cache.remember(key, "first");
    clock.now = T0 + 5 * 60_000;
    expect(cache.recall(key)).toBe("first");
    clock.now += 1;
    expect(cache.recall(key)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  test("the same id for another request is refused, naming the id", () => {
    const { cache } = clockAt(T0);
    cache.remember(cache.key(headers, REQUEST)!, "first");
    const other = cache.key(headers, { ...REQUEST, body: '{"x":1}' })!;
    expect(refusal(() => cache.recall(other))).toEqual({
      name: "badRepeatability",
      target: "Repeatability-Request-ID",
      message: `Repeatability-Request-ID ${ID} was already used for a different request (another operation, path or body). Use a fresh UUID for each new request.`,
    });
  });

  test("a known body hash stands for the body", () => {
    const { cache } = clockAt(T0);
    const hashed = cache.key(headers, { ...REQUEST, body: "ignored", bodyHash: "RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=" })!;
    expect(hashed).toEqual(cache.key(headers, REQUEST));
  });

  /** A cache of 10 ids with a 1 s window, filled at T0, that takes an 11th `laterMs` after. */
  function overflowed(laterMs: number) {
    const clock = { now: T0 };
    const small = new RepeatabilityCache<string>(() => clock.now, 1000, 10);
    const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
    for (let i = 0; i < 10; i++) small.remember({ id: id(i), fingerprint: "f" }, `a${i}`);
    clock.now = T0 + laterMs;
    small.remember({ id: id(10), fingerprint: "f" }, "a10");
    return { small, id };
  }

  test("a full cache forgets its oldest tenth, counting only ids whose window had not ended", () => {
    const { small, id } = overflowed(1000);
    // Ids remembered exactly a window ago are still within it: evicted early, and counted.
    expect(small.size).toBe(9);
    expect(small.evicted).toBe(2);
    expect(small.recall({ id: id(0), fingerprint: "f" })).toBeUndefined();
    expect(small.recall({ id: id(2), fingerprint: "f" })).toBe("a2");
  });

  test("a full cache drops every id whose window has ended, not only a tenth", () => {
    const { small } = overflowed(1001);
    expect(small.size).toBe(1);
    expect(small.evicted).toBe(0);
  });
});
