import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, test } from "vitest";

const root = join(import.meta.dirname, "..");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("engine purity", () => {
  const engineFiles = files(join(root, "emulator/engine"));

  test("the engine imports no HTTP framework, no node: module and nothing outside the engine", () => {
    const offenders: string[] = [];
    for (const file of engineFiles) {
      for (const [, spec] of readFileSync(file, "utf8").matchAll(/from\s+"([^"]+)"/g)) {
        const allowed = spec.startsWith("./") || spec.startsWith("../") ? !relative(join(root, "emulator/engine"), join(file, "..", spec)).startsWith("..") : ["@faker-js/faker", "@faker-js/faker/locale/en", "@azure/communication-common"].includes(spec);
        if (!allowed) offenders.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  test("the engine reads no wall clock, no Math.random and calls no timers", () => {
    const offenders = engineFiles.filter((file) => /Date\.now\(|new Date\(\)|Math\.random|setTimeout|setInterval|setImmediate/.test(readFileSync(file, "utf8")));
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });
});
