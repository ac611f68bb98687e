import generated from "./generated/callAutomation.schema.json" with { type: "json" };
import versions from "./generated/apiVersions.json" with { type: "json" };

/** A JSON schema of the bundle (the spec's keywords callsim keeps). */
export type Schema = Record<string, any>;

/** The spec as callsim reads it: contracts/generated/callAutomation.schema.json, or one api-version's view of it. */
export interface Bundle {
  definitions: Record<string, Schema>;
  operations: Record<
    string,
    {
      method: string;
      path: string;
      body: { schema: Schema; required: boolean } | null;
      parameters: Array<{ name: string; in: string; required: boolean; type: string; format?: string; enum?: string[] }>;
      responses: Record<string, Schema | null>;
    }
  >;
  events: Record<string, Schema>;
  eventGridEvents: Record<string, Schema>;
}

interface OlderVersion {
  source: string;
  /** Operation id → the statuses it answers on success in this version. */
  operations: Record<string, number[]>;
  /** Model name → the wire fields it has in this version. */
  models: Record<string, string[]>;
}

/** The newest bundle, generated from the official spec by contracts/generate.mjs and checked in. */
export const NEWEST_BUNDLE = generated as unknown as Bundle;

/** The api-version the newest bundle is (the pinned SDK's). */
export const NEWEST_API_VERSION: string = versions.newest;

const older = versions.older as Record<string, OlderVersion>;

/** Every api-version callsim serves, newest first: stable versions and the previews published betas send. */
export const API_VERSIONS: readonly string[] = [NEWEST_API_VERSION, ...Object.keys(older)].sort((a, b) => b.localeCompare(a));

/** Whether callsim serves `apiVersion`. */
export function isApiVersion(apiVersion: string): boolean {
  return apiVersion === NEWEST_API_VERSION || Object.hasOwn(older, apiVersion);
}

const bundles = new Map<string, Bundle>([[NEWEST_API_VERSION, NEWEST_BUNDLE]]);

/**
 * The spec as `apiVersion` has it: its operations, its events and each model with the fields
 * that version has (required ones among them), made from the version's data on first use.
 * An api-version callsim does not serve gets the newest.
 */
export function bundleFor(apiVersion: string): Bundle {
  const known = bundles.get(apiVersion);
  if (known) return known;
  const version = older[apiVersion];
  if (!version) return NEWEST_BUNDLE;
  const bundle = deriveBundle(version);
  bundles.set(apiVersion, bundle);
  return bundle;
}

/** The api-versions, oldest first, that have `operationId`. */
export function versionsWithOperation(operationId: string): string[] {
  return [...API_VERSIONS].reverse().filter((v) => Object.hasOwn(bundleFor(v).operations, operationId));
}

function deriveBundle(version: OlderVersion): Bundle {
  const definitions: Record<string, Schema> = {};
  for (const [name, schema] of Object.entries(NEWEST_BUNDLE.definitions)) {
    const fields = version.models[name];
    // Enums and models the version's data does not list keep the newest shape: no field of
    // the version refers to a model it lacks, so only enums are reached this way.
    definitions[name] = fields ? restrict(schema, fields) : schema;
  }
  const pick = <T>(record: Record<string, T>, keep: (name: string) => boolean) => Object.fromEntries(Object.entries(record).filter(([name]) => keep(name)));
  return {
    definitions,
    operations: Object.fromEntries(Object.entries(version.operations).map(([id, statuses]) => [id, withStatuses(NEWEST_BUNDLE.operations[id], statuses)])),
    events: pick(NEWEST_BUNDLE.events, (name) => Object.hasOwn(version.models, name)),
    eventGridEvents: NEWEST_BUNDLE.eventGridEvents,
  };
}

/**
 * The operation answering `statuses` on success: a status the newest spec lacks answers the
 * newest one's success body (StartRecording: 200 up to 2024-11-15-preview, 200 or 202 since).
 */
function withStatuses(operation: Bundle["operations"][string], statuses: number[]): Bundle["operations"][string] {
  const success = Object.keys(operation.responses).find((status) => status.startsWith("2"));
  const responses: Record<string, Schema | null> = {};
  for (const status of statuses) responses[status] = operation.responses[status] ?? (success ? operation.responses[success] : null);
  if ("default" in operation.responses) responses.default = operation.responses.default;
  return { ...operation, responses };
}

/** `schema` with only `fields` (own ones; a base's come through its own entry). */
function restrict(schema: Schema, fields: string[]): Schema {
  if (!schema.properties) return schema;
  const inherited = new Set((schema.allOf as Schema[] | undefined)?.flatMap((part) => allFields(part)) ?? []);
  const properties: Record<string, Schema> = {};
  for (const field of fields) {
    if (inherited.has(field)) continue;
    // A field the newest spec no longer has: its type is not known here, so any value passes.
    properties[field] = schema.properties[field] ?? {};
  }
  const required = ((schema.required as string[] | undefined) ?? []).filter((field) => fields.includes(field));
  const result: Schema = { ...schema, properties };
  if (required.length > 0) result.required = required;
  else delete result.required;
  return result;
}

function allFields(schema: Schema): string[] {
  const target = schema.$ref ? NEWEST_BUNDLE.definitions[String(schema.$ref).split("/").pop()!] : schema;
  if (!target) return [];
  return [...Object.keys(target.properties ?? {}), ...((target.allOf as Schema[] | undefined)?.flatMap(allFields) ?? [])];
}
