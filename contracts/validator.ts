import { bundleFor, NEWEST_BUNDLE, type Bundle, type Schema } from "./apiVersions.js";

/** One way a request, response or event departs from the spec. */
export interface ContractViolation {
  /** Where: `targets[0].phoneNumber.value`, `callbackUri`, or "" for the whole body. */
  path: string;
  /** What is wrong and what is expected: "is required", "must be one of none, busy, forbidden". */
  message: string;
}

/** Which api-version's spec a check holds a message to; the newest (2026-03-12) when unset. */
export interface VersionOption {
  apiVersion?: string;
}

/** Who the check is for: requests may omit what only responses must carry. */
type Mode = { strict: boolean; response: boolean };
type Check = (value: unknown, path: string, out: ContractViolation[], mode: Mode) => void;

/**
 * Rule (from the spec's own descriptions): `kind` and `rawId` of an identifier are "only
 * required in responses", which the schema cannot say; responses and events are held to it.
 */
const RESPONSE_ONLY_REQUIRED: Record<string, string[]> = { CommunicationIdentifierModel: ["kind", "rawId"] };

/** The checks of one bundle (one api-version's spec), each compiled once on first use. */
class Checks {
  private readonly compiled = new Map<Schema, Check>();
  /** Models compiled as the base of a subtype (through its allOf): no dispatch, no unknown-field check. */
  private readonly compiledAsBase = new Map<Schema, Check>();
  /** Discriminated models: base name → discriminator value → subtype name. */
  readonly subtypes = new Map<string, Map<string, string>>();

  constructor(readonly bundle: Bundle) {
    for (const [name, schema] of Object.entries(bundle.definitions)) {
      const value = schema["x-ms-discriminator-value"];
      const base = (schema.allOf as Schema[] | undefined)?.find((s) => s.$ref)?.$ref?.split("/").pop();
      if (value && base) this.subtypes.set(base, (this.subtypes.get(base) ?? new Map()).set(value, name));
    }
  }

  compile(schema: Schema, name?: string, asBase = false): Check {
    const cache = asBase ? this.compiledAsBase : this.compiled;
    const cached = cache.get(schema);
    if (cached) return cached;
    let check: Check = () => {};
    cache.set(schema, (v, p, o, m) => check(v, p, o, m));
    check = this.build(schema, name, asBase);
    cache.set(schema, check);
    return check;
  }

  ref(schema: Schema): { target: Schema; name: string } {
    const name = String(schema.$ref).split("/").pop()!;
    return { target: this.bundle.definitions[name], name };
  }

  private build(schema: Schema, name?: string, asBase = false): Check {
    if (schema.$ref) {
      const { target, name: refName } = this.ref(schema);
      return this.compile(target, refName, asBase);
    }
    const checks: Check[] = [];
    const at = (path: string, key: string) => (path ? `${path}.${key}` : key);
    // A subtype checks its base's fields itself: the base must not dispatch back to the subtype.
    for (const part of (schema.allOf as Schema[] | undefined) ?? []) checks.push(this.compile(part, undefined, true));
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
      const item = this.compile(schema.items ?? {});
      checks.push((v, p, o, m) => {
        if (!Array.isArray(v)) return void o.push({ path: p, message: "must be an array" });
        v.forEach((entry, i) => item(entry, `${p}[${i}]`, o, m));
      });
    }
    if (type === "object" || schema.properties) {
      const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>).map(([key, s]) => [key, this.compile(s)] as const);
      const known = new Set(Object.keys(schema.properties ?? {}));
      for (const part of (schema.allOf as Schema[] | undefined) ?? []) for (const key of Object.keys(this.ref(part).target?.properties ?? {})) known.add(key);
      const required = (schema.required as string[] | undefined) ?? [];
      const responseRequired = name ? RESPONSE_ONLY_REQUIRED[name] ?? [] : [];
      const extra = typeof schema.additionalProperties === "object" ? this.compile(schema.additionalProperties) : undefined;
      const variants = name && !asBase ? this.subtypes.get(name) : undefined;
      const discriminator = schema.discriminator as string | undefined;
      checks.push((v, p, o, m) => {
        if (typeof v !== "object" || v === null || Array.isArray(v)) return void o.push({ path: p, message: "must be an object" });
        const record = v as Record<string, unknown>;
        if (variants && discriminator && typeof record[discriminator] === "string") {
          const sub = variants.get(record[discriminator] as string);
          if (sub) return this.compile(this.bundle.definitions[sub], sub)(v, p, o, m);
        }
        for (const key of required) if (record[key] === undefined) o.push({ path: at(p, key), message: "is required" });
        if (m.response) for (const key of responseRequired) if (record[key] === undefined) o.push({ path: at(p, key), message: "is required in responses" });
        for (const [key, check] of properties) if (record[key] !== undefined && record[key] !== null) check(record[key], at(p, key), o, m);
        if (extra) for (const [key, value] of Object.entries(record)) if (!known.has(key)) extra(value, at(p, key), o, m);
        if (m.strict && !asBase && !extra && schema.additionalProperties !== true) {
          for (const key of Object.keys(record)) if (!known.has(key)) o.push({ path: at(p, key), message: `is not a field of ${name ?? "this object"}` });
        }
      });
    }
    return (v, p, o, m) => {
      for (const check of checks) check(v, p, o, m);
    };
  }
}

const checksByVersion = new Map<Bundle, Checks>();

/** The checks of `apiVersion`'s spec (the newest when unset or not served). */
function checksFor(apiVersion?: string): Checks {
  const bundle = apiVersion ? bundleFor(apiVersion) : NEWEST_BUNDLE;
  let checks = checksByVersion.get(bundle);
  if (!checks) checksByVersion.set(bundle, (checks = new Checks(bundle)));
  return checks;
}

const bundle = NEWEST_BUNDLE;

function operation(operationId: string, checks = checksFor()) {
  const op = checks.bundle.operations[operationId];
  if (!op) throw new Error(`Unknown operationId ${operationId}; known: ${Object.keys(checks.bundle.operations).join(", ")}.`);
  return op;
}

/** Whether `apiVersion`'s spec has the operation `operationId`. */
export function hasOperation(operationId: string, apiVersion: string): boolean {
  return Object.hasOwn(bundleFor(apiVersion).operations, operationId);
}

/**
 * Checks a request body against the spec's model for `operationId`. Unknown fields pass
 * unless `strict` (the real service's strictness is not documented).
 * @example
 * validateRequestBody("CreateCall", { targets: [], callbackUrl: "https://app/cb" }, { strict: true });
 * // [{ path: "callbackUri", message: "is required" }, { path: "callbackUrl", message: "is not a field of CreateCallRequest" }]
 * @see reference/callautomation/2026-03-12/communicationservicescallautomation.json
 */
export function validateRequestBody(operationId: string, body: unknown, options: { strict?: boolean } & VersionOption = {}): ContractViolation[] {
  const checks = checksFor(options.apiVersion);
  const op = operation(operationId, checks);
  if (!op.body) return [];
  if (body === undefined || body === null) return op.body.required ? [{ path: "", message: "is required: this operation takes a JSON object" }] : [];
  const out: ContractViolation[] = [];
  checks.compile(op.body.schema)(body, "", out, { strict: !!options.strict, response: false });
  return out;
}

/** What the spec's parameter formats look like on the wire. */
const PARAMETER_FORMATS: Record<string, { test: (value: string) => boolean; expected: string }> = {
  uuid: { test: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v), expected: "a UUID" },
  "date-time-rfc1123": { test: (v) => /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(v) && !Number.isNaN(Date.parse(v)), expected: "an IMF-fixdate such as Sun, 06 Nov 1994 08:49:37 GMT" },
};

/**
 * Checks a request's query and header parameters against the spec's for `operationId`:
 * required ones present, enums and formats (`Repeatability-Request-ID` a UUID, …) kept.
 * Header names are matched without regard to case.
 */
export function validateRequestParameters(operationId: string, request: { query: URLSearchParams; headers: Record<string, string | string[] | undefined> }): ContractViolation[] {
  const out: ContractViolation[] = [];
  for (const parameter of operation(operationId).parameters) {
    if (parameter.in !== "query" && parameter.in !== "header") continue;
    const raw = parameter.in === "query" ? request.query.get(parameter.name) ?? undefined : request.headers[parameter.name.toLowerCase()];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) {
      if (parameter.required) out.push({ path: parameter.name, message: `is required (${parameter.in} parameter)` });
      continue;
    }
    if (parameter.enum && !parameter.enum.includes(value)) out.push({ path: parameter.name, message: `must be one of ${parameter.enum.join(", ")}` });
    const format = parameter.format ? PARAMETER_FORMATS[parameter.format] : undefined;
    if (format && !format.test(value)) out.push({ path: parameter.name, message: `must be ${format.expected}` });
  }
  return out;
}

/**
 * Checks a response body against the spec's model for that status (strict: callsim's own
 * output). `requireResponseOnlyFields: false` drops the identifier's "only required in
 * responses" fields, which the spec's own examples leave out.
 */
export function validateResponseBody(operationId: string, status: number, body: unknown, options: { requireResponseOnlyFields?: boolean } & VersionOption = {}): ContractViolation[] {
  const checks = checksFor(options.apiVersion);
  const op = operation(operationId, checks);
  const key = String(status) in op.responses ? String(status) : status >= 400 && "default" in op.responses ? "default" : undefined;
  const schema = key === undefined ? undefined : op.responses[key];
  if (schema === undefined) return [{ path: "", message: `status ${status} is not a response of ${operationId} (spec: ${Object.keys(op.responses).join(", ")})` }];
  if (schema === null) return body === undefined || body === "" ? [] : [{ path: "", message: `${operationId} answers ${status} without a body` }];
  const out: ContractViolation[] = [];
  checks.compile(schema)(body, "", out, { strict: true, response: options.requireResponseOnlyFields ?? true });
  return out;
}

/**
 * Checks a value against a model of the spec by name (`CallConnectionProperties`,
 * `CommunicationIdentifierModel`), as a request (`response: false`) or as callsim's own output.
 */
export function validateDefinition(name: string, value: unknown, options: { strict?: boolean; response?: boolean } & VersionOption = {}): ContractViolation[] {
  const checks = checksFor(options.apiVersion);
  const schema = checks.bundle.definitions[name];
  if (!schema) throw new Error(`Unknown model ${name}; the spec defines ${Object.keys(checks.bundle.definitions).length} models (see contracts/generated).`);
  const out: ContractViolation[] = [];
  checks.compile(schema, name)(value, "", out, { strict: options.strict ?? !!options.response, response: !!options.response });
  return out;
}

/** Checks an error body against the service's error shape, `CommunicationErrorResponse`. */
export function validateErrorResponse(body: unknown): ContractViolation[] {
  return validateDefinition("CommunicationErrorResponse", body, { response: true });
}

/** Real payloads carry `version` and `publicEventType`, which the spec does not define. */
const RECORDED_EXTRA_FIELDS = new Set(["version", "publicEventType"]);

/**
 * Checks a callback CloudEvent: the CloudEvents 1.0 envelope and `data` by event type, against
 * the spec of the api-version the event names in `data.version` (the newest when it names none
 * callsim serves).
 * @example
 * // In an app's test: everything its handler was given is what the service may send.
 * for (const event of received) expect(validateCallbackEvent(event)).toEqual([]);
 */
export function validateCallbackEvent(event: unknown): ContractViolation[] {
  const out = envelope(event, ["id", "source", "type", "specversion"], ["time", "datacontenttype", "subject"]);
  const e = event as Record<string, any>;
  if (out.length > 0 && (typeof e !== "object" || e === null)) return out;
  if (e.specversion !== undefined && e.specversion !== "1.0") out.push({ path: "specversion", message: "must be 1.0" });
  const name = typeof e.type === "string" ? e.type.replace(/^Microsoft\.Communication\./, "") : "";
  const checks = checksFor(typeof e.data?.version === "string" ? e.data.version : undefined);
  const schema = checks.bundle.events[name];
  if (!schema) return [...out, { path: "type", message: `is not a callback event of the spec${e.data?.version ? ` (api-version ${e.data.version})` : ""}: ${e.type}` }];
  const { version: _v, publicEventType: _p, ...data } = (e.data ?? {}) as Record<string, unknown>;
  checks.compile(schema)(data, "data", out, { strict: true, response: true });
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
  checksFor().compile(schema)(e.data, "data", out, { strict: true, response: true });
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

const operationPatterns = Object.entries(bundle.operations).map(([operationId, op]) => ({
  operationId,
  method: op.method,
  // A path parameter is one segment; one that ends the path may hold `:` (a participant's rawId).
  pattern: new RegExp(`^${op.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}$/, "[^/]+").replace(/\{[^}]+\}/g, "[^/:]+")}$`),
}));

/** The spec's operationId for `method` and `path` (no query), or undefined when the spec has none there. */
export function matchOperation(method: string, path: string): string | undefined {
  return operationPatterns.find((o) => o.method === method.toUpperCase() && o.pattern.test(path))?.operationId;
}

/**
 * The header parameters any operation of the spec declares, in lower case: the only headers
 * {@link validateRequestParameters} reads.
 */
export const SPEC_HEADER_PARAMETERS: readonly string[] = [
  ...new Set(Object.values(bundle.operations).flatMap((op) => op.parameters.filter((p) => p.in === "header").map((p) => p.name.toLowerCase()))),
];

/** Every operation of the spec. */
export function listOperations(): Array<{ operationId: string; method: string; path: string }> {
  return Object.entries(bundle.operations).map(([operationId, op]) => ({ operationId, method: op.method, path: op.path }));
}

/** Every callback event type of the spec (without the `Microsoft.Communication.` prefix). */
export function listCallbackEventTypes(): string[] {
  return Object.keys(bundle.events);
}
