import { expect, test, vi } from "vitest";
import { explore } from "../../scenarios/explorer.js";
import { ContractViolationError } from "../../emulator/index.js";
import { robust } from "./apps/inProcessApps.js";

// A callsim bug planted for this file only: every callback event's serverCallId becomes a number,
// which the spec does not allow. The explorer must report it as callsim's, not pass the app, nor
// blame it.
vi.mock("../../contracts/shape.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../contracts/shape.js")>();
  return {
    ...actual,
    shapeCallbackEventData: (apiVersion: string, name: string, data: Record<string, unknown>) => ({ ...(actual.shapeCallbackEventData(apiVersion, name, data) ?? data), serverCallId: 7 }),
  };
});

test("an event that departs from the spec ends the exploration as callsim's bug, naming the event and the field", async () => {
  const exploration = explore({ app: robust(), seed: 1, duplicates: 0 });
  await expect(exploration).rejects.toBeInstanceOf(ContractViolationError);
  await expect(exploration).rejects.toThrow(/the spec does not allow \(a callsim bug\):\n {2}.*CallConnected.*serverCallId/);
});
