import type { Clock, TimerHandle } from "../engine/clock.js";

/** The server's clock: wall-clock time and Node timers. */
export interface RealClock extends Clock {
  /** Resolves once every task already due (scheduled with no delay left) has run, including tasks those schedule. */
  settleDue(): Promise<void>;
  /** Resolves true once the next task has run (or was cancelled) or tracked work settled; false at once when there is neither. */
  nextRun(): Promise<boolean>;
  /** Counts `work` (a delivery, a file being read) as pending until it settles; returns it. */
  track<T>(work: Promise<T>): Promise<T>;
}

interface Entry {
  cancel(): void;
  at: number;
  /** Who waits for this task to have run (settleDue); made only when someone waits. */
  waiters?: Array<() => void>;
}

/**
 * Wall-clock time and Node timers: the server's clock. A task due now runs on `setImmediate`,
 * not `setTimeout(0)`, which Node rounds up to 1 ms: every service outcome is scheduled
 * (SERVICE_LATENCY_MS), so that millisecond would be added to every action-to-callback time.
 */
export function createRealClock(): RealClock {
  let nextId = 0;
  const timers = new Map<number, Entry>();
  const inFlight = new Set<Promise<unknown>>();
  const clock: RealClock = {
    now: () => Date.now(),
    schedule(delayMs, task) {
      const id = ++nextId;
      const delay = Math.max(0, delayMs);
      const entry: Entry = { cancel: noop, at: Date.now() + delay };
      const run = () => {
        timers.delete(id);
        try {
          task();
        } finally {
          if (entry.waiters) for (const resolve of entry.waiters) resolve();
        }
      };
      if (delay === 0) {
        const immediate = setImmediate(run);
        entry.cancel = () => clearImmediate(immediate);
      } else {
        const timer = setTimeout(run, delay);
        // Pending rings and retries must not keep a stopping process alive.
        timer.unref?.();
        entry.cancel = () => clearTimeout(timer);
      }
      timers.set(id, entry);
      return { id };
    },
    cancel(handle: TimerHandle) {
      const entry = timers.get(handle.id);
      if (!entry) return;
      entry.cancel();
      timers.delete(handle.id);
      // A cancelled task will never run: nobody should wait for it.
      if (entry.waiters) for (const resolve of entry.waiters) resolve();
    },
    async nextRun() {
      if (timers.size === 0 && inFlight.size === 0) return false;
      const tasks = [...timers.values()].map((t) => new Promise<void>((resolve) => (t.waiters ??= []).push(resolve)));
      const work = [...inFlight].map((w) => w.then(noop, noop));
      await Promise.race([...tasks, ...work]);
      return true;
    },
    track(work) {
      inFlight.add(work);
      const done = () => inFlight.delete(work);
      work.then(done, done);
      return work;
    },
    async settleDue() {
      for (;;) {
        const due = [...timers.values()].filter((t) => t.at <= Date.now());
        if (due.length === 0) return;
        await Promise.all(due.map((t) => new Promise<void>((resolve) => (t.waiters ??= []).push(resolve))));
      }
    },
  };
  return clock;
}

const noop = () => undefined;
