import { InvalidArgumentError } from "../engine/errors.js";

/**
 * Reads a control-plane body: a JSON object (or nothing) whose every field the operation
 * takes. A field it does not take is refused (400) and named, with the known field it most
 * likely meant: `{"behaviour":"busy"}` must not pass as a party that answers.
 * @param known - the fields the operation takes
 * @param operation - how the error names the operation, e.g. `PUT /emulator/parties/{rawId}`
 */
export function readControlBody(body: unknown, known: readonly string[], operation: string): Record<string, any> {
  if (body === undefined) return {};
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new InvalidArgumentError("body", `The body of ${operation} must be a JSON object${known.length > 0 ? ` with ${known.join(", ")}` : ""}.`);
  }
  for (const field of Object.keys(body)) {
    if (known.includes(field)) continue;
    const meant = closest(field, known);
    throw new InvalidArgumentError(
      field,
      `${operation} does not take "${field}"${meant ? ` (did you mean "${meant}"?)` : ""}. It takes ${known.length > 0 ? known.join(", ") : "no body"}.`,
    );
  }
  return body as Record<string, any>;
}

/** The known name within a third of its length in edits of `name`, or that begins it or that it begins (case aside), the closest: a typo's intent. */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: { field: string; distance: number } | undefined;
  for (const field of known) {
    const [a, b] = [name.toLowerCase(), field.toLowerCase()];
    const distance = editDistance(a, b);
    // `statusCode` for `status`: a longer or shorter word for the same field.
    const begins = Math.min(a.length, b.length) >= 4 && (a.startsWith(b) || b.startsWith(a));
    const near = distance <= Math.max(1, Math.floor(field.length / 3)) || begins;
    // At the same distance a field the name begins, or that begins it, wins: `azureActiveDirectoryApplicatio`
    // is the application field cut short, not the tenant field (listed first) misspelt.
    const tie = best?.distance === distance;
    // Stryker disable next-line EqualityOperator: a tie is settled by `begins`, so `<` and `<=` only compare distances that differ
    if (near && (!best || (tie ? begins : distance < best.distance))) best = { field, distance };
  }
  return best?.field;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
