import { describe, expect, test } from "vitest";
import { ScopedClock, type Clock, type TimerHandle } from "../../emulator/engine/clock.js";

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
