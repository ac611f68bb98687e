import type { FastifyBaseLogger } from "fastify";
import type { EmulatorInfo } from "./http/control.js";
import { CONNECTIONS_PER_ORIGIN } from "./delivery/httpSink.js";
import { DEFAULT_CALL_ORDER_GRACE_MS, SERIAL_ORDERING, type DeliveryOrdering, type EventGridRetryPolicy } from "./engine/deliveryPolicy.js";
import type { OutboxLimits, RetryPolicy } from "./engine/outbox.js";
import type { FaultableAction } from "./engine/faults.js";
import type { Variants } from "./engine/variants.js";
import type { DEFAULT_RESOURCE_ID } from "./delivery/callbackToken.js";

// What createEmulator and listen take, and how the delivery options become the outbox's ordering.
/** A planted failure, as `POST /emulator/faults` takes it. */
export interface FaultInput {
  action: FaultableAction;
  status?: number;
  code?: string;
  subCode?: number;
  message?: string;
  async?: boolean;
  times?: number;
}

/**
 * The well-known development access key (base64), like Azurite's: not a secret, so that a
 * connection string for callsim can be written down in docs and CI files.
 */
export const DEFAULT_ACCESS_KEY = Buffer.from("callsim-well-known-development-key-not-a-secret").toString("base64");

/**
 * Pending connections the server's socket queues (the kernel caps it at somaxconn). Node's
 * 511 makes a burst of a thousand new connections wait for SYN retransmits (1 s, 3 s, ...).
 */
export const LISTEN_BACKLOG = 4096;

/** Options of {@link createEmulator}. */
export interface EmulatorOptions {
  /** Seeds ids, data and sampled choices; random (and reported) when absent. */
  seed?: number;
  /** `real` for a server; `virtual` for in-process tests that advance time themselves. */
  clock?: "real" | "virtual";
  /** Base64 HMAC key; defaults to {@link DEFAULT_ACCESS_KEY}. */
  accessKey?: string;
  /** Accept requests without valid HMAC auth. */
  loose?: boolean;
  /** Reject request fields the spec does not know. */
  strict?: boolean;
  /** Participants per page of GetParticipants before a nextLink; default 100. */
  participantsPageSize?: number;
  /** Endpoint used in the connection string until `listen()` reports the real one. */
  endpoint?: string;
  /** Scheme and host of recording file locations (default `https://callsim.asm.skype.com`). */
  recordingStorageOrigin?: string;
  /** How callbacks are delivered, retried and kept; every field has a default (README "Reliability"). */
  delivery?: DeliveryOptions;
  /** Ended calls kept for `GET /emulator/calls` before the oldest are forgotten (default 10,000). */
  endedCallRetention?: number;
  /**
   * Checks every response and every event the emulator sends against the spec. `true` keeps
   * what it finds for {@link Emulator.assertSelfCheck}; `"throw"` also makes the request whose
   * response departs from the spec fail at once with a {@link ContractViolationError}. Off by
   * default; callsim's own tests and the `callsim/vitest` fixture turn it on.
   */
  selfCheck?: boolean | "throw";
  /**
   * Fetch play files (play, recognize prompts, hold music) to read their WAV header: their
   * length sets the play's duration, and a file that cannot be fetched or is not a mono
   * 16-bit 16 kHz WAV fails as the service fails it. Off by default: files play 1 s.
   */
  fetchAudio?: boolean;
  /**
   * Phone numbers (E.164) the emulated resource owns: createCall, addParticipant, transfer or
   * redirect to one of them raises IncomingCall instead of ringing a party in the world.
   */
  phoneNumbers?: string[];
  /**
   * The resource's immutable id, the audience of the JWT every callback carries (default
   * {@link DEFAULT_RESOURCE_ID}); reported by `GET /emulator/info`.
   */
  resourceId?: string;
  /** An RSA private key (PKCS#8 PEM) to sign callbacks with; one is generated at start otherwise. */
  callbackSigningKey?: string;
  /**
   * Sign callbacks (default true). The event-order explorer turns it off: it hands events to
   * the app itself, in orders it chooses, and signing (asynchronous) would hide them from it;
   * it signs what it posts to an app behind a URL itself, on the wall clock (explorerHttp.ts).
   */
  signCallbacks?: boolean;
  /**
   * Where real runs of the same operations disagree, which recorded behaviour to send: codes
   * (`decline`, `terminate`, `removeLast`) and the order of a leg's first events
   * (`createCallOrder`, `answerOrder`, `connectOrder`). Each defaults to the most recent
   * (engine/variants.ts names the choices and their recordings).
   * @example createEmulator({ variants: { decline: "200/5002", createCallOrder: "rosterFirst" } })
   */
  variants?: Partial<Variants>;
}

/**
 * The delivery policy: retries (attempts, back-off), the per-attempt timeout, how many
 * settled events the log keeps and how many may wait for delivery.
 * @example createEmulator({ delivery: { maxAttempts: 10, baseDelayMs: 50, timeoutMs: 2_000 } })
 */
export interface DeliveryOptions extends Partial<RetryPolicy>, Partial<OutboxLimits> {
  /** Per-attempt timeout of an HTTP delivery, in ms (default 30,000, Event Grid's). */
  timeoutMs?: number;
  /** How Event Grid webhooks are retried (default: Event Grid's 30 attempts, 1,440 minutes). */
  eventGrid?: Partial<EventGridRetryPolicy>;
  /**
   * On the real clock, how long an event waits for its call's previous event to be answered
   * before it is posted anyway (default 250 ms). On the virtual clock events go one at a time
   * per callback URL, in order.
   */
  callOrderGraceMs?: number;
}

/** Options of {@link Emulator.listen}. */
export interface ListenOptions {
  host?: string;
  port?: number;
  https?: { key: string; cert: string };
  logLevel?: string;
  /** A pino logger for the server's own lines (the CLI's, so that they share its format). */
  logger?: FastifyBaseLogger;
}

/**
 * The virtual clock keeps one delivery at a time per callback URL, in order (what tests and
 * the explorer step through); the real clock posts each event on its own, as the service
 * does, up to as many at once per origin as the HTTP sink has connections.
 */
export function deliveryOrdering(clock: "real" | "virtual", delivery: DeliveryOptions): DeliveryOrdering {
  if (clock === "virtual") return SERIAL_ORDERING;
  return { laneBy: "call", callOrderGraceMs: delivery.callOrderGraceMs ?? DEFAULT_CALL_ORDER_GRACE_MS, maxInFlightPerOrigin: CONNECTIONS_PER_ORIGIN };
}

/** The ordering as `GET /emulator/info` shows it: its limits where it has them (the real clock). */
export function orderingInfo(ordering: DeliveryOrdering): Pick<EmulatorInfo["delivery"], "callOrderGraceMs" | "maxInFlightPerOrigin"> {
  if (ordering.laneBy === "destination") return {};
  return { callOrderGraceMs: ordering.callOrderGraceMs, maxInFlightPerOrigin: ordering.maxInFlightPerOrigin };
}

