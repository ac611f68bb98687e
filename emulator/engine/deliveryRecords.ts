/**
 * What the outbox takes, sends and keeps: deliveries and their results, the event log's
 * records, its limits and counters, and what a listener is told.
 */

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
