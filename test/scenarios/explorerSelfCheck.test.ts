import { afterEach, expect, test, vi } from "vitest";

// A callsim bug planted for this file only: every callback event's serverCallId becomes a number,
// which the spec does not allow. The explorer must report it as callsim's, not pass the app, nor
// blame it. The suite shares modules between files (isolate: false), so the explorer is loaded
// afresh over the planted module, and the registry is reset again after.
afterEach(() => {
  vi.doUnmock("../../contracts/shape.js");
  vi.resetModules();
});

test("an event that departs from the spec ends the exploration as callsim's bug, naming the event and the field", async () => {
  vi.resetModules();
  vi.doMock("../../contracts/shape.js", async (importOriginal) => {
    const actual = await importOriginal<typeof import("../../contracts/shape.js")>();
    return {
      ...actual,
      shapeCallbackEventData: (apiVersion: string, name: string, data: Record<string, unknown>) => ({ ...(actual.shapeCallbackEventData(apiVersion, name, data) ?? data), serverCallId: 7 }),
    };
  });
  const { explore } = await import("../../scenarios/explorer.js");
  const { ContractViolationError } = await import("../../emulator/index.js");
  const { robust } = await import("./apps/inProcessApps.js");
  const exploration = explore({ app: robust(), seed: 1, duplicates: 0 });
  await expect(exploration).rejects.toBeInstanceOf(ContractViolationError);
  await expect(exploration).rejects.toThrow(/the spec does not allow \(a callsim bug\):\n {2}.*CallConnected.*serverCallId/);
});
