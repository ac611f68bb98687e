import fc from "fast-check";
import generated from "../../contracts/generated/callAutomation.schema.json" with { type: "json" };

type Schema = Record<string, any>;
const definitions = (generated as unknown as { definitions: Record<string, Schema> }).definitions;

/** Values that make generated requests reach deep into the engine: ids that exist, URLs it accepts. */
export interface Vocabulary {
  rawIds: string[];
  strings: string[];
  /** Strings for fields of that name (`callbackUri`, `incomingCallContext`), where any string would only be refused. */
  byField?: Record<string, string[]>;
}

const MAX_DEPTH = 4;

/** An identifier model of the spec for a rawId: the shapes the SDK sends. */
function identifierModel(rawId: string): Record<string, unknown> {
  if (rawId.startsWith("4:")) return { kind: "phoneNumber", phoneNumber: { value: rawId.slice(2) } };
  return { kind: "communicationUser", communicationUser: { id: rawId } };
}

/**
 * A fast-check arbitrary of valid-looking values shaped like `schema` (a model of the
 * generated bundle): required fields always there, at most two optional ones, enums from the
 * spec, strings from `vocabulary` so that ids resolve. {@link mutated} breaks them.
 */
export function arbitraryFor(schema: Schema, vocabulary: Vocabulary, depth = 0, field?: string): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    const name = String(schema.$ref).split("/").pop()!;
    if (name === "CommunicationIdentifierModel") {
      // Mostly identities that exist; sometimes schema-valid oddities (empty ids, mixed kinds).
      const odd = fc.oneof(
        fc.string({ maxLength: 8 }).map((id) => ({ communicationUser: { id } })),
        fc.string({ maxLength: 8 }).map((value) => ({ kind: "phoneNumber", phoneNumber: { value } })),
        fc.constantFrom(...vocabulary.rawIds).map((id) => ({ kind: "microsoftTeamsUser", communicationUser: { id }, rawId: id })),
        fc.string({ maxLength: 8 }).map((rawId) => ({ rawId })),
        fc.constant({}),
      );
      return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...vocabulary.rawIds).map(identifierModel) }, { weight: 1, arbitrary: odd });
    }
    if (name === "PhoneNumberIdentifierModel") return fc.constantFrom(...vocabulary.rawIds.filter((id) => id.startsWith("4:"))).map((id) => ({ value: id.slice(2) }));
    if (name === "CommunicationUserIdentifierModel") return fc.constantFrom(...vocabulary.rawIds.filter((id) => id.startsWith("8:"))).map((id) => ({ id }));
    return arbitraryFor(definitions[name], vocabulary, depth, field);
  }
  if (depth > MAX_DEPTH) return fc.constant(undefined);
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  switch (schema.type) {
    case "string":
      return fc.constantFrom(...(vocabulary.byField?.[field ?? ""] ?? [...vocabulary.strings, ...vocabulary.rawIds]));
    case "boolean":
      return fc.boolean();
    case "integer":
      return fc.integer({ min: (schema.minimum as number | undefined) ?? -5, max: (schema.maximum as number | undefined) ?? 1000 });
    case "number":
      return fc.double({ noNaN: true, min: -1e6, max: 1e6 });
    case "array":
      return fc.array(arbitraryFor(schema.items ?? {}, vocabulary, depth + 1), { maxLength: 3 });
  }
  const properties: Record<string, Schema> = { ...(schema.properties ?? {}) };
  const required = new Set<string>(schema.required ?? []);
  for (const part of (schema.allOf as Schema[] | undefined) ?? []) {
    const base = part.$ref ? definitions[String(part.$ref).split("/").pop()!] : part;
    Object.assign(properties, base.properties ?? {});
    for (const key of base.required ?? []) required.add(key);
  }
  if (Object.keys(properties).length === 0) {
    return schema.additionalProperties ? fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 2 }) : fc.constant({});
  }
  const fields = Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, arbitraryFor(s, vocabulary, depth + 1, key)]));
  const optional = Object.keys(fields).filter((key) => !required.has(key));
  return fc.tuple(fc.record(fields), fc.subarray(optional, { maxLength: Math.min(2, optional.length) })).map(([value, chosen]) =>
    Object.fromEntries(Object.entries(value).filter(([key, v]) => v !== undefined && (required.has(key) || chosen.includes(key)))),
  );
}

/**
 * Breaks one spot of a value: drops a field, or puts any JSON (or a wrong type) in its place,
 * at the top or anywhere inside.
 */
export function mutated(value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(value, fc.nat(), fc.constantFrom("drop", "replace", "wrongType"), fc.jsonValue({ maxDepth: 2 })).map(([original, pick, how, replacement]) => {
    const copy = structuredClone(original);
    const spots: Array<[Record<string, unknown> | unknown[], string | number]> = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach((item, i) => (spots.push([node, i]), walk(item)));
      else if (node && typeof node === "object") for (const [key, item] of Object.entries(node)) (spots.push([node as Record<string, unknown>, key]), walk(item));
    };
    walk(copy);
    if (spots.length === 0) return replacement;
    const [parent, key] = spots[pick % spots.length];
    const current = (parent as any)[key];
    if (how === "drop" && !Array.isArray(parent)) delete (parent as any)[key];
    else if (how === "wrongType") (parent as any)[key] = typeof current === "string" ? 42 : typeof current === "object" ? "not an object" : [current];
    else (parent as any)[key] = replacement;
    return copy;
  });
}
