import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { SPEC_DIR } from "../support/spec.js";

const root = join(import.meta.dirname, "..", "..");

describe("contracts/generated", () => {
  test("is what contracts/generate.mjs makes from the official spec (npm run contracts:generate)", () => {
    const run = spawnSync(process.execPath, [join(root, "contracts", "generate.mjs"), "--check"], { cwd: root, encoding: "utf8", env: { ...process.env, CALLSIM_SPEC_DIR: SPEC_DIR } });
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^contracts: up to date \(\d+ operations, \d+ callback events, \d+ definitions, \d+ api-versions\)/);
    expect(run.status).toBe(0);
  });
});
