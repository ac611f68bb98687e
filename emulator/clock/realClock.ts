import type { Clock, TimerHandle } from "../engine/clock.js";

/** The server's clock: wall-clock time and Node timers. */
export interface RealClock extends Clock {
  /** Resolves once every task already due (scheduled with no delay left) has run, including tasks those schedule. */
  settleDue(): Promise<void>;
}

/** Wall-clock time and Node timers: the server's clock. */
export function createRealClock(): RealClock {
  let nextId = 0;
  const timers = new Map<number, { timer: NodeJS.Timeout; at: number; ran: Promise<void> }>();
  const clock: RealClock = {
    now: () => Date.now(),
    schedule(delayMs, task) {
      const id = ++nextId;
      let markRan!: () => void;
      const ran = new Promise<void>((resolve) => (markRan = resolve));
      const timer = setTimeout(() => {
        timers.delete(id);
        try {
          task();
        } finally {
          markRan();
        }
      }, Math.max(0, delayMs));
      // Pending rings and retries must not keep a stopping process alive.
      timer.unref?.();
      timers.set(id, { timer, at: Date.now() + Math.max(0, delayMs), ran });
      return { id };
    },
    cancel(handle: TimerHandle) {
      const entry = timers.get(handle.id);
      if (entry) clearTimeout(entry.timer);
      timers.delete(handle.id);
    },
    async settleDue() {
      for (;;) {
        const due = [...timers.values()].filter((t) => t.at <= Date.now());
        if (due.length === 0) return;
        await Promise.all(due.map((t) => t.ran));
      }
    },
  };
  return clock;
}
