import { formatEventTime } from "./clock.js";
import type { IdGenerator } from "./ids.js";
import type { Clock } from "./clock.js";
import type { Outbox } from "./outbox.js";
import { InvalidArgumentError, NotFoundError } from "./errors.js";
import { checkEventGridFilter, matchesFilter, type EventGridFilter } from "./eventGridFilter.js";
import type { TimerHandle } from "./clock.js";
import { readEntraAuth, type EntraDeliveryAuth } from "./eventGridAuth.js";

/** An Event Grid webhook subscription for the emulated resource's events. */
export interface Subscription {
  id: string;
  endpoint: string;
  /** Event types delivered (without prefix); empty means all. The shorthand of `filter.includedEventTypes`. */
  eventTypes: string[];
  /** Event Grid's own subscription filter: event types, subject, advanced filters. */
  filter: EventGridFilter;
  /** `active` once the endpoint echoed the validation code (or called validationUrl). */
  state: "awaitingValidation" | "active" | "failed";
  validationCode: string;
  lastError?: string;
  /** Set when the webhook is secured with Microsoft Entra ID: every delivery then carries Entra's bearer token. */
  azureActiveDirectoryTenantId?: string;
  azureActiveDirectoryApplicationIdOrUri?: string;
  accessTokenAcceptedVersion?: 1 | 2;
}

/** Event Grid event types callsim publishes. */
export const EVENT_GRID_TYPES = ["IncomingCall", "CallStarted", "RecordingFileStatusUpdated"] as const;

/**
 * Rule (assumed): a handshake the endpoint could not take (unreachable, 408, 429, 5xx or no
 * answer) is tried again, first after 1 s and then twice as long each time up to 30 s, for as
 * long as Event Grid keeps a manual validation open (10 minutes); then the subscription fails.
 * Event Grid itself fails the subscription at once; callsim waits so that an app started after
 * it still gets its events.
 */
export const VALIDATION_RETRY = { firstDelayMs: 1_000, maxDelayMs: 30_000, windowMs: 10 * 60_000 } as const;

/** What a subscription is made of: where events go and which ones. */
export interface SubscriptionInput {
  endpoint: string;
  /** Shorthand for `filter.includedEventTypes`: `IncomingCall` or `Microsoft.Communication.IncomingCall`. */
  eventTypes?: string[];
  /** Event Grid's subscription filter. */
  filter?: unknown;
  /** Entra protection of the webhook: Event Grid's webhook destination properties (see {@link EntraDeliveryAuth}). */
  azureActiveDirectoryTenantId?: unknown;
  azureActiveDirectoryApplicationIdOrUri?: unknown;
  accessTokenAcceptedVersion?: unknown;
}

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

  private readonly retries = new Map<string, { timer?: TimerHandle; delayMs: number; createdAt: number }>();

  /**
   * Subscribes `endpoint` and runs the validation handshake: a SubscriptionValidationEvent
   * POSTed with `aeg-event-type: SubscriptionValidation`; the subscription turns active when
   * the endpoint answers `{ validationResponse: <code> }`, or later GETs the validationUrl.
   * An endpoint that is not up yet is asked again ({@link VALIDATION_RETRY}).
   */
  async subscribe(input: SubscriptionInput, validationUrlBase: string): Promise<Subscription> {
    const eventTypes = (input.eventTypes ?? []).map((t) => t.replace(/^Microsoft\.Communication\./i, ""));
    const filter = checkEventGridFilter(input.filter);
    const entra = readEntraAuth(input);
    for (const [field, types] of [["eventTypes", eventTypes], ["filter.includedEventTypes", filter.includedEventTypes ?? []]] as const) {
      for (const type of types) {
        if (!(EVENT_GRID_TYPES as readonly string[]).some((known) => known.toLowerCase() === type.replace(/^Microsoft\.Communication\./i, "").toLowerCase())) {
          throw new InvalidArgumentError(field, `${field} may name ${EVENT_GRID_TYPES.join(", ")}; got ${type}.`);
        }
      }
    }
    if (eventTypes.length > 0) filter.includedEventTypes = [...(filter.includedEventTypes ?? []), ...eventTypes];
    const subscription: Subscription = {
      id: this.ids.uuid(),
      endpoint: input.endpoint,
      eventTypes,
      filter,
      state: "awaitingValidation",
      validationCode: this.ids.uuid().toUpperCase(),
      ...entra,
    };
    this.subscriptions.set(subscription.id, subscription);
    const validationUrl = `${validationUrlBase}/emulator/subscriptions/${subscription.id}:validate?code=${subscription.validationCode}`;
    this.retries.set(subscription.id, { delayMs: VALIDATION_RETRY.firstDelayMs, createdAt: this.clock.now() });
    await this.handshake(subscription, validationUrl);
    return { ...subscription };
  }

  /** One validation attempt; schedules the next when the endpoint could not take it. */
  private async handshake(subscription: Subscription, validationUrl: string): Promise<void> {
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
    let retry: string | undefined;
    try {
      const answer = await this.outbox.sendNow({
        url: subscription.endpoint,
        // The subscription's name goes with every message, the handshake too (Learn, "Webhook event delivery": message headers).
        headers: { "content-type": "application/json", "aeg-event-type": "SubscriptionValidation", "aeg-subscription-name": subscription.id.toUpperCase() },
        body: JSON.stringify([event]),
      });
      if (subscription.state !== "awaitingValidation" || !this.subscriptions.has(subscription.id)) return;
      const echoed = parseValidationResponse(answer.body);
      if (answer.status >= 200 && answer.status < 300 && echoed === subscription.validationCode) this.activate(subscription);
      else if (answer.status === 408 || answer.status === 429 || answer.status >= 500) retry = `The endpoint answered ${answer.status} to the validation event.`;
      else if (answer.status < 200 || answer.status >= 300) {
        this.fail(subscription, `The endpoint answered ${answer.status} to the validation event; it must answer 200 with {"validationResponse": "<validationCode>"}.`);
      } else if (echoed !== undefined) {
        this.fail(subscription, `The endpoint echoed "${echoed}", not the validationCode "${subscription.validationCode}".`);
      }
    } catch (error) {
      retry = `The endpoint could not be reached for validation: ${error instanceof Error ? error.message : String(error)}.`;
    }
    if (retry === undefined || subscription.state !== "awaitingValidation") return;
    const plan = this.retries.get(subscription.id);
    if (!plan || this.clock.now() + plan.delayMs > plan.createdAt + VALIDATION_RETRY.windowMs) {
      this.fail(subscription, `${retry} Gave up after ${VALIDATION_RETRY.windowMs / 60_000} minutes of retries.`);
      return;
    }
    subscription.lastError = `${retry} Retrying in ${plan.delayMs} ms.`;
    plan.timer = this.clock.schedule(plan.delayMs, () => void this.handshake(subscription, validationUrl), `validate ${subscription.endpoint}`);
    plan.delayMs = Math.min(plan.delayMs * 2, VALIDATION_RETRY.maxDelayMs);
  }

  private activate(subscription: Subscription): void {
    subscription.state = "active";
    subscription.lastError = undefined;
    this.stopRetrying(subscription.id);
  }

  private fail(subscription: Subscription, why: string): void {
    subscription.state = "failed";
    subscription.lastError = why;
    this.stopRetrying(subscription.id);
  }

  private stopRetrying(id: string): void {
    const plan = this.retries.get(id);
    if (plan?.timer) this.clock.cancel(plan.timer);
    this.retries.delete(id);
  }

  /** A subscription taken as already validated (tools that stand in for the handshake, like the explorer). */
  subscribeValidated(endpoint: string, eventTypes: string[] = []): Subscription {
    const subscription: Subscription = { id: this.ids.uuid(), endpoint, eventTypes, filter: { includedEventTypes: eventTypes }, state: "active", validationCode: "" };
    this.subscriptions.set(subscription.id, subscription);
    return { ...subscription };
  }

  /** The asynchronous handshake: the endpoint (or a person) visits the validationUrl. A missing `code` (null) matches none. */
  validate(subscriptionId: string, code: string | null): Subscription {
    const subscription = this.subscriptions.get(subscriptionId);
    if (!subscription) throw new NotFoundError(`Subscription ${subscriptionId} was not found.`, "subscriptionId");
    if (code !== subscription.validationCode) throw new InvalidArgumentError("code", "The validation code does not match this subscription's validationCode.");
    this.activate(subscription);
    return { ...subscription };
  }

  /** How the subscription named (`aeg-subscription-name`) is secured with Entra; undefined when it is not. */
  entraAuthOf(subscriptionName: string): EntraDeliveryAuth | undefined {
    const subscription = this.subscriptions.get(subscriptionName.toLowerCase());
    if (!subscription?.azureActiveDirectoryTenantId || !subscription.azureActiveDirectoryApplicationIdOrUri) return undefined;
    const { azureActiveDirectoryTenantId, azureActiveDirectoryApplicationIdOrUri, accessTokenAcceptedVersion } = subscription;
    return { azureActiveDirectoryTenantId, azureActiveDirectoryApplicationIdOrUri, ...(accessTokenAcceptedVersion && { accessTokenAcceptedVersion }) };
  }

  list(): Subscription[] {
    return [...this.subscriptions.values()].map((s) => ({ ...s }));
  }

  clear(): void {
    for (const id of [...this.retries.keys()]) this.stopRetrying(id);
    this.subscriptions.clear();
  }

  /**
   * Delivers an event of `type` (IncomingCall, CallStarted, RecordingFileStatusUpdated) to
   * every active subscription whose filter takes it; answers how many did.
   */
  publish(type: string, subject: string, data: Record<string, unknown>, serverCallId?: string): number {
    let delivered = 0;
    for (const subscription of this.subscriptions.values()) {
      if (subscription.state !== "active") continue;
      // Drawn once the filter took the event, so filtered events use up no seeded ids; but an
      // advanced filter may key on the id (Event Grid allows it), and must see the one delivered.
      const readsId = subscription.filter.advancedFilters?.some((f) => f.key.toLowerCase() === "id") === true;
      const event = {
        // Stryker disable next-line StringLiteral: a placeholder no filter reads (none keys on the id), replaced before delivery
        id: readsId ? this.ids.uuid() : "",
        topic: this.topic,
        subject,
        data,
        eventType: `Microsoft.Communication.${type}`,
        dataVersion: "1.0",
        metadataVersion: "1",
        eventTime: formatEventTime(this.clock.now()),
      };
      if (!matchesFilter(subscription.filter, event)) continue;
      if (!readsId) event.id = this.ids.uuid();
      delivered++;
      this.outbox.enqueue(
        { id: event.id, type: event.eventType, channel: "eventGrid", destination: subscription.endpoint, serverCallId, event },
        { "content-type": "application/json", "aeg-event-type": "Notification", "aeg-subscription-name": subscription.id.toUpperCase(), "aeg-data-version": "1.0", "aeg-metadata-version": "1" },
      );
    }
    return delivered;
  }
}

function parseValidationResponse(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body) as { validationResponse?: unknown };
    return typeof parsed.validationResponse === "string" ? parsed.validationResponse : undefined;
  } catch {
    // Not JSON: no validation response.
  }
  return undefined;
}
