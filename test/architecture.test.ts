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
        const allowed = spec.startsWith("./") || spec.startsWith("../") ? !relative(join(root, "emulator/engine"), join(file, "..", spec)).startsWith("..") : ["@faker-js/faker", "@faker-js/faker/locale/en"].includes(spec);
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

describe("server start", () => {
  /** Every module the CLI loads at start: static value imports, followed through relative paths. */
  function startGraph(entry: string): Map<string, string[]> {
    const graph = new Map<string, string[]>();
    const visit = (file: string) => {
      if (graph.has(file)) return;
      const packages: string[] = [];
      graph.set(file, packages);
      // `import type` and `export type` vanish in the build; `import(...)` loads later, on use.
      for (const [, spec] of readFileSync(file, "utf8").matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?from\s+"([^"]+)"/gms)) {
        if (spec.startsWith(".")) visit(join(file, "..", spec.replace(/\.js$/, ".ts")));
        else packages.push(spec);
      }
    };
    visit(entry);
    return graph;
  }

  test("loads none of the SDK's packages (they would double the cold start)", () => {
    const offenders = [...startGraph(join(root, "emulator/cli.ts"))].flatMap(([file, packages]) =>
      packages.filter((p) => p.startsWith("@azure/") || p === "undici" || p === "msw").map((p) => `${relative(root, file)} imports ${p}`),
    );
    expect(offenders).toEqual([]);
  });
});
