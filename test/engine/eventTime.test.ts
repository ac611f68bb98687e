import fc from "fast-check";
import { expect, test } from "vitest";
import { formatEventTime } from "../../emulator/engine/clock.js";
import { createIdGenerator } from "../../emulator/engine/ids.js";

test("event times read as the service writes them: the ISO time with seven fractional digits and +00:00", () => {
  fc.assert(
    fc.property(fc.double({ min: 0, max: 4_102_444_800_000, noNaN: true }), (time) => {
      expect(formatEventTime(time)).toBe(`${new Date(Math.floor(time)).toISOString().slice(0, 23)}0000+00:00`);
    }),
    { seed: 3, numRuns: 2_000 },
  );
});

test("event times at one instant are one string, and the next instant gets its own", () => {
  const at = Date.parse("2026-03-01T10:00:00.123Z");
  const first = formatEventTime(at + 0.4);
  expect(formatEventTime(at)).toBe(first);
  expect(formatEventTime(at + 1)).toBe("2026-03-01T10:00:00.1240000+00:00");
  expect(formatEventTime(at)).toBe("2026-03-01T10:00:00.1230000+00:00");
  expect(formatEventTime(at - 1000)).toBe("2026-03-01T09:59:59.1230000+00:00");
});

test("ids are version-4 UUIDs of the RFC 4122 variant, unique and the same for the same seed", () => {
  const first = createIdGenerator(7);
  const ids = Array.from({ length: 5_000 }, () => first.uuid());
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(new Set(ids).size).toBe(ids.length);
  const again = createIdGenerator(7);
  expect(Array.from({ length: 5_000 }, () => again.uuid())).toEqual(ids);
  expect(createIdGenerator(8).uuid()).not.toBe(ids[0]);
});
