/**
 * Fingerprints of an exploration's states, for visited-state pruning (as TLC and SPIN stop at
 * a state they have already seen): two runs that reach the same app state with the same
 * emulator state and the same deliveries left to make have the same futures, so only one of
 * them needs to be explored further.
 */

/** Thrown inside {@link canonical} when a value has no faithful fingerprint (a function, a promise, a class instance). */
export class NotFingerprintable extends Error {}

/**
 * A canonical text of a JSON-able value: object keys sorted, Map entries and Set members
 * sorted by their own canonical text (insertion order is no part of the state), arrays in
 * order. Throws {@link NotFingerprintable} for what it cannot describe faithfully.
 */
export function canonical(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    case "function":
    case "symbol":
      throw new NotFingerprintable(`a ${typeof value}`);
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value instanceof Map) return `Map{${[...value].map(([k, v]) => `${canonical(k)}:${canonical(v)}`).sort().join(",")}}`;
  if (value instanceof Set) return `Set{${[...value].map(canonical).sort().join(",")}}`;
  if (value instanceof Date) return `Date(${value.getTime()})`;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new NotFingerprintable(`an instance of ${proto.constructor?.name ?? "a class"}`);
  const record = value as Record<string, unknown>;
  // The default sort compares keys by UTF-16 code units: the same order on every machine, unlike a locale's.
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(",")}}`;
}

/** The app's state fingerprint, or why there is none. */
export type AppFingerprint = { fingerprint: string; copiesLeft?: number } | { why: string };

/** Fingerprints an app's state with its own function, or by default with {@link canonical}. */
export function fingerprintState<S>(state: S, own?: (state: S) => string): AppFingerprint {
  try {
    return { fingerprint: own ? own(state) : canonical(state) };
  } catch (e) {
    if (e instanceof NotFingerprintable) return { why: `its state holds ${e.message}; give the app a fingerprint(state) function` };
    return { why: `its fingerprint(state) threw: ${e instanceof Error ? e.message : String(e)}` };
  }
}
