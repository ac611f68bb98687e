import type { Clock, TimerHandle } from "../engine/clock.js";

/** The server's clock: wall-clock time and Node timers. */
export interface RealClock extends Clock {
  /** Resolves once every task already due (scheduled with no delay left) has run, including tasks those schedule. */
  settleDue(): Promise<void>;
}

interface Entry {
  cancel(): void;
  at: number;
  ran: Promise<void>;
}

/**
 * Wall-clock time and Node timers: the server's clock. A task due now runs on `setImmediate`,
 * not `setTimeout(0)`, which Node rounds up to 1 ms: every service outcome is scheduled
 * (SERVICE_LATENCY_MS), so that millisecond would be added to every action-to-callback time.
 */
export function createRealClock(): RealClock {
  let nextId = 0;
  const timers = new Map<number, Entry>();
  const clock: RealClock = {
    now: () => Date.now(),
    schedule(delayMs, task) {
      const id = ++nextId;
      let markRan!: () => void;
      const ran = new Promise<void>((resolve) => (markRan = resolve));
      const run = () => {
        timers.delete(id);
        try {
          task();
        } finally {
          markRan();
        }
      };
      const delay = Math.max(0, delayMs);
      let cancel: () => void;
      if (delay === 0) {
        const immediate = setImmediate(run);
        cancel = () => clearImmediate(immediate);
      } else {
        const timer = setTimeout(run, delay);
        // Pending rings and retries must not keep a stopping process alive.
        timer.unref?.();
        cancel = () => clearTimeout(timer);
      }
      timers.set(id, { cancel, at: Date.now() + delay, ran });
      return { id };
    },
    cancel(handle: TimerHandle) {
      timers.get(handle.id)?.cancel();
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
