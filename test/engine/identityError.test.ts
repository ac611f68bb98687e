import { expect, test } from "vitest";
import type { Clock } from "../../emulator/engine/clock.js";
import { IdentityDirectory } from "../../emulator/engine/identity/identities.js";
import { IdentityError } from "../../emulator/engine/identity/identityError.js";
import { createIdGenerator } from "../../emulator/engine/ids.js";

const stillClock: Clock = { now: () => Date.UTC(2026, 0, 1), schedule: () => ({ id: 0 }), cancel: () => {} };

// In-process callers (the engine's own users, a stack trace in a failing test) see the refusal itself:
// it must say what it is, not print as a bare "Error".
test("an Identity refusal thrown in-process prints as an IdentityError with its message, kind, code and field", () => {
  const directory = new IdentityDirectory(stillClock, createIdGenerator(1), "resource-1");
  let thrown: unknown;
  try {
    directory.issueAccessToken("8:acs:resource-1_missing", { scopes: ["voip"] });
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(IdentityError);
  const error = thrown as IdentityError;
  expect(String(error)).toBe(`IdentityError: ${error.message}`);
  expect(error.stack).toMatch(/^IdentityError: Identity 8:acs:resource-1_missing does not exist/);
  expect({ kind: error.kind, code: error.code, target: error.target }).toEqual({ kind: "notFound", code: "IdentityNotFound", target: "id" });
});
