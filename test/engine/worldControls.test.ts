import { describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/index.js";
import { CallAutomationError } from "../../emulator/engine/errors.js";

// What the control plane answers a tester who sets up the world wrongly: the field at fault
// (the error body's `target`) and a message that says what to send instead.
function refusal(action: () => unknown): CallAutomationError {
  try {
    action();
  } catch (error) {
    if (error instanceof CallAutomationError) return error;
    throw error;
  }
  throw new Error("the action was accepted");
}

describe("the world's controls", () => {
  const emulator = createEmulator({ clock: "virtual", selfCheck: true });
  const engine = emulator.engine;

  test("a party's settings name the field at fault", () => {
    expect(refusal(() => engine.setParty("not a raw id", {}))).toMatchObject({ kind: "invalidArgument", target: "rawId" });
    expect(refusal(() => engine.setParty("4:+14255550100", { behavior: "sing" }))).toMatchObject({
      kind: "invalidArgument",
      target: "behavior",
      message: "behavior must be one of answer, decline, busy, noAnswer, unreachable, leftToApps.",
    });
    expect(refusal(() => engine.setParty("4:+14255550100", { delayMs: -1 }))).toMatchObject({ kind: "invalidArgument", target: "delayMs", message: "delayMs must be a number of milliseconds, 0 or more." });
  });

  test("a party's delay may be 0; one that is no number is refused naming delayMs", () => {
    engine.setParty("4:+14255550102", { delayMs: 0 });
    expect(engine.parties().find((p: { rawId: string }) => p.rawId === "4:+14255550102")).toMatchObject({ delayMs: 0 });
    expect(refusal(() => engine.setParty("4:+14255550102", { delayMs: "500" }))).toMatchObject({ kind: "invalidArgument", target: "delayMs" });
  });

  test("a single scripted input, not in a list, is read as a list of one", () => {
    engine.setParty("4:+14255550103", { input: { dtmf: "5" } });
    expect(engine.parties().find((p: { rawId: string }) => p.rawId === "4:+14255550103")?.input).toEqual([{ dtmf: "5" }]);
  });

  test("a party's scripted input is listed as set, and a later change to the list given does not alter it", () => {
    const input = [{ dtmf: "1" }, { speech: "agent" }];
    engine.setParty("4:+14255550101", { behavior: "answer", input });
    input.push({ dtmf: "9" });
    const listed = engine.parties().find((p: { rawId: string }) => p.rawId === "4:+14255550101");
    expect(listed?.input).toEqual([{ dtmf: "1" }, { speech: "agent" }]);
  });

  test("a resource phone number that is no number, or is not the resource's, names the field", () => {
    expect(refusal(() => engine.phoneNumbers.add("call me"))).toMatchObject({ kind: "invalidArgument", target: "phoneNumber.value" });
    expect(refusal(() => engine.phoneNumbers.remove("+14255550199"))).toMatchObject({
      kind: "notFound",
      target: "phoneNumber",
      message: "+14255550199 is not one of the resource's phone numbers. GET /emulator/phone-numbers lists them.",
    });
  });

  test("an injected fault's async flag must be a boolean", () => {
    expect(refusal(() => engine.addFault({ action: "createCall", status: 500, async: "yes" } as never))).toMatchObject({ kind: "invalidArgument", target: "async", message: "async must be true or false." });
  });

  test("an Event Grid type is read with the Microsoft.Communication. prefix at its start only", async () => {
    const odd = "IncomingCallMicrosoft.Communication.";
    await expect(engine.eventGrid.subscribe({ endpoint: "http://127.0.0.1:9/grid", eventTypes: [odd] }, "http://127.0.0.1:9")).rejects.toMatchObject({
      target: "eventTypes",
      message: `eventTypes may name IncomingCall, CallStarted, RecordingFileStatusUpdated; got ${odd}.`,
    });
    await expect(engine.eventGrid.subscribe({ endpoint: "http://127.0.0.1:9/grid", filter: { includedEventTypes: [odd] } }, "http://127.0.0.1:9")).rejects.toMatchObject({
      target: "filter.includedEventTypes",
    });
  });
});
