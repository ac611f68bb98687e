import type { Clock, TimerHandle } from "../engine/clock.js";

/** Wall-clock time and Node timers: the server's clock. */
export function createRealClock(): Clock {
  let nextId = 0;
  const timers = new Map<number, NodeJS.Timeout>();
  return {
    now: () => Date.now(),
    schedule(delayMs, task) {
      const id = ++nextId;
      const timer = setTimeout(() => {
        timers.delete(id);
        task();
      }, Math.max(0, delayMs));
      // Pending rings and retries must not keep a stopping process alive.
      timer.unref?.();
      timers.set(id, timer);
      return { id };
    },
    cancel(handle: TimerHandle) {
      const timer = timers.get(handle.id);
      if (timer) clearTimeout(timer);
      timers.delete(handle.id);
    },
  };
}
