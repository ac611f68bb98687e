import { InvalidArgumentError } from "../engine/errors.js";
import type { EventChannel } from "../engine/outbox.js";

/**
 * How a forged callback fails the docs' checks: a token past its `exp`, another resource's
 * audience, another issuer, a signature the named key does not verify, a key the JWKS does not
 * list, or no `Authorization` header at all.
 */
export const FORGERY_KINDS = ["expiredToken", "wrongAudience", "wrongIssuer", "badSignature", "unknownKey", "noToken"] as const;

/** The channels whose deliveries can be forged. */
const FORGEABLE_CHANNELS: readonly EventChannel[] = ["callback", "eventGrid"];

/** One of {@link FORGERY_KINDS}. */
export type ForgeryKind = (typeof FORGERY_KINDS)[number];

/** A planted forgery, as `POST /emulator/forgeries` takes it. */
export interface ForgeryInput {
  kind: ForgeryKind;
  /** Only callbacks of this call connection; any callback when absent. */
  callConnectionId?: string;
  /** How many callbacks it forges (default 1). */
  times?: number;
  /**
   * Only Call Automation callbacks (`callback`) or only Event Grid deliveries (`eventGrid`, of
   * subscriptions secured with Entra: the others carry no token to forge); either when absent.
   */
  channel?: EventChannel;
}

/** A planted forgery and how many callbacks it will still forge. */
export interface Forgery {
  kind: ForgeryKind;
  callConnectionId?: string | undefined;
  channel?: EventChannel | undefined;
  remaining: number;
}

/**
 * The forgeries waiting for callbacks, and which events got one. An event keeps its forgery
 * on every attempt, so a retried delivery is forged the same way.
 */
export class ForgeryPlan {
  private planted: Forgery[] = [];
  private readonly forged = new Map<string, ForgeryKind>();

  /** Makes the next matching callback(s) arrive forged. */
  add(input: ForgeryInput): Forgery {
    if (typeof input !== "object" || input === null) throw new InvalidArgumentError("body", "The request body must be a JSON object.");
    const { kind, callConnectionId, times = 1, channel } = input;
    if (!FORGERY_KINDS.includes(kind)) throw new InvalidArgumentError("kind", `kind must be one of ${FORGERY_KINDS.join(", ")}; got ${JSON.stringify(kind)}.`);
    if (callConnectionId !== undefined && typeof callConnectionId !== "string") throw new InvalidArgumentError("callConnectionId", "callConnectionId must be a string: the call connection whose callbacks are forged.");
    if (!Number.isInteger(times) || times < 1) throw new InvalidArgumentError("times", `times must be a whole number of at least 1; got ${JSON.stringify(times)}.`);
    if (channel !== undefined && !FORGEABLE_CHANNELS.includes(channel)) throw new InvalidArgumentError("channel", `channel must be one of ${FORGEABLE_CHANNELS.join(", ")}; got ${JSON.stringify(channel)}.`);
    const forgery: Forgery = { kind, callConnectionId, remaining: times, ...(channel && { channel }) };
    this.planted.push(forgery);
    return { ...forgery };
  }

  /** Forgeries still waiting for a callback, oldest first. */
  list(): Forgery[] {
    return this.planted.map((f) => ({ ...f }));
  }

  /** The forgery of an event (a CloudEvent in a callback, an Event Grid event), taking a planted one on its first attempt. */
  take(event: Record<string, unknown> | undefined, channel: EventChannel = "callback"): ForgeryKind | undefined {
    const id = typeof event?.id === "string" ? event.id : undefined;
    if (id === undefined) return undefined;
    const earlier = this.forged.get(id);
    if (earlier || this.planted.length === 0) return earlier;
    const callConnectionId = (event?.data as { callConnectionId?: unknown } | undefined)?.callConnectionId;
    const forgery = this.planted.find((f) => (f.channel === undefined || f.channel === channel) && (f.callConnectionId === undefined || f.callConnectionId === callConnectionId));
    if (!forgery) return undefined;
    if (--forgery.remaining === 0) this.planted = this.planted.filter((f) => f !== forgery);
    this.forged.set(id, forgery.kind);
    return forgery.kind;
  }

  /** The forgery an event was sent with, if any. */
  of(eventId: string): ForgeryKind | undefined {
    return this.forged.get(eventId);
  }

  /** Forgets planted forgeries and which events got one (the control plane's reset). */
  clear(): void {
    this.planted = [];
    this.forged.clear();
  }
}

/** An event of the log, with how it was forged and whether the app refused it. */
export type ForgedEventView<T> = T & { forgery?: ForgeryKind; refused?: boolean };

/**
 * Rule (assumed): an app refuses a forged callback by answering 401 or 403, the answers the
 * docs' samples give a token that fails validation (`res.sendStatus(401)`); any other answer to
 * a forgery counts as accepted. Such answers are not retried (the outbox retries only 408, 429
 * and 5xx), so a refused forgery is dead-lettered after its one attempt.
 */
export const REFUSAL_STATUSES: readonly number[] = [401, 403];

/** `record` as the event log shows it: with `forgery` and `refused` when it was forged. */
export function forgedEventView<T extends { id: string; attempts: ReadonlyArray<{ status?: number }> }>(record: T, plan: ForgeryPlan): ForgedEventView<T> {
  const forgery = plan.of(record.id);
  if (!forgery) return record;
  const last = record.attempts[record.attempts.length - 1];
  return { ...record, forgery, refused: last?.status !== undefined && REFUSAL_STATUSES.includes(last.status) };
}
