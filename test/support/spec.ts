import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Where the official reference lives: CALLSIM_SPEC_DIR, else the copy vendored in
 * `contracts/spec` (its README gives each file's repository, path and commit).
 */
export const SPEC_DIR = process.env.CALLSIM_SPEC_DIR ?? join(import.meta.dirname, "..", "..", "contracts", "spec");

/** The 2026-03-12 Call Automation spec file. */
export const SPEC_FILE = join(SPEC_DIR, "callautomation", "2026-03-12", "communicationservicescallautomation.json");

/** The spec's x-ms-examples folder. */
export const EXAMPLES_DIR = join(SPEC_DIR, "callautomation", "2026-03-12", "examples");

/**
 * The same examples as 2025-06-15 has them, for the two the 2026-03-12 spec cites but the
 * public index holds no copy of (TerminateCall, PauseRecording): they have no body to differ.
 */
export const FALLBACK_EXAMPLES_DIR = join(SPEC_DIR, "callautomation", "2025-06-15", "examples");

/** The SDK 1.6.0 wire capture the HMAC tests replay. */
export const WIRE_CAPTURE_FILE = join(SPEC_DIR, "callautomation", "sdk-1.6.0-wire-capture.json");

/** The example file for `file` (a path in {@link EXAMPLES_DIR}): its own, else the fallback's. */
export function exampleFile(file: string): string {
  if (existsSync(file)) return file;
  return join(FALLBACK_EXAMPLES_DIR, file.split(/[\\/]/).pop()!);
}

/** The spec, parsed. */
export function loadSpec(): any {
  return JSON.parse(readFileSync(SPEC_FILE, "utf8"));
}
