/** How the outbox retries callbacks. Every field can be overridden (createEmulator `delivery`, CLI `--delivery-*`). */
export interface RetryPolicy {
  /** Attempts per event, the first included, before it is dead-lettered. */
  maxAttempts: number;
  /** Wait before the second attempt; doubles for each further one. */
  baseDelayMs: number;
  /** Longest wait between attempts, also the cap on a `Retry-After` the app asks for. */
  maxDelayMs: number;
}

/**
 * Rule (assumed): five attempts with doubling back-off from 100 ms, capped at 5 s; a
 * `Retry-After` is honoured up to that cap. The service does not document how it retries
 * Call Automation callbacks (Learn's Call Automation overview and callback pages are silent).
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5_000 };

/**
 * How Event Grid retries a webhook delivery, in the names of an event subscription's
 * `retryPolicy` (Microsoft.EventGrid eventSubscriptions).
 */
export interface EventGridRetryPolicy {
  /** Attempts per event, the first included (Event Grid: 1 to 30). */
  maxDeliveryAttempts: number;
  /** An event not delivered this long after it was published is dead-lettered (Event Grid: 1 to 1,440). */
  eventTimeToLiveInMinutes: number;
}

/**
 * Event Grid's defaults: 30 delivery attempts and a 1,440-minute (24 h) time to live, whichever
 * ends first. Source: Learn, "Event Grid message delivery and retry" (Retry policy).
 */
export const DEFAULT_EVENT_GRID_RETRY_POLICY: EventGridRetryPolicy = { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1_440 };

const MINUTE = 60_000;
/**
 * Event Grid's waits before each retry: 10 s, 30 s, 1 min, 5 min, 10 min, 30 min, 1 h, 3 h,
 * 6 h, then every 12 h up to 24 h. Source: Learn, "Event Grid message delivery and retry"
 * (Retry schedule). Event Grid adds "a small randomization" to each step; callsim does not, so
 * that a seed replays a run.
 */
export const EVENT_GRID_RETRY_SCHEDULE_MS: readonly number[] = [10_000, 30_000, MINUTE, 5 * MINUTE, 10 * MINUTE, 30 * MINUTE, 60 * MINUTE, 180 * MINUTE, 360 * MINUTE, 720 * MINUTE];

/**
 * Statuses Event Grid never retries for a webhook: it dead-letters the event at once.
 * Source: Learn, "Event Grid message delivery and retry" (400, 413, 401, 403 for webhooks).
 */
export const EVENT_GRID_NO_RETRY_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 413]);

/** The policy of one channel as the outbox applies it. */
export interface ChannelPolicy {
  maxAttempts: number;
  /** Published this long ago, an event is dead-lettered instead of retried. */
  timeToLiveMs: number;
  /** True when an attempt the endpoint did not answer within the timeout is tried again. */
  retriesTimeouts: boolean;
  /** True when a failed attempt that got `status` is worth another. */
  retryable(status: number): boolean;
  /** The wait before attempt `next` (2 for the first retry), given the app's `Retry-After`. */
  delayBefore(next: number, retryAfterMs: number | undefined): number;
}

/**
 * Rule (assumed): a callback the app's endpoint does not answer within the timeout is not
 * posted again; it is dead-lettered (the app did get it). The service documents nothing, but
 * its own live-transcription sample never answers a callback, and its flow (CallConnected
 * starts a recording) would fail on a second CallConnected 30 s into every call. Event Grid
 * retries a timeout, as documented.
 */
export const CALLBACK_TIMEOUT_RETRIED = false;

/**
 * Callbacks: 408, 429 and 5xx are worth another attempt, and so is an endpoint that cannot
 * be reached; other 4xx mean the app refused the event. Doubling back-off, a `Retry-After`
 * honoured up to the longest wait.
 */
export function callbackChannelPolicy(policy: RetryPolicy): ChannelPolicy {
  return {
    maxAttempts: policy.maxAttempts,
    timeToLiveMs: Infinity,
    retriesTimeouts: CALLBACK_TIMEOUT_RETRIED,
    retryable: (status) => status === 408 || status === 429 || status >= 500,
    delayBefore(next, retryAfterMs) {
      if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, 0), policy.maxDelayMs);
      return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (next - 2));
    },
  };
}

/** Event Grid webhooks: its documented schedule, attempts, time to live and non-retried statuses. */
export function eventGridChannelPolicy(policy: EventGridRetryPolicy): ChannelPolicy {
  const schedule = EVENT_GRID_RETRY_SCHEDULE_MS;
  return {
    maxAttempts: policy.maxDeliveryAttempts,
    timeToLiveMs: policy.eventTimeToLiveInMinutes * MINUTE,
    // "If the endpoint hasn't responded within 30 seconds, the message is queued for retry."
    retriesTimeouts: true,
    retryable: (status) => !EVENT_GRID_NO_RETRY_STATUSES.has(status),
    delayBefore: (next) => schedule[Math.min(next - 2, schedule.length - 1)],
  };
}

/** How events of one destination wait for each other. */
export interface DeliveryOrdering {
  /**
   * `destination`: one delivery in flight per callback URL, each event waiting for the one
   * before it (retries included): the order a virtual clock and the explorer control.
   * `call`: each event is posted on its own, as the service posts callbacks; an event waits
   * for its call's previous one only while that one is unanswered and for `callOrderGraceMs`
   * at most.
   */
  laneBy: "destination" | "call";
  /** How long an event waits for its call's previous one before it is sent anyway. */
  callOrderGraceMs: number;
  /** Deliveries in flight at once to one origin (scheme, host, port); more wait their turn. */
  maxInFlightPerOrigin: number;
}

/**
 * Rule (assumed): an event waits at most 250 ms for its call's previous event to be answered
 * (or to settle, retries included), then is posted anyway. An app that answers at once sees
 * each call's events in order; a slow or silent handler holds its call's next event back
 * 250 ms at most, never for its timeout. The service promises no order.
 */
export const DEFAULT_CALL_ORDER_GRACE_MS = 250;

/** One delivery at a time per callback URL, in order, however long an answer takes. */
export const SERIAL_ORDERING: DeliveryOrdering = { laneBy: "destination", callOrderGraceMs: Infinity, maxInFlightPerOrigin: Infinity };
