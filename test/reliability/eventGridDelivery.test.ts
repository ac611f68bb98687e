import { describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/emulator.js";
import { EVENT_GRID_RETRY_SCHEDULE_MS } from "../../emulator/engine/deliveryPolicy.js";
import { DeliveryTimeoutError } from "../../emulator/engine/outbox.js";

const WEBHOOK = "https://app.test/eventgrid";

/** An emulator on the virtual clock with one validated Event Grid webhook that answers IncomingCall with `reply(attempt)`. */
async function withWebhook(reply: (attempt: number) => number | Error, delivery = {}) {
  const emulator = createEmulator({ seed: 8, clock: "virtual", selfCheck: true, delivery });
  let attempts = 0;
  emulator.onCallback(WEBHOOK, ({ headers, events }) => {
    if (headers["aeg-event-type"] === "SubscriptionValidation") return { status: 200, body: { validationResponse: events[0].data.validationCode } };
    const answer = reply(++attempts);
    if (answer instanceof Error) throw answer;
    return { status: answer };
  });
  expect((await emulator.subscribe(WEBHOOK)).state).toBe("active");
  emulator.placeIncomingCall({ from: "4:+14255550123", to: "4:+18005550100" });
  await emulator.settle();
  const [incoming] = emulator.events({ type: "IncomingCall" });
  return { incoming, gaps: incoming.attempts.slice(1).map((a, i) => a.at - incoming.attempts[i].at) };
}

describe("Event Grid delivery, as Event Grid retries", () => {
  test("retries on Event Grid's schedule (10 s, 30 s, 1 min ... 12 h) until its 1,440-minute time to live, then dead-letters", async () => {
    const { incoming, gaps } = await withWebhook(() => 503);
    expect(gaps).toEqual([10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000]);
    expect(gaps).toEqual(EVENT_GRID_RETRY_SCHEDULE_MS);
    // The next 12 h wait would end past 24 h after publishing: dead-lettered instead.
    expect(incoming.state).toBe("deadLettered");
    expect(incoming.attempts.at(-1)!.at - incoming.createdAt).toBeLessThan(24 * 3_600_000);
  });

  test("stops at the subscription's maxDeliveryAttempts", async () => {
    const { incoming } = await withWebhook(() => 500, { eventGrid: { maxDeliveryAttempts: 3 } });
    expect(incoming).toMatchObject({ state: "deadLettered", attempts: [{ status: 500 }, { status: 500 }, { status: 500 }] });
  });

  test.each([400, 401, 403, 413])("dead-letters at once on %i", async (status) => {
    const { incoming } = await withWebhook(() => status);
    expect(incoming).toMatchObject({ state: "deadLettered", attempts: [{ status }] });
  });

  test("retries a 404 (Event Grid retries every status it does not list), and delivers once the webhook answers 200", async () => {
    const { incoming, gaps } = await withWebhook((attempt) => (attempt < 3 ? 404 : 200));
    expect(incoming).toMatchObject({ state: "delivered", attempts: [{ status: 404 }, { status: 404 }, { status: 200 }] });
    expect(gaps).toEqual([10_000, 30_000]);
  });

  test("posts an IncomingCall the webhook did not answer within the timeout again 10 s later (the app answers it twice, as on Azure)", async () => {
    const { incoming, gaps } = await withWebhook((attempt) => (attempt === 1 ? new DeliveryTimeoutError("no answer within 30000 ms (delivery timeout)") : 200));
    expect(incoming).toMatchObject({ state: "delivered", attempts: [{ error: "no answer within 30000 ms (delivery timeout)" }, { status: 200 }] });
    expect(gaps).toEqual([10_000]);
  });
});
