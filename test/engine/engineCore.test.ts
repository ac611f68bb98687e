import { describe, expect, test } from "vitest";
import { ScopedClock, type Clock, type TimerHandle } from "../../emulator/engine/clock.js";
import type { InvalidArgumentError } from "../../emulator/engine/errors.js";
import { resultInformation } from "../../emulator/engine/events.js";
import { checkCallbackUri, customCallingContext, optionalString } from "../../emulator/engine/validation.js";

/** A hand-driven clock: `advance` runs what is due, in order. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  let next = 1;
  const tasks = new Map<number, { at: number; task: () => void }>();
  return {
    now: () => now,
    schedule(delayMs, task): TimerHandle {
      const id = next++;
      tasks.set(id, { at: now + delayMs, task });
      return { id };
    },
    cancel: (handle) => void tasks.delete(handle.id),
    advance(ms) {
      now += ms;
      for (const [id, { at, task }] of [...tasks].sort((a, b) => a[1].at - b[1].at)) {
        if (at > now || !tasks.has(id)) continue;
        tasks.delete(id);
        task();
      }
    },
  };
}

// Issue 16: the engine's pure pieces that no API call reaches on its own.
describe("ScopedClock (the control plane's reset)", () => {
  test("cancelAll cancels what has not run yet and leaves what already ran alone", () => {
    const inner = manualClock();
    const scoped = new ScopedClock(inner);
    const ran: string[] = [];
    scoped.schedule(10, () => ran.push("early"));
    scoped.schedule(50, () => ran.push("late"));
    inner.advance(20);
    scoped.cancelAll();
    inner.advance(100);
    expect(ran).toEqual(["early"]);
    expect(scoped.now()).toBe(120);
  });
});

// The HTTP layer checks types against the spec first; these are the engine's own checks for
// callers that reach it without HTTP (the emulator's TypeScript API, scenarios).
describe("request field readers", () => {
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return { target: (error as InvalidArgumentError).target, message: (error as Error).message };
    }
    throw new Error("expected a refusal");
  };

  test("a callbackUri that is no string is required", () => {
    for (const value of [undefined, 42, null]) {
      expect(refusal(() => checkCallbackUri(value, "callbackUri"))).toEqual({ target: "callbackUri", message: "The field callbackUri is required: the URL callsim POSTs events to." });
    }
    expect(checkCallbackUri("https://app.test/cb", "callbackUri")).toBe("https://app.test/cb");
  });

  test("an optional string is absent when null or undefined, and refused when another type", () => {
    expect(optionalString(null, "f")).toBeUndefined();
    expect(optionalString(undefined, "f")).toBeUndefined();
    expect(optionalString("", "f")).toBe("");
    expect(refusal(() => optionalString(5, "f"))).toEqual({ target: "f", message: "f must be a string." });
  });

  test("a custom calling context defaults its header maps to empty ones and copies what it keeps", () => {
    expect(customCallingContext(undefined, "c")).toBeUndefined();
    expect(customCallingContext(null, "c")).toBeUndefined();
    expect(customCallingContext({}, "c")).toEqual({ voipHeaders: {}, sipHeaders: {} });
    const voipHeaders = { "x-a": "1" };
    const read = customCallingContext({ voipHeaders, sipHeaders: null }, "c")!;
    expect(read).toEqual({ voipHeaders: { "x-a": "1" }, sipHeaders: {} });
    expect(read.voipHeaders).not.toBe(voipHeaders);
    expect(refusal(() => customCallingContext(7, "c"))).toEqual({ target: "c", message: "c must be an object with voipHeaders and sipHeaders." });
    expect(refusal(() => customCallingContext({ sipHeaders: ["x"] }, "c"))).toEqual({ target: "c.sipHeaders", message: "c.sipHeaders must be a map of header names to string values." });
  });
});

describe("resultInformation", () => {
  test("writes a 2xx code as 0 in the DiagCode, any other code as itself", () => {
    expect(resultInformation(200, 7000, "Ended.").message).toBe("Ended. DiagCode: 0#7000.@");
    expect(resultInformation(299, 1, "Ok.").message).toBe("Ok. DiagCode: 0#1.@");
    expect(resultInformation(300, 1, "Moved.").message).toBe("Moved. DiagCode: 300#1.@");
    expect(resultInformation(199, 1, "Early.").message).toBe("Early. DiagCode: 199#1.@");
    expect(resultInformation(603, 0, "Declined.", false)).toEqual({ code: 603, subCode: 0, message: "Declined." });
  });
});
