import { describe, expect, test } from "vitest";
import type { CallbackRequest, CallbackReply } from "../../emulator/delivery/inProcessSink.js";
import { createEmulator } from "../../emulator/index.js";

const WEBHOOK = "https://app.test/eventgrid";

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
});
