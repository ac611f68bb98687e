import type { Clock, TimerHandle } from "./clock.js";
import { DeliveryLanes, OriginSlots } from "./deliveryLanes.js";
import {
  callbackChannelPolicy,
  DEFAULT_EVENT_GRID_RETRY_POLICY,
  DEFAULT_RETRY_POLICY,
  eventGridChannelPolicy,
  SERIAL_ORDERING,
  type ChannelPolicy,
  type DeliveryOrdering,
  type EventGridRetryPolicy,
  type RetryPolicy,
} from "./deliveryPolicy.js";

export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./deliveryPolicy.js";

/** One HTTP POST the outbox asks its sink to make. */
export interface Delivery {
  url: string;
  headers: Record<string, string>;
  /** The JSON array as sent; the outbox writes it out when a sink first reads it. */
  readonly body: string;
  /**
   * The body's events as the outbox holds them (never to be changed): an in-process handler
   * gets a copy of these rather than a parse of `body`.
   */
  readonly events?: readonly Record<string, unknown>[];
}

/** What the app's endpoint answered (or `error` when it could not be reached). */
export interface DeliveryResult {
  status: number;
  body?: string;
  /** From a `Retry-After` header, in milliseconds. */
  retryAfterMs?: number;
}

/** Sends one delivery; rejects when the endpoint cannot be reached. Real HTTP or in-process. */
export type DeliverySink = (delivery: Delivery) => Promise<DeliveryResult>;

/** Which channel an event travels on. */
export type EventChannel = "callback" | "eventGrid";

/** Delivery attempt of one event. */
export interface DeliveryAttempt {
  at: number;
  status?: number;
  error?: string;
}

/** One event in the log: what was sent, where, and what became of it. */
export interface EventRecord {
  /** Position in the whole log, from 1. */
  sequence: number;
  id: string;
  type: string;
  channel: EventChannel;
  destination: string;
  callConnectionId?: string;
  serverCallId?: string;
  /** The event object (CloudEvent or Event Grid event) as POSTed inside a JSON array. */
  event: Record<string, unknown>;
  createdAt: number;
  /** callsim's explanation of the outcome for the person debugging (why a file failed, …); never sent. */
  note?: string;
  state: "pending" | "delivered" | "deadLettered";
  attempts: DeliveryAttempt[];
}

/** How much the outbox keeps. */
export interface OutboxLimits {
  /** Delivered and dead-lettered events kept in the log; older ones are dropped and counted. */
  eventLogLimit: number;
  /** Events waiting for delivery, all destinations together, before new actions are refused (429). */
  maxBacklog: number;
}

/**
 * Rule (assumed): the log keeps the newest 10,000 settled events (a 1,000-call run fits) and
 * at most 10,000 events may wait for delivery; both bound memory under any load.
 */
export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = { eventLogLimit: 10_000, maxBacklog: 10_000 };

/** Counters of the outbox since the last reset, for `GET /emulator/info`. */
export interface OutboxStats {
  /** Events in the log now. */
  retained: number;
  /** Settled events dropped from the log to keep it under `eventLogLimit`. */
  droppedFromLog: number;
  delivered: number;
  deadLettered: number;
  /** Events waiting for delivery (including those between retries). */
  pending: number;
  /** How long the oldest waiting event has waited, in ms (0 when none waits). */
  oldestPendingMs: number;
  /** Most events that ever waited at once. */
  maxPendingSeen: number;
}

/** What became of an event: the second argument of an outbox listener. */
export type DeliveryChange =
  | { kind: "queued" }
  | {
      kind: "attempted";
      /** The attempt just answered (or failed), also the last of `record.attempts`. */
      attempt: DeliveryAttempt;
      outcome: "delivered" | "retrying" | "deadLettered";
      /** With `retrying`: the wait before the next attempt, in ms. */
      retryInMs?: number;
    };

/** A listener of the outbox: every event queued, and every attempt with its outcome. */
export type DeliveryListener = (record: EventRecord, change: DeliveryChange) => void;

/**
 * What a sink throws when the app's endpoint did not answer within the per-attempt timeout:
 * whether that attempt is tried again is the channel's rule.
 */
export class DeliveryTimeoutError extends Error {
  override name = "DeliveryTimeoutError";
}

/** An event the outbox holds until it settles, with the headers its POST carries. */
interface Queued {
  record: EventRecord;
  headers: Record<string, string>;
}

/** What the outbox is built with; every field has a default. */
export interface OutboxOptions {
  /** Callbacks' retries. */
  policy?: Partial<RetryPolicy>;
  /** Event Grid webhooks' retries. */
  eventGrid?: Partial<EventGridRetryPolicy>;
  limits?: Partial<OutboxLimits>;
  /** How events wait for each other; {@link SERIAL_ORDERING} unless told. */
  ordering?: Partial<DeliveryOrdering>;
}

/**
 * The only way events leave the engine. Each event is sent on its own, retried on its own
 * schedule (callbacks' or Event Grid's) and settled (delivered or dead-lettered) on its own;
 * `ordering` says how long an event waits for the one before it (see {@link DeliveryOrdering}).
 */
export class Outbox {
  private readonly lanes: DeliveryLanes<Queued>;
  private readonly slots: OriginSlots<Queued>;
  private readonly retryTimers = new Map<Queued, TimerHandle>();
  private log: EventRecord[] = [];
  /** No event before this index of the log is pending: records never go back to pending. */
  private firstPendingHint = 0;
  private readonly listeners = new Set<DeliveryListener>();
  private idleWaiters: Array<() => void> = [];
  private sequence = 0;
  private generation = 0;
  private pending = 0;
  private stopped = false;
  private counts = { droppedFromLog: 0, delivered: 0, deadLettered: 0, maxPendingSeen: 0 };
  readonly policy: RetryPolicy;
  readonly eventGridPolicy: EventGridRetryPolicy;
  readonly limits: OutboxLimits;
  readonly ordering: DeliveryOrdering;
  private readonly channels: Record<EventChannel, ChannelPolicy>;

  constructor(
    private readonly clock: Clock,
    private readonly sink: DeliverySink,
    options: OutboxOptions = {},
  ) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...defined(options.policy ?? {}) };
    this.eventGridPolicy = { ...DEFAULT_EVENT_GRID_RETRY_POLICY, ...defined(options.eventGrid ?? {}) };
    this.limits = { ...DEFAULT_OUTBOX_LIMITS, ...defined(options.limits ?? {}) };
    this.ordering = { ...SERIAL_ORDERING, ...defined(options.ordering ?? {}) };
    this.channels = { callback: callbackChannelPolicy(this.policy), eventGrid: eventGridChannelPolicy(this.eventGridPolicy) };
    this.lanes = new DeliveryLanes(clock, this.ordering, (queued) => this.send(queued));
    this.slots = new OriginSlots(this.ordering.maxInFlightPerOrigin);
  }

  /** Queues `event` for `destination` and sends it unless its lane holds it back. */
  enqueue(input: Omit<EventRecord, "sequence" | "state" | "attempts" | "createdAt">, headers: Record<string, string>): EventRecord {
    // Field by field: `{ ...input, more }` takes V8 (Node 20) a microsecond for each field after the spread.
    const record: EventRecord = {
      id: input.id,
      type: input.type,
      channel: input.channel,
      destination: input.destination,
      callConnectionId: input.callConnectionId,
      serverCallId: input.serverCallId,
      event: input.event,
      sequence: ++this.sequence,
      createdAt: this.clock.now(),
      state: "pending",
      attempts: [],
    };
    if (input.note !== undefined) record.note = input.note;
    this.log.push(record);
    this.pending++;
    // Stryker disable next-line EqualityOperator: at equality the assignment stores the same number
    if (this.pending > this.counts.maxPendingSeen) this.counts.maxPendingSeen = this.pending;
    this.trimLog();
    this.notify(record, QUEUED);
    this.lanes.admit({ record, headers });
    return record;
  }

  /** Sends one request at once, outside any queue (the Event Grid validation handshake). */
  sendNow(delivery: Delivery): Promise<DeliveryResult> {
    return this.sink(delivery);
  }

  /** Every event so far, oldest first. */
  events(): readonly EventRecord[] {
    return this.log;
  }

  /**
   * Calls `listener` whenever an event is queued and after every attempt, with what became of
   * it (delivered, retrying and after how long, dead-lettered).
   */
  subscribe(listener: DeliveryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events not yet delivered or dead-lettered. */
  pendingCount(): number {
    return this.pending;
  }

  /** True when the backlog is at `maxBacklog`: new actions should wait. */
  isSaturated(): boolean {
    return this.pending >= this.limits.maxBacklog;
  }

  /** What the outbox holds and has done since the last reset. */
  stats(): OutboxStats {
    const log = this.log;
    let i = Math.min(this.firstPendingHint, log.length);
    while (i < log.length && log[i].state !== "pending") i++;
    this.firstPendingHint = i;
    return {
      retained: log.length,
      ...this.counts,
      pending: this.pending,
      oldestPendingMs: i < log.length ? Math.max(0, this.clock.now() - log[i].createdAt) : 0,
    };
  }

  /** Resolves once every event was delivered or dead-lettered. */
  whenIdle(): Promise<void> {
    if (this.pendingCount() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops every queued event and the log (the control plane's reset). */
  clear(): void {
    // Stryker disable next-line UpdateOperator: any change of generation marks the attempts under way as from before the reset
    this.generation++;
    this.cancelTimers();
    this.lanes.clear();
    this.slots.clear();
    this.log.length = 0;
    this.firstPendingHint = 0;
    this.sequence = 0;
    this.pending = 0;
    this.counts = { droppedFromLog: 0, delivered: 0, deadLettered: 0, maxPendingSeen: 0 };
    this.settleIdle();
  }

  /**
   * Stops delivering (the emulator is closing): nothing more is sent, nothing is retried;
   * what is still pending stays in the log and in `stats()` for the report.
   */
  stop(): void {
    this.stopped = true;
    this.lanes.stop();
    this.cancelTimers();
  }

  private cancelTimers(): void {
    for (const timer of this.retryTimers.values()) this.clock.cancel(timer);
    this.retryTimers.clear();
  }

  /** One attempt of `queued`, once its origin has room for another delivery. */
  private send(queued: Queued): void {
    if (this.stopped || !this.slots.take(queued)) return;
    const destination = queued.record.destination;
    const generation = this.generation;
    const attempt: DeliveryAttempt = { at: this.clock.now() };
    queued.record.attempts.push(attempt);
    let sent: Promise<DeliveryResult>;
    try {
      sent = this.sink(outgoing(destination, queued.headers, [queued.record.event]));
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      (result) => {
        if (generation !== this.generation) return;
        attempt.status = result.status;
        this.afterAttempt(queued, attempt, result.status >= 200 && result.status < 300, result.status, result.retryAfterMs);
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        attempt.error = error instanceof Error ? error.message : String(error);
        const timedOut = error instanceof DeliveryTimeoutError;
        this.afterAttempt(queued, attempt, false, undefined, undefined, timedOut);
      },
    );
  }

  private afterAttempt(queued: Queued, attempt: DeliveryAttempt, ok: boolean, status: number | undefined, retryAfterMs: number | undefined, timedOut = false): void {
    const next = this.slots.release(queued);
    if (next) this.send(next);
    const record = queued.record;
    const channel = this.channels[record.channel];
    const delay = ok ? 0 : channel.delayBefore(record.attempts.length + 1, retryAfterMs);
    const done =
      ok ||
      (status !== undefined && !channel.retryable(status)) ||
      (timedOut && !channel.retriesTimeouts) ||
      record.attempts.length >= channel.maxAttempts ||
      this.clock.now() + delay - record.createdAt > channel.timeToLiveMs;
    if (done) {
      record.state = ok ? "delivered" : "deadLettered";
      this.pending--;
      this.counts[ok ? "delivered" : "deadLettered"]++;
      this.notify(record, { kind: "attempted", attempt, outcome: record.state });
      this.lanes.settled(queued);
      this.settleIdle();
      return;
    }
    this.notify(record, { kind: "attempted", attempt, outcome: "retrying", retryInMs: delay });
    if (this.stopped) return;
    const timer = this.clock.schedule(delay, () => {
      this.retryTimers.delete(queued);
      this.send(queued);
    }, `retry ${record.type} to ${record.destination}`);
    this.retryTimers.set(queued, timer);
  }

  /**
   * Keeps the log under its limit by dropping the oldest settled events, in batches of a
   * tenth so trimming costs O(1) per event. Pending events stay: they are not done yet.
   */
  private trimLog(): void {
    const limit = this.limits.eventLogLimit;
    if (this.log.length <= limit + Math.max(1, Math.floor(limit / 10))) return;
    let excess = this.log.length - limit;
    const kept: EventRecord[] = [];
    for (const record of this.log) {
      if (excess > 0 && record.state !== "pending") {
        excess--;
        this.counts.droppedFromLog++;
        continue;
      }
      kept.push(record);
    }
    this.log = kept;
    this.firstPendingHint = 0;
  }

  private notify(record: EventRecord, change: DeliveryChange): void {
    for (const listener of this.listeners) listener(record, change);
  }

  private settleIdle(): void {
    if (this.pendingCount() !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

const QUEUED: DeliveryChange = { kind: "queued" };

/**
 * A delivery of `events` whose body is written out once, when first read: an in-process
 * handler that takes the events as objects never pays for the JSON.
 */
function outgoing(url: string, headers: Record<string, string>, events: readonly Record<string, unknown>[]): Delivery {
  let body: string | undefined;
  return {
    url,
    headers,
    events,
    get body() {
      return (body ??= JSON.stringify(events));
    },
  };
}

/** The fields that are set: an `undefined` option keeps its default. */
function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
