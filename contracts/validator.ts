import generated from "./generated/callAutomation.schema.json" with { type: "json" };

/** One way a request, response or event departs from the spec. */
export interface ContractViolation {
  /** Where: `targets[0].phoneNumber.value`, `callbackUri`, or "" for the whole body. */
  path: string;
  /** What is wrong and what is expected: "is required", "must be one of none, busy, forbidden". */
  message: string;
}

type Schema = Record<string, any>;
interface Bundle {
  definitions: Record<string, Schema>;
  operations: Record<string, { method: string; path: string; body: { schema: Schema; required: boolean } | null; responses: Record<string, Schema | null> }>;
  events: Record<string, Schema>;
  eventGridEvents: Record<string, Schema>;
}

// The bundle is generated from the official spec by contracts/generate.mjs and checked in.
const bundle = generated as unknown as Bundle;

/** Who the check is for: requests may omit what only responses must carry. */
type Mode = { strict: boolean; response: boolean };
type Check = (value: unknown, path: string, out: ContractViolation[], mode: Mode) => void;

const compiled = new Map<Schema, Check>();
/** Discriminated models: base name → discriminator value → subtype name. */
const subtypes = new Map<string, Map<string, string>>();
for (const [name, schema] of Object.entries(bundle.definitions)) {
  const value = schema["x-ms-discriminator-value"];
  const base = (schema.allOf as Schema[] | undefined)?.find((s) => s.$ref)?.$ref?.split("/").pop();
  if (value && base) subtypes.set(base, (subtypes.get(base) ?? new Map()).set(value, name));
}

/**
 * Rule (from the spec's own descriptions): `kind` and `rawId` of an identifier are "only
 * required in responses", which the schema cannot say; responses and events are held to it.
 */
const RESPONSE_ONLY_REQUIRED: Record<string, string[]> = { CommunicationIdentifierModel: ["kind", "rawId"] };

/** A subtype's own base, checked without dispatching back to the subtype (which would recurse forever). */
const compiledBases = new Map<Schema, Check>();

function compile(schema: Schema, name?: string, dispatch = true): Check {
  const cache = dispatch ? compiled : compiledBases;
  const cached = cache.get(schema);
  if (cached) return cached;
  let check: Check = () => {};
  cache.set(schema, (v, p, o, m) => check(v, p, o, m));
  check = build(schema, name, dispatch);
  cache.set(schema, check);
  return check;
}

function ref(schema: Schema): { target: Schema; name: string } {
  const name = String(schema.$ref).split("/").pop()!;
  return { target: bundle.definitions[name], name };
}

function build(schema: Schema, name?: string, dispatch = true): Check {
  if (schema.$ref) {
    const { target, name: refName } = ref(schema);
    return compile(target, refName, dispatch);
  }
  const checks: Check[] = [];
  const at = (path: string, key: string) => (path ? `${path}.${key}` : key);
  for (const part of (schema.allOf as Schema[] | undefined) ?? []) checks.push(compile(part, undefined, false));
  const type = schema.type as string | undefined;
  if (type === "string") checks.push((v, p, o) => typeof v !== "string" && o.push({ path: p, message: "must be a string" }));
  if (type === "boolean") checks.push((v, p, o) => typeof v !== "boolean" && o.push({ path: p, message: "must be true or false" }));
  if (type === "integer" || type === "number") {
    const range = schema.minimum !== undefined || schema.maximum !== undefined ? ` between ${schema.minimum ?? "-∞"} and ${schema.maximum ?? "∞"}` : "";
    checks.push((v, p, o) => {
      const ok = typeof v === "number" && (type === "number" || Number.isInteger(v)) && !(schema.minimum !== undefined && v < schema.minimum) && !(schema.maximum !== undefined && v > schema.maximum);
      if (!ok) o.push({ path: p, message: `must be ${type === "integer" ? "an integer" : "a number"}${range}` });
    });
  }
  if (schema.enum) {
    const allowed = new Set(schema.enum as unknown[]);
    checks.push((v, p, o) => typeof v === "string" && !allowed.has(v) && o.push({ path: p, message: `must be one of ${[...allowed].join(", ")}` }));
  }
  if (type === "array" || schema.items) {
    const item = compile(schema.items ?? {});
    checks.push((v, p, o, m) => {
      if (!Array.isArray(v)) return void o.push({ path: p, message: "must be an array" });
      v.forEach((entry, i) => item(entry, `${p}[${i}]`, o, m));
    });
  }
  if (type === "object" || schema.properties) {
    const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>).map(([key, s]) => [key, compile(s)] as const);
    const known = new Set(Object.keys(schema.properties ?? {}));
    for (const part of (schema.allOf as Schema[] | undefined) ?? []) for (const key of Object.keys(ref(part).target?.properties ?? {})) known.add(key);
    const required = (schema.required as string[] | undefined) ?? [];
    const responseRequired = name ? RESPONSE_ONLY_REQUIRED[name] ?? [] : [];
    const extra = typeof schema.additionalProperties === "object" ? compile(schema.additionalProperties) : undefined;
    const variants = name && dispatch ? subtypes.get(name) : undefined;
    const discriminator = schema.discriminator as string | undefined;
    checks.push((v, p, o, m) => {
      if (typeof v !== "object" || v === null || Array.isArray(v)) return void o.push({ path: p, message: "must be an object" });
      const record = v as Record<string, unknown>;
      if (variants && discriminator && typeof record[discriminator] === "string") {
        const sub = variants.get(record[discriminator] as string);
        if (sub) return compile(bundle.definitions[sub], sub)(v, p, o, m);
      }
      for (const key of required) if (record[key] === undefined) o.push({ path: at(p, key), message: "is required" });
      if (m.response) for (const key of responseRequired) if (record[key] === undefined) o.push({ path: at(p, key), message: "is required in responses" });
      for (const [key, check] of properties) if (record[key] !== undefined && record[key] !== null) check(record[key], at(p, key), o, m);
      if (extra) for (const [key, value] of Object.entries(record)) if (!known.has(key)) extra(value, at(p, key), o, m);
      if (dispatch && m.strict && !extra && schema.additionalProperties !== true) {
        for (const key of Object.keys(record)) if (!known.has(key)) o.push({ path: at(p, key), message: `is not a field of ${name ?? "this object"}` });
      }
    });
  }
  return (v, p, o, m) => {
    for (const check of checks) check(v, p, o, m);
  };
}

function operation(operationId: string) {
  const op = bundle.operations[operationId];
  if (!op) throw new Error(`Unknown operationId ${operationId}; known: ${Object.keys(bundle.operations).join(", ")}.`);
  return op;
}

/**
 * Checks a request body against the spec's model for `operationId`. Unknown fields pass
 * unless `strict` (the real service's strictness is not documented).
 */
export function validateRequestBody(operationId: string, body: unknown, options: { strict?: boolean } = {}): ContractViolation[] {
  const op = operation(operationId);
  if (!op.body) return [];
  if (body === undefined || body === null) return op.body.required ? [{ path: "", message: "request body is required" }] : [];
  const out: ContractViolation[] = [];
  compile(op.body.schema)(body, "", out, { strict: !!options.strict, response: false });
  return out;
}

/** Checks a response body against the spec's model for that status (strict: callsim's own output). */
export function validateResponseBody(operationId: string, status: number, body: unknown): ContractViolation[] {
  const op = operation(operationId);
  const schema = op.responses[String(status)] ?? (status >= 400 ? op.responses.default : undefined);
  if (schema === undefined) return [{ path: "", message: `status ${status} is not a response of ${operationId} (spec: ${Object.keys(op.responses).join(", ")})` }];
  if (schema === null) return body === undefined || body === "" ? [] : [{ path: "", message: `${operationId} answers ${status} without a body` }];
  const out: ContractViolation[] = [];
  compile(schema)(body, "", out, { strict: true, response: true });
  return out;
}

/** Real payloads carry `version` and `publicEventType`, which the spec does not define. */
const RECORDED_EXTRA_FIELDS = new Set(["version", "publicEventType"]);

/** Checks a callback CloudEvent: the CloudEvents 1.0 envelope and `data` by event type. */
export function validateCallbackEvent(event: unknown): ContractViolation[] {
  const out = envelope(event, ["id", "source", "type", "specversion"], ["time", "datacontenttype", "subject"]);
  const e = event as Record<string, any>;
  if (out.length > 0 && (typeof e !== "object" || e === null)) return out;
  if (e.specversion !== undefined && e.specversion !== "1.0") out.push({ path: "specversion", message: "must be 1.0" });
  const name = typeof e.type === "string" ? e.type.replace(/^Microsoft\.Communication\./, "") : "";
  const schema = bundle.events[name];
  if (!schema) return [...out, { path: "type", message: `is not a callback event of the spec: ${e.type}` }];
  const { version: _v, publicEventType: _p, ...data } = (e.data ?? {}) as Record<string, unknown>;
  compile(schema)(data, "data", out, { strict: true, response: true });
  for (const key of Object.keys(e.data ?? {})) if (RECORDED_EXTRA_FIELDS.has(key) && typeof e.data[key] !== "string") out.push({ path: `data.${key}`, message: "must be a string" });
  return out;
}

/** Checks an Event Grid event: its envelope and, for the Call Automation types, `data`. */
export function validateEventGridEvent(event: unknown): ContractViolation[] {
  const out = envelope(event, ["id", "subject", "eventType", "eventTime", "dataVersion"], ["topic", "metadataVersion"]);
  const e = event as Record<string, any>;
  if (e?.eventType === "Microsoft.EventGrid.SubscriptionValidationEvent") {
    for (const key of ["validationCode", "validationUrl"]) if (typeof e.data?.[key] !== "string") out.push({ path: `data.${key}`, message: "must be a string" });
    return out;
  }
  const schema = bundle.eventGridEvents[String(e?.eventType).replace(/^Microsoft\.Communication\./, "")];
  if (!schema) return [...out, { path: "eventType", message: `is not an Event Grid event callsim knows: ${e?.eventType}` }];
  compile(schema)(e.data, "data", out, { strict: true, response: true });
  return out;
}

function envelope(event: unknown, required: string[], optional: string[]): ContractViolation[] {
  if (typeof event !== "object" || event === null) return [{ path: "", message: "must be an object" }];
  const e = event as Record<string, unknown>;
  const out: ContractViolation[] = [];
  for (const key of required) if (typeof e[key] !== "string") out.push({ path: key, message: "is required and must be a string" });
  for (const key of optional) if (e[key] !== undefined && typeof e[key] !== "string") out.push({ path: key, message: "must be a string" });
  return out;
}

/** Every operation of the spec. */
export function listOperations(): Array<{ operationId: string; method: string; path: string }> {
  return Object.entries(bundle.operations).map(([operationId, op]) => ({ operationId, method: op.method, path: op.path }));
}

/** Every callback event type of the spec (without the `Microsoft.Communication.` prefix). */
export function listCallbackEventTypes(): string[] {
  return Object.keys(bundle.events);
}
