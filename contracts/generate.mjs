#!/usr/bin/env node
// Generates contracts/generated/callAutomation.schema.json from the official REST spec:
// every definition reachable from the Call Automation spec (and the Common and Event Grid
// models it uses), every operation with its parameters and responses, and the callback and
// Event Grid event models. Beside it, contracts/generated/apiVersions.json: what each older
// api-version has of them (contracts/spec/callautomation/versions/). Run: npm run
// contracts:generate (or with --check in CI).
import { readFileSync, writeFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const specDir = process.env.CALLSIM_SPEC_DIR ?? join(here, "spec");
const out = join(here, "generated", "callAutomation.schema.json");
const versionsOut = join(here, "generated", "apiVersions.json");
const check = process.argv.includes("--check");

const files = {
  callAutomation: join(specDir, "callautomation", "2026-03-12", "communicationservicescallautomation.json"),
  common: join(specDir, "callautomation", "common", "stable", "2025-06-30", "common.json"),
  eventGrid: join(specDir, "eventgrid", "Microsoft.Communication", "stable", "2018-01-01", "AzureCommunicationServices.json"),
};
if (!existsSync(files.callAutomation)) {
  console.error(`contracts: spec not found at ${files.callAutomation}; contracts/spec holds it (or set CALLSIM_SPEC_DIR to a folder of the same layout).`);
  process.exit(1);
}
const load = (path) => JSON.parse(readFileSync(path, "utf8"));
const spec = load(files.callAutomation);
const common = load(files.common);
const eventGrid = load(files.eventGrid);

const KEEP = ["type", "format", "properties", "required", "enum", "items", "additionalProperties", "minimum", "maximum", "minLength", "maxLength", "pattern", "$ref", "allOf", "discriminator", "x-ms-discriminator-value", "readOnly"];
const definitions = {};

/** Rewrites a schema to the kept keywords, with every $ref pointing into this bundle. */
function clean(schema, source) {
  if (Array.isArray(schema)) return schema.map((s) => clean(s, source));
  if (!schema || typeof schema !== "object") return schema;
  const result = {};
  for (const key of Object.keys(schema).sort()) {
    if (!KEEP.includes(key)) continue;
    const value = schema[key];
    if (key === "$ref") result.$ref = `#/definitions/${resolveRef(value, source)}`;
    else if (key === "properties") result.properties = Object.fromEntries(Object.keys(value).sort().map((p) => [p, clean(value[p], source)]));
    else if (typeof value === "object") result[key] = clean(value, source);
    else result[key] = value;
  }
  return result;
}

/** Adds the definition a $ref names (from whichever file it lives in) and returns its bundle name. */
function resolveRef(ref, source) {
  const [file, pointer] = ref.split("#");
  const name = pointer.replace("/definitions/", "");
  const from = file === "" ? source : file.includes("Common") ? "common" : source;
  const doc = from === "common" ? common : from === "eventGrid" ? eventGrid : spec;
  if (!definitions[name]) {
    if (!doc.definitions[name]) throw new Error(`unresolved $ref ${ref} from ${source}`);
    // The spec declares common models as aliases (`X: { $ref: common.json#/definitions/X }`):
    // bundle the model itself under its name, never the alias, which would point at itself.
    const alias = doc.definitions[name].$ref;
    if (alias && Object.keys(doc.definitions[name]).length === 1) return resolveRef(alias, from);
    definitions[name] = "pending";
    definitions[name] = clean(doc.definitions[name], from);
  }
  return name;
}

for (const name of Object.keys(spec.definitions)) resolveRef(`#/definitions/${name}`, "callAutomation");
for (const name of Object.keys(common.definitions)) resolveRef(`#/definitions/${name}`, "common");

const parameters = spec.parameters ?? {};
const operations = {};
for (const [path, methods] of Object.entries(spec.paths)) {
  for (const [method, operation] of Object.entries(methods)) {
    const params = (operation.parameters ?? []).map((p) => (p.$ref ? parameters[p.$ref.split("/").pop()] : p));
    const body = params.find((p) => p.in === "body");
    operations[operation.operationId] = {
      method: method.toUpperCase(),
      path,
      body: body ? { schema: clean(body.schema, "callAutomation"), required: !!body.required } : null,
      parameters: params.filter((p) => p.in !== "body").map((p) => ({ name: p.name, in: p.in, required: !!p.required, type: p.type, ...(p.format ? { format: p.format } : {}), ...(p.enum ? { enum: p.enum } : {}) })),
      responses: Object.fromEntries(Object.keys(operation.responses).sort().map((status) => [status, operation.responses[status].schema ? clean(operation.responses[status].schema, "callAutomation") : null])),
    };
  }
}

// Callback events: the spec's event models, as the SDK's parser names them.
const sdkParser = join(here, "..", "node_modules", "@azure", "communication-call-automation", "dist", "esm", "callAutomationEventParser.js");
const eventNames = [...new Set([...readFileSync(sdkParser, "utf8").matchAll(/"Microsoft\.Communication\.(\w+)"/g)].map((m) => m[1]))].sort();
const events = {};
for (const name of eventNames) {
  if (!spec.definitions[name]) throw new Error(`the SDK parses ${name}, which the spec does not define`);
  events[name] = { $ref: `#/definitions/${name}` };
}
const eventGridEvents = {};
for (const [type, model] of [["IncomingCall", "AcsIncomingCallEventData"], ["CallStarted", "AcsCallStartedEventData"], ["RecordingFileStatusUpdated", "AcsRecordingFileStatusUpdatedEventData"]]) {
  if (eventGrid.definitions[model]) eventGridEvents[type] = { $ref: `#/definitions/${resolveRef(`#/definitions/${model}`, "eventGrid")}` };
}

const bundle = { info: { spec: spec.info.version, generatedBy: "contracts/generate.mjs" }, definitions: Object.fromEntries(Object.keys(definitions).sort().map((k) => [k, definitions[k]])), operations, events, eventGridEvents };

/**
 * Each older api-version as its version file lists it: its operations (with the statuses they
 * answer on success), and for each model of
 * the newest spec that it has, the fields it has. Models the newest spec does not have are left
 * out (nothing callsim sends or reads can reach them); fields it does not have are kept.
 */
function olderVersions() {
  const dir = join(specDir, "callautomation", "versions");
  const versions = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const data = load(join(dir, file));
    if (`${data.apiVersion}.json` !== file) throw new Error(`${file} describes api-version ${data.apiVersion}`);
    for (const id of Object.keys(data.operations)) if (!operations[id]) throw new Error(`${file}: operation ${id} is not one of the newest spec`);
    const models = Object.fromEntries(Object.keys(data.models).filter((name) => bundle.definitions[name]).sort().map((name) => [name, [...data.models[name]].sort()]));
    const ops = Object.fromEntries(Object.keys(data.operations).sort().map((id) => [id, data.operations[id]]));
    versions[data.apiVersion] = { source: `${data.source.repo} ${data.source.path} @ ${data.source.commit}`, operations: ops, models };
  }
  return versions;
}
/** JSON text with each list of plain values on one line. */
function compactArrays(text) {
  return text.replace(/\[\s*([^[\]{}]*?)\s*\]/g, (_, inner) => `[${inner.split(/,\s*/).join(", ")}]`);
}
const apiVersions = { newest: spec.info.version, older: olderVersions() };

const outputs = [
  [out, `${JSON.stringify(bundle, null, 1)}\n`],
  [versionsOut, `${compactArrays(JSON.stringify(apiVersions, null, 1))}\n`],
];
const summary = `${Object.keys(operations).length} operations, ${Object.keys(events).length} callback events, ${Object.keys(definitions).length} definitions, ${Object.keys(apiVersions.older).length + 1} api-versions`;
if (check) {
  const stale = outputs.filter(([path, text]) => (existsSync(path) ? readFileSync(path, "utf8") : "") !== text).map(([path]) => path.slice(here.length + 1));
  if (stale.length > 0) {
    console.error(`contracts: ${stale.join(" and ")} out of date with the spec; run npm run contracts:generate and commit.`);
    process.exit(1);
  }
  console.log(`contracts: up to date (${summary}).`);
} else {
  mkdirSync(dirname(out), { recursive: true });
  for (const [path, text] of outputs) writeFileSync(path, text);
  console.log(`contracts: wrote ${out} and ${versionsOut} (${summary}).`);
}
