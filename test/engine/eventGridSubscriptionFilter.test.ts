import { describe, expect, test } from "vitest";
import type { CallbackRequest, CallbackReply } from "../../emulator/delivery/inProcessSink.js";
import { createEmulator } from "../../emulator/index.js";

const WEBHOOK = "https://app.test/eventgrid";
const CALLER = "4:+14255550123";
const APP_NUMBER = "4:+18005550100";

/** An emulator whose webhook passes the validation handshake and keeps every notification it gets. */
function validatingWebhook() {
  const emulator = createEmulator({ selfCheck: true, seed: 23, clock: "virtual" });
  const notified: Array<{ id: string; eventType: string }> = [];
  emulator.onCallback(WEBHOOK, (request: CallbackRequest): CallbackReply => {
    if (request.headers["aeg-event-type"] === "SubscriptionValidation") return { status: 200, body: { validationResponse: request.events[0].data.validationCode } };
    for (const event of request.events) notified.push({ id: event.id, eventType: event.eventType });
    return { status: 200 };
  });
  return { emulator, notified };
}

describe("an Event Grid subscription's filter", () => {
  test("event types given without a filter become its includedEventTypes, and only them", async () => {
    const { emulator } = validatingWebhook();
    const subscription = await emulator.subscribe(WEBHOOK, ["Microsoft.Communication.IncomingCall"]);
    expect(subscription.filter).toEqual({ includedEventTypes: ["IncomingCall"] });
    expect(emulator.engine.eventGrid.list().map((s) => s.filter)).toEqual([{ includedEventTypes: ["IncomingCall"] }]);
  });

  // Event Grid's advanced filters may key on the event's `id` (Learn, "Understand event filtering":
  // keys are ID, Topic, Subject, EventType, DataVersion or event data); the id they compare is the
  // one the event is delivered with, a UUID.
  test.each([
    ["StringContains", 1],
    ["StringNotContains", 0],
  ])("an advanced filter on the event id compares the id delivered: %s '-' takes %i IncomingCall", async (operatorType, expected) => {
    const { emulator, notified } = validatingWebhook();
    await emulator.subscribe(WEBHOOK, [], { advancedFilters: [{ operatorType: operatorType as "StringContains", key: "id", values: ["-"] }] });
    emulator.placeIncomingCall({ from: CALLER, to: APP_NUMBER });
    await emulator.settle();
    expect(notified).toHaveLength(expected);
    for (const event of notified) expect(event).toMatchObject({ eventType: "Microsoft.Communication.IncomingCall", id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) });
  });
});

describe("seeded ids and Event Grid filters", () => {
  // The same seed gives the same ids whatever other subscriptions filter out: an event a
  // subscription does not take draws no id for it. The baseline has the same subscription, made
  // the same way, but refused at its handshake, so it takes part in no delivery.
  async function idsHeard(otherValidates: boolean, byAdvancedFilter = false): Promise<string[]> {
    const { emulator, notified } = validatingWebhook();
    await emulator.subscribe(WEBHOOK, ["IncomingCall"]);
    const other = "https://other.test/eventgrid";
    emulator.onCallback(other, (request: CallbackRequest): CallbackReply =>
      otherValidates && request.headers["aeg-event-type"] === "SubscriptionValidation" ? { status: 200, body: { validationResponse: request.events[0].data.validationCode } } : { status: otherValidates ? 200 : 400 },
    );
    const takesCallStarted = byAdvancedFilter ? emulator.subscribe(other, [], { advancedFilters: [{ operatorType: "StringContains", key: "eventType", values: ["CallStarted"] }] }) : emulator.subscribe(other, ["CallStarted"]);
    await takesCallStarted.catch(() => undefined);
    await emulator.settle();
    expect(emulator.engine.eventGrid.list().map((s) => s.state)).toEqual(["active", otherValidates ? "active" : "failed"]);
    for (let i = 0; i < 2; i++) emulator.placeIncomingCall({ from: CALLER, to: APP_NUMBER });
    await emulator.settle();
    return notified.map((n) => n.id);
  }

  test("a subscription that filters an event out uses up no seeded id", async () => {
    const filtering = await idsHeard(true);
    expect(filtering).toHaveLength(2);
    expect(filtering).toEqual(await idsHeard(false));
  });

  test("so does one whose advanced filter, on another field than the id, filters the event out", async () => {
    const filtering = await idsHeard(true, true);
    expect(filtering).toHaveLength(2);
    expect(filtering).toEqual(await idsHeard(false, true));
  });
});

describe("an advanced filter naming one event id", () => {
  // The id an advanced filter compares is the id the event is delivered with: a filter that
  // names an id lets that very event through, with that id, and no other.
  async function idsHeard(advancedFilters?: Array<{ operatorType: "StringIn"; key: string; values: string[] }>): Promise<string[]> {
    const { emulator, notified } = validatingWebhook();
    await emulator.subscribe(WEBHOOK, ["IncomingCall"], advancedFilters && { advancedFilters });
    emulator.placeIncomingCall({ from: CALLER, to: APP_NUMBER });
    await emulator.settle();
    return notified.map((n) => n.id);
  }

  test("takes the event with that id, delivered with the id it compared", async () => {
    const [first] = await idsHeard();
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(await idsHeard([{ operatorType: "StringIn", key: "id", values: [first] }])).toEqual([first]);
    expect(await idsHeard([{ operatorType: "StringIn", key: "id", values: ["not-this-event"] }])).toEqual([]);
  });
});

describe("an advanced filter on the id beside others", () => {
  test("compares the id delivered, as it does alone", async () => {
    const { emulator, notified } = validatingWebhook();
    const advancedFilters = [
      { operatorType: "StringContains" as const, key: "eventType", values: ["IncomingCall"] },
      { operatorType: "StringContains" as const, key: "id", values: ["-"] },
    ];
    await emulator.subscribe(WEBHOOK, [], { advancedFilters });
    emulator.placeIncomingCall({ from: CALLER, to: APP_NUMBER });
    await emulator.settle();
    expect(notified.map((n) => n.eventType)).toEqual(["Microsoft.Communication.IncomingCall"]);
  });
});

describe("a subscription taken as already validated", () => {
  test("is active from the start and lists no validation code, since no handshake took place", () => {
    const { emulator } = validatingWebhook();
    const subscription = emulator.engine.eventGrid.subscribeValidated(WEBHOOK, ["IncomingCall"]);
    expect(emulator.engine.eventGrid.list()).toEqual([expect.objectContaining({ id: subscription.id, state: "active", validationCode: "" })]);
  });
});
