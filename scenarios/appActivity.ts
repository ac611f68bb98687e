/**
 * When an app behind a URL has finished reacting to a step: the bookkeeping of its requests, of
 * the explorer's POSTs to it, and of the quiet window, on a clock it is given. It holds no
 * timers and does no HTTP, so every rule about time can be checked with a clock a test moves.
 */

/** Rule (assumed): the shortest quiet window; a loopback app reacts well within it. */
export const MIN_QUIET_MS = 25;
/** Rule (assumed): the adaptive quiet window never grows past this. */
export const MAX_QUIET_MS = 2_000;
/** Rule (assumed): the adaptive quiet window is this many times the slowest reaction seen. */
export const QUIET_FACTOR = 2;

/** A POST of the explorer to the app that has not been answered yet. */
export interface OpenPost {
  readonly seq: number;
  readonly what: string;
  /** Since when the app alone is responsible for the wait (sent, or last seen waiting on the explorer). */
  since: number;
  readonly abort: AbortController;
}

/** What one look at the app finds. */
export type Verdict =
  | { kind: "wait" }
  /** The app's reaction to the step is complete. */
  | { kind: "settled" }
  /** A bound was hit; the run fails with `reason`. */
  | { kind: "failed"; reason: string };

/** The result of {@link AppActivity.look}: the POSTs overdue (already forgotten, to abort and report) and the verdict. */
export interface Look {
  overdue: OpenPost[];
  verdict: Verdict;
}

export interface AppActivityOptions {
  /** A fixed quiet window; absent, it adapts (see {@link AppActivity.quietMs}). */
  quietMs?: number;
  answerTimeoutMs: number;
  now: () => number;
}

/**
 * The app's reaction to a step is complete when callsim has acted on all its requests, every
 * POST it has not answered waits on an answer the explorer holds (a request it made after that
 * POST), and nothing moved for the quiet window. Every wait is bounded by `answerTimeoutMs`.
 */
export class AppActivity {
  readonly posts = new Set<OpenPost>();
  private readonly actingOn = new Set<number>(); // requests callsim has not acted on yet
  private readonly held = new Set<number>(); // requests whose answer the explorer holds
  private seq = 0;
  private requestsThisRun = 0;
  private lastActivity: number;
  private adaptiveQuietMs = MIN_QUIET_MS;
  private waiting = false;
  private ending = false;
  private awaitingFirstRequest = false;
  private startedAt = 0;

  constructor(private readonly options: AppActivityOptions) {
    this.lastActivity = options.now();
  }

  /** The quiet window now: the fixed one, or the adaptive one. */
  quietMs(): number {
    return this.options.quietMs ?? this.adaptiveQuietMs;
  }

  /** A run begins: no request of it yet. */
  runOpened(): void {
    this.requestsThisRun = 0;
    this.ending = false;
  }

  /** The app was set off; `expectsRequest` when it must act next (a start URL was POSTed). */
  started(expectsRequest: boolean): void {
    this.awaitingFirstRequest = expectsRequest;
    this.startedAt = this.options.now();
  }

  /** The run is ending: its held answers went out, and no first request is awaited any more. */
  runEnding(): void {
    this.awaitingFirstRequest = false;
    this.ending = true;
  }

  /** The app made a request; answers its id. */
  requestArrived(): number {
    this.adapt();
    this.touch();
    const id = ++this.seq;
    this.requestsThisRun++;
    this.awaitingFirstRequest = false;
    this.actingOn.add(id);
    return id;
  }

  /** callsim acted on request `id`; its answer is held by the explorer until it is released. */
  accepted(id: number): void {
    if (this.actingOn.delete(id)) this.held.add(id);
    this.touch();
  }

  /** Request `id` was answered. */
  answered(id: number): void {
    this.actingOn.delete(id);
    this.held.delete(id);
    this.touch();
  }

  /** The explorer POSTs to the app. */
  postSent(what: string): OpenPost {
    const open: OpenPost = { seq: ++this.seq, what, since: this.options.now(), abort: new AbortController() };
    this.posts.add(open);
    this.touch();
    return open;
  }

  /** The app answered a POST, or it failed. */
  postSettled(open: OpenPost): void {
    this.posts.delete(open);
    this.touch();
  }

  /** An event goes to the app: before any request of the run, the app must act on it. */
  delivering(): void {
    if (this.requestsThisRun > 0 || this.awaitingFirstRequest) return;
    this.awaitingFirstRequest = true;
    this.startedAt = this.options.now();
  }

  /** The explorer waits for the app (between {@link waitBegan} and {@link waitEnded}). */
  waitBegan(): void {
    this.waiting = true;
  }

  waitEnded(): void {
    this.waiting = false;
  }

  /** Looks at the app once; `began` is when the wait for this step began. */
  look(began: number): Look {
    const now = this.options.now();
    const busy = this.busy(now);
    const overdue: OpenPost[] = [];
    const { answerTimeoutMs } = this.options;
    for (const open of this.posts) {
      if (now - open.since <= answerTimeoutMs) continue;
      overdue.push(open);
      this.posts.delete(open);
    }
    // After its start the app must act: the first request is waited for, not a quiet window.
    if (this.awaitingFirstRequest) {
      if (now - this.startedAt <= answerTimeoutMs) return { overdue, verdict: { kind: "wait" } };
      this.awaitingFirstRequest = false;
      return { overdue, verdict: { kind: "settled" } };
    }
    // A step that involved no HTTP (time moving on in the engine) finds a quiet app still quiet:
    // the window never shrinks, and nothing moved since it last elapsed.
    if (!busy && now - this.lastActivity >= this.quietMs()) return { overdue, verdict: { kind: "settled" } };
    if (now - began > answerTimeoutMs + this.quietMs()) {
      return { overdue, verdict: { kind: "failed", reason: `the app kept acting for more than ${answerTimeoutMs} ms after one step (--answer-timeout-ms)` } };
    }
    return { overdue, verdict: { kind: "wait" } };
  }

  private touch(): void {
    this.lastActivity = this.options.now();
  }

  /**
   * The window adapts to the app's reaction time: the gap since the explorer last moved, or
   * doubled for a request that came after it stopped waiting.
   */
  private adapt(): void {
    const now = this.options.now();
    // A request made while the app still owes an answer is part of work the explorer waits for anyway.
    if (this.awaitingFirstRequest || this.ending || this.busy(now)) return;
    const reaction = this.waiting ? QUIET_FACTOR * (now - this.lastActivity) : 2 * this.adaptiveQuietMs;
    this.adaptiveQuietMs = Math.min(MAX_QUIET_MS, Math.max(this.adaptiveQuietMs, reaction));
  }

  /** True while the app may still be working on its own: a POST it has not answered does not wait on a held answer. */
  private busy(now: number): boolean {
    let busy = this.actingOn.size > 0;
    for (const open of this.posts) {
      // Stryker disable next-line EqualityOperator: one counter numbers requests and POSTs, so a request's id never equals a POST's seq
      const waitsOnExplorer = [...this.held].some((id) => id > open.seq);
      if (waitsOnExplorer) open.since = now;
      else busy = true;
    }
    return busy;
  }
}
