import { bundleFor, NEWEST_API_VERSION, type Bundle, type Schema } from "./apiVersions.js";

/**
 * What an older api-version's client is sent: callsim builds every answer and event as the
 * newest spec has them, and these leave out what the client's api-version does not have.
 */

/** Fields of callback event data the service sends beside the spec's (see the validator). */
const EVENT_ENVELOPE_FIELDS = new Set(["version", "publicEventType"]);

/**
 * A response as `apiVersion` has it: the success status that version answers (StartRecording
 * answered 200 before 202 came), and the body without the fields (at any depth) its models
 * lack. The newest version's responses pass unchanged.
 */
export function shapeResponse(operationId: string, status: number, body: unknown, apiVersion: string): { status: number; body: unknown } {
  if (apiVersion === NEWEST_API_VERSION) return { status, body };
  const bundle = bundleFor(apiVersion);
  const responses = bundle.operations[operationId]?.responses;
  if (!responses) return { status, body };
  const fitted = String(status) in responses || status >= 300 ? status : Number(Object.keys(responses).find((s) => s.startsWith("2")) ?? status);
  const schema = responses[String(fitted)];
  return { status: fitted, body: schema && body !== undefined ? prune(body, schema, bundle) : body };
}

/**
 * A request body as `apiVersion` reads it: fields that version's models lack are left out, so
 * a field the request's version does not have changes nothing, whatever newer versions mean by it.
 */
export function shapeRequestBody(operationId: string, body: unknown, apiVersion: string): unknown {
  if (apiVersion === NEWEST_API_VERSION || body === undefined || body === null) return body;
  const bundle = bundleFor(apiVersion);
  const schema = bundle.operations[operationId]?.body?.schema;
  return schema ? prune(body, schema, bundle) : body;
}

/**
 * A callback event's `data` as `apiVersion` has it, or `undefined` when that version has no
 * such event (its client would not know it). `name` is the type without its prefix.
 */
export function shapeCallbackEventData(apiVersion: string, name: string, data: Record<string, unknown>): Record<string, unknown> | undefined {
  if (apiVersion === NEWEST_API_VERSION) return data;
  const bundle = bundleFor(apiVersion);
  const schema = bundle.events[name];
  if (!schema) return undefined;
  const shaped = prune(data, schema, bundle) as Record<string, unknown>;
  // Kept where they were: the wire order of the fields is part of what apps log and compare.
  const out: Record<string, unknown> = {};
  for (const key in data) {
    if (EVENT_ENVELOPE_FIELDS.has(key)) out[key] = data[key];
    else if (key in shaped) out[key] = shaped[key];
  }
  return out;
}

/** `value` without the fields `schema` does not have, following $refs, bases and subtypes. */
function prune(value: unknown, schema: Schema, bundle: Bundle): unknown {
  const resolved = resolve(schema, value, bundle);
  if (Array.isArray(value)) return resolved.items ? value.map((item) => prune(item, resolved.items, bundle)) : value;
  if (typeof value !== "object" || value === null) return value;
  const properties = fieldsOf(resolved, bundle);
  if (!properties) return value;
  const extra = resolved.additionalProperties;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    const fieldSchema = properties[key];
    if (fieldSchema) out[key] = prune(field, fieldSchema, bundle);
    else if (typeof extra === "object") out[key] = prune(field, extra, bundle);
    else if (extra === true) out[key] = field;
  }
  return out;
}

/** The model `schema` names, or the subtype its discriminator picks for `value`. */
function resolve(schema: Schema, value: unknown, bundle: Bundle): Schema {
  let current = schema;
  while (current.$ref) current = bundle.definitions[String(current.$ref).split("/").pop()!] ?? {};
  const discriminator = current.discriminator as string | undefined;
  const tag = discriminator && typeof value === "object" && value !== null ? (value as Record<string, unknown>)[discriminator] : undefined;
  if (typeof tag === "string") {
    const sub = Object.values(bundle.definitions).find((d) => d["x-ms-discriminator-value"] === tag && (d.allOf as Schema[] | undefined)?.some((p) => p.$ref && bundle.definitions[p.$ref.split("/").pop()] === current));
    if (sub) return sub;
  }
  return current;
}

/** Every field of a model, its bases' included; `undefined` for a schema that names none (any object). */
function fieldsOf(schema: Schema, bundle: Bundle): Record<string, Schema> | undefined {
  if (!schema.properties && !schema.allOf) return undefined;
  const fields: Record<string, Schema> = {};
  for (const part of (schema.allOf as Schema[] | undefined) ?? []) Object.assign(fields, fieldsOf(resolve(part, undefined, bundle), bundle) ?? {});
  return Object.assign(fields, schema.properties ?? {});
}
