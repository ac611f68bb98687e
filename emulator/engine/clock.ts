/**
 * The engine's only source of time. A real clock drives the server; a virtual clock makes
 * a 180 s invitation timeout cost microseconds in tests. The engine never reads the wall
 * clock or calls timers itself, so a seed plus a virtual clock reproduces a run exactly.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, as this clock sees it. */
  now(): number;
  /** Runs `task` once `delayMs` has passed on this clock. */
  schedule(delayMs: number, task: () => void, label?: string): TimerHandle;
  /** Cancels a scheduled task; cancelling a task that already ran is a no-op. */
  cancel(handle: TimerHandle): void;
}

/** An opaque handle for a scheduled task. */
export interface TimerHandle {
  readonly id: number;
}

/** Formats clock time the way the service stamps events: seven fractional digits and `+00:00`. */
export function formatEventTime(time: number): string {
  const ms = Math.floor(time);
  // Events come in bursts at one instant (always, on the virtual clock): they share one string.
  // Stryker disable next-line ConditionalExpression: a memo; formatting the instant again gives the same text
  if (ms === lastInstant.at) return lastInstant.text;
  const milliseconds = ((ms % 1000) + 1000) % 1000;
  const second = ms - milliseconds;
  // Events mostly fall within one second of each other: format its date and time once.
  // Stryker disable next-line ConditionalExpression: a memo; formatting the second again gives the same text
  if (second !== lastSecond.at) lastSecond = { at: second, text: new Date(second).toISOString().slice(0, 19) }; // 2026-01-01T00:00:00
  lastInstant = { at: ms, text: `${lastSecond.text}.${MILLIS[milliseconds]}0000+00:00` };
  return lastInstant.text;
}

// Stryker disable next-line StringLiteral: NaN equals no instant, so the memos' first texts are never returned
let lastSecond = { at: Number.NaN, text: "" };
// Stryker disable next-line StringLiteral: as above
let lastInstant = { at: Number.NaN, text: "" };
const MILLIS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, "0"));

/** A view of a clock whose tasks can all be cancelled at once (the control plane's reset). */
export class ScopedClock implements Clock {
  private readonly live = new Map<number, TimerHandle>();

  constructor(private readonly inner: Clock) {}

  now(): number {
    return this.inner.now();
  }

  schedule(delayMs: number, task: () => void, label?: string): TimerHandle {
    let handle: TimerHandle | undefined;
    handle = this.inner.schedule(delayMs, () => {
      if (handle) this.live.delete(handle.id);
      task();
    }, label);
    this.live.set(handle.id, handle);
    return handle;
  }

  cancel(handle: TimerHandle): void {
    this.live.delete(handle.id);
    this.inner.cancel(handle);
  }

  /** Cancels every task scheduled through this view that has not run yet. */
  cancelAll(): void {
    for (const handle of this.live.values()) this.inner.cancel(handle);
    this.live.clear();
  }
}
