import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Where the official reference lives: CALLSIM_SPEC_DIR, else `../shared/reference` beside the repo. */
export const SPEC_DIR = process.env.CALLSIM_SPEC_DIR ?? join(import.meta.dirname, "..", "..", "..", "shared", "reference");

/** The 2026-03-12 Call Automation spec file. */
export const SPEC_FILE = join(SPEC_DIR, "callautomation", "2026-03-12", "communicationservicescallautomation.json");

/** The spec's x-ms-examples folder. */
export const EXAMPLES_DIR = join(SPEC_DIR, "callautomation", "2026-03-12", "examples");

/** Whether the spec is here (CI always has it; a bare clone may not). */
export const SPEC_PRESENT = existsSync(SPEC_FILE);

/** What a test that needs the spec says when it is absent. */
export const SPEC_ABSENT = `the official spec is not at ${SPEC_FILE}: skipped. Put the reference folder at ../shared/reference or set CALLSIM_SPEC_DIR (CI always has it).`;

/** The spec, parsed. */
export function loadSpec(): any {
  return JSON.parse(readFileSync(SPEC_FILE, "utf8"));
}
