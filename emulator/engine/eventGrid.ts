import { formatEventTime } from "./clock.js";
import type { IdGenerator } from "./ids.js";
import type { Clock } from "./clock.js";
import type { Outbox } from "./outbox.js";
import { InvalidArgumentError, NotFoundError } from "./errors.js";

/** An Event Grid webhook subscription for the emulated resource's events. */
export interface Subscription {
  id: string;
  endpoint: string;
  /** Event types delivered (without prefix); empty means all. */
  eventTypes: string[];
  /** `active` once the endpoint echoed the validation code (or called validationUrl). */
  state: "awaitingValidation" | "active" | "failed";
  validationCode: string;
  lastError?: string;
}

/** Event Grid event types callsim publishes. */
export const EVENT_GRID_TYPES = ["IncomingCall", "CallStarted", "RecordingFileStatusUpdated"] as const;

/**
 * Event Grid for the emulated resource: subscriptions validated by the real handshake,
 * and events in the Event Grid schema with the `aeg-event-type` header.
 */
export class EventGrid {
  private readonly subscriptions = new Map<string, Subscription>();

  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly outbox: Outbox,
    /** `topic` of every event: the emulated resource's ARM id. */
    readonly topic: string,
  ) {}

  /**
   * Subscribes `endpoint` and runs the validation handshake: a SubscriptionValidationEvent
   * POSTed with `aeg-event-type: SubscriptionValidation`; the subscription turns active when
   * the endpoint answers `{ validationResponse: <code> }`, or later GETs the validationUrl.
   */
  async subscribe(endpoint: string, eventTypes: string[], validationUrlBase: string): Promise<Subscription> {
    for (const type of eventTypes) {
      if (!(EVENT_GRID_TYPES as readonly string[]).includes(type.replace(/^Microsoft\.Communication\./, ""))) {
        throw new InvalidArgumentError("eventTypes", `eventTypes may name ${EVENT_GRID_TYPES.join(", ")}; got ${type}.`);
      }
    }
    const subscription: Subscription = {
      id: this.ids.uuid(),
      endpoint,
      eventTypes: eventTypes.map((t) => t.replace(/^Microsoft\.Communication\./, "")),
      state: "awaitingValidation",
      validationCode: this.ids.uuid().toUpperCase(),
    };
    this.subscriptions.set(subscription.id, subscription);
    const validationUrl = `${validationUrlBase}/emulator/subscriptions/${subscription.id}:validate?code=${subscription.validationCode}`;
    const event = {
      id: this.ids.uuid(),
      topic: this.topic,
      subject: "",
      data: { validationCode: subscription.validationCode, validationUrl },
      eventType: "Microsoft.EventGrid.SubscriptionValidationEvent",
      eventTime: formatEventTime(this.clock.now()),
      metadataVersion: "1",
      dataVersion: "2",
    };
    try {
      const answer = await this.outbox.sendNow({
        url: endpoint,
        headers: { "content-type": "application/json", "aeg-event-type": "SubscriptionValidation" },
        body: JSON.stringify([event]),
      });
      const echoed = parseValidationResponse(answer.body);
      if (answer.status >= 200 && answer.status < 300 && echoed === subscription.validationCode) subscription.state = "active";
      else if (answer.status < 200 || answer.status >= 300) {
        subscription.state = "failed";
        subscription.lastError = `The endpoint answered ${answer.status} to the validation event; it must answer 200 with {"validationResponse": "<validationCode>"}.`;
      } else if (echoed !== undefined) {
        subscription.state = "failed";
        subscription.lastError = `The endpoint echoed "${echoed}", not the validationCode "${subscription.validationCode}".`;
      }
    } catch (error) {
      subscription.state = "failed";
      subscription.lastError = `The endpoint could not be reached for validation: ${error instanceof Error ? error.message : String(error)}`;
    }
    return { ...subscription };
  }

  /** A subscription taken as already validated (tools that stand in for the handshake, like the explorer). */
  subscribeValidated(endpoint: string, eventTypes: string[] = []): Subscription {
    const subscription: Subscription = { id: this.ids.uuid(), endpoint, eventTypes, state: "active", validationCode: "" };
    this.subscriptions.set(subscription.id, subscription);
    return { ...subscription };
  }

  /** The asynchronous handshake: the endpoint (or a person) visits the validationUrl. */
  validate(subscriptionId: string, code: string): Subscription {
    const subscription = this.subscriptions.get(subscriptionId);
    if (!subscription) throw new NotFoundError(`Subscription ${subscriptionId} was not found.`, "subscriptionId");
    if (code !== subscription.validationCode) throw new InvalidArgumentError("code", "The validation code does not match this subscription's validationCode.");
    subscription.state = "active";
    subscription.lastError = undefined;
    return { ...subscription };
  }

  list(): Subscription[] {
    return [...this.subscriptions.values()].map((s) => ({ ...s }));
  }

  clear(): void {
    this.subscriptions.clear();
  }

  /** Delivers an event of `type` (IncomingCall, CallStarted, RecordingFileStatusUpdated) to every active subscription for it. */
  publish(type: string, subject: string, data: Record<string, unknown>, serverCallId?: string): void {
    for (const subscription of this.subscriptions.values()) {
      if (subscription.state !== "active") continue;
      if (subscription.eventTypes.length > 0 && !subscription.eventTypes.includes(type)) continue;
      const event = {
        id: this.ids.uuid(),
        topic: this.topic,
        subject,
        data,
        eventType: `Microsoft.Communication.${type}`,
        dataVersion: "1.0",
        metadataVersion: "1",
        eventTime: formatEventTime(this.clock.now()),
      };
      this.outbox.enqueue(
        { id: event.id, type: event.eventType, channel: "eventGrid", destination: subscription.endpoint, serverCallId, event },
        { "content-type": "application/json", "aeg-event-type": "Notification", "aeg-subscription-name": subscription.id.toUpperCase(), "aeg-data-version": "1.0", "aeg-metadata-version": "1" },
      );
    }
  }
}

function parseValidationResponse(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body) as { validationResponse?: unknown };
    return typeof parsed.validationResponse === "string" ? parsed.validationResponse : undefined;
  } catch {
    return undefined;
  }
}
