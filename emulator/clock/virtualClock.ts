import type { Clock, TimerHandle } from "../engine/clock.js";

/** Where virtual time starts unless told otherwise: fixed, so event times repeat across runs. */
export const VIRTUAL_EPOCH_MS = Date.UTC(2026, 0, 1, 9, 0, 0);

/** Options of {@link VirtualClock.settle}. */
export interface SettleOptions {
  /** How many tasks settle may run before it gives up; default 10,000. */
  limit?: number;
}

interface Task {
  id: number;
  at: number;
  run: () => void;
  label?: string;
}

/**
 * Time that moves only when told to. Never installed globally and never patching Node's
 * timers: only the emulator's own schedule runs on it. A 180 s timeout is one `advance`.
 * @example
 * const clock = new VirtualClock();
 * clock.schedule(180_000, () => console.log("timed out"));
 * await clock.settle(); // runs it at once, clock.now() is 180 s later
 */
export class VirtualClock implements Clock {
  private current: number;
  private tasks: Task[] = [];
  private nextId = 0;
  /** Async work (deliveries, handlers) that settle waits for between tasks. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(startMs: number = VIRTUAL_EPOCH_MS) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  schedule(delayMs: number, run: () => void, label?: string): TimerHandle {
    const task: Task = { id: ++this.nextId, at: this.current + Math.max(0, delayMs), run, label };
    // Stable order: by time, then by scheduling order.
    let i = this.tasks.length;
    while (i > 0 && this.tasks[i - 1].at > task.at) i--;
    this.tasks.splice(i, 0, task);
    return { id: task.id };
  }

  cancel(handle: TimerHandle): void {
    this.tasks = this.tasks.filter((t) => t.id !== handle.id);
  }

  /** Tasks waiting to run, soonest first. */
  pending(): Array<{ at: number; label?: string }> {
    return this.tasks.map(({ at, label }) => ({ at, label }));
  }

  /** Lets `settle` wait for async work (e.g. a delivery) before deciding nothing is left. */
  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = () => this.inFlight.delete(work);
    work.then(done, done);
    return work;
  }

  /** Runs the next task, moving time to it; false when nothing is scheduled. */
  next(): boolean {
    const task = this.tasks.shift();
    if (!task) return false;
    this.current = Math.max(this.current, task.at);
    task.run();
    return true;
  }

  /**
   * Lets pending async work finish, then runs the next task and lets its work finish.
   * @returns false when nothing was scheduled
   */
  async step(): Promise<boolean> {
    await this.drainAsync();
    if (!this.next()) return false;
    await this.drainAsync();
    return true;
  }

  /** Moves time forward by `ms`, running every task that falls due on the way. */
  advance(ms: number): void {
    const until = this.current + ms;
    while (this.tasks.length > 0 && this.tasks[0].at <= until) this.next();
    this.current = until;
  }

  /**
   * Runs tasks and waits for tracked async work until nothing is left.
   * @throws Error when more than `limit` tasks ran: something keeps rescheduling itself
   */
  async settle(options: SettleOptions = {}): Promise<void> {
    const limit = options.limit ?? 10_000;
    let ran = 0;
    for (;;) {
      await this.drainAsync();
      if (this.tasks.length === 0) return;
      if (ran >= limit) {
        const next = this.tasks.slice(0, 3).map((t) => t.label ?? "task").join(", ");
        throw new Error(
          `settle() stopped after ${limit} tasks with ${this.tasks.length} still pending (next: ${next}). ` +
            "Something keeps scheduling work (a retry loop, or an app that reacts to every event with a new action). " +
            "Raise settle({ limit }) if the run is just long, or advance(ms) in steps to inspect it.",
        );
      }
      this.next();
      ran++;
    }
  }

  private async drainAsync(): Promise<void> {
    // Let microtasks and tracked work finish; new work may be tracked while we wait.
    for (let round = 0; round < 1000; round++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.inFlight.size === 0) return;
      await Promise.allSettled([...this.inFlight]);
    }
  }
}
