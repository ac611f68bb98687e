#!/usr/bin/env node
// Reads what a published Call Automation SDK was generated from: the models (their wire field
// names) and the operations (method, path, success statuses) of the api-version it sends. Its `required` flags
// are not read: the generator leaves them off object-typed fields. autorest made
// both from that version's spec, so they list the version's shapes as data a program can read.
// Run: node contracts/sdkModels.mjs <installed package name, e.g. ca-1.2.0>
// It prints the version file for contracts/spec/callautomation/versions/ (without `source`).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const root = join(import.meta.dirname, "..");
const newest = JSON.parse(readFileSync(join(root, "contracts", "generated", "callAutomation.schema.json"), "utf8"));

/** The SDK's model names that are not the spec's: renamed by its generator's configuration. */
const RENAMED = { RecordingStorage: "ExternalStorage" };

/** The spec's name for an SDK model class: `CallConnectionPropertiesInternal` → `CallConnectionProperties`. */
export function specName(className) {
  if (RENAMED[className]) return RENAMED[className];
  if (newest.definitions[className]) return className;
  const stripped = className.replace(/Internal$/, "");
  return newest.definitions[stripped] ? stripped : className;
}

/** The operationId of the newest spec at `method path`, or `method path` itself when it has none. */
function operationId(method, path) {
  const found = Object.entries(newest.operations).find(([, op]) => op.method === method && op.path === path);
  return found ? found[0] : `${method} ${path}`;
}

/**
 * The api-version, operations and models of an installed SDK package (a folder name under
 * node_modules: `@azure/communication-call-automation`, or an alias such as `ca-1.2.0`).
 */
export async function sdkModels(pkg) {
  const dir = join(root, "node_modules", pkg);
  const generated = [join(dir, "dist-esm", "src", "generated", "src"), join(dir, "dist", "esm", "generated", "src")].find(existsSync);
  if (!generated) throw new Error(`${pkg}: no generated client under ${dir}`);
  const client = readFileSync(join(generated, "callAutomationApiClient.js"), "utf8");
  const apiVersion = client.match(/apiVersion \|\| "([^"]+)"/)?.[1];
  const sources = [client, ...readdirSync(join(generated, "operations")).map((f) => readFileSync(join(generated, "operations", f), "utf8"))];
  const operations = {};
  for (const text of sources) {
    for (const [, path, method, responses] of text.matchAll(/path: "([^"]+)",\s*httpMethod: "(\w+)",\s*responses: \{([\s\S]*?)default:/g)) {
      if (path.startsWith("/")) operations[operationId(method, path)] = [...responses.matchAll(/(\d{3}):/g)].map((m) => Number(m[1]));
    }
  }
  const mappers = await import(pathToFileURL(join(generated, "models", "mappers.js")).href);
  const models = {};
  for (const mapper of Object.values(mappers)) {
    const type = mapper?.type;
    if (!type?.className || !type.modelProperties) continue;
    const properties = Object.values(type.modelProperties);
    models[specName(type.className)] = properties.map((p) => p.serializedName).sort();
  }
  return { apiVersion, operations: Object.fromEntries(Object.keys(operations).sort().map((id) => [id, operations[id]])), models: Object.fromEntries(Object.keys(models).sort().map((k) => [k, models[k]])) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const pkg = process.argv[2];
  if (!pkg) {
    console.error("usage: node contracts/sdkModels.mjs <installed package, e.g. ca-1.2.0>");
    process.exit(2);
  }
  console.log(JSON.stringify(await sdkModels(pkg), null, 1));
}
