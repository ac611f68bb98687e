import { describe, expect, test } from "vitest";
import { createEmulator, VALIDATION_RETRY } from "../../emulator/index.js";

const WEBHOOK = "https://app.test/eventgrid";

/**
 * An emulator on the virtual clock whose webhook holds its answer to the first validation
 * event until `answerFirst` is called, then answers 503 to every attempt: the subscription's
 * next try is due when the held answer arrives plus the first retry delay.
 */
function slowWebhook() {
  const emulator = createEmulator({ selfCheck: true, seed: 21, clock: "virtual" });
  const validationTimes: number[] = [];
  let arrived!: () => void;
  const firstArrived = new Promise<void>((resolve) => (arrived = resolve));
  let answerFirst!: () => void;
  const firstAnswer = new Promise<void>((resolve) => (answerFirst = resolve));
  emulator.onCallback(WEBHOOK, async (request) => {
    validationTimes.push(Date.parse(request.events[0].eventTime));
    if (validationTimes.length === 1) {
      arrived();
      await firstAnswer;
    }
    return { status: 503 };
  });
  const subscription = () => emulator.engine.eventGrid.list()[0];
  return { emulator, validationTimes, firstArrived, answerFirst, subscription };
}

/** Subscribes, lets `heldMs` of virtual time pass before the webhook answers its first validation event 503, and settles. */
async function subscribeAnsweringAfter(heldMs: number) {
  const webhook = slowWebhook();
  const subscribed = webhook.emulator.subscribe(WEBHOOK);
  await webhook.firstArrived;
  webhook.emulator.advance(heldMs);
  webhook.answerFirst();
  await subscribed;
  const afterFirstAnswer = { ...webhook.subscription() };
  await webhook.emulator.settle();
  const sinceSubscribing = webhook.validationTimes.map((t) => t - webhook.validationTimes[0]);
  return { afterFirstAnswer, sinceSubscribing, final: webhook.subscription() };
}

// The validation retry window (DEVIATIONS row 71) is Event Grid's ten minutes for a manual
// validation (Learn, "Endpoint validation with Event Grid event schema": the validationUrl "is
// valid for 10 minutes"), counted from the subscription: a retry due at its very end is made,
// none after it.
describe("the Event Grid validation retry window", () => {
  const windowMs = VALIDATION_RETRY.windowMs;
  const firstDelayMs = VALIDATION_RETRY.firstDelayMs;

  test("a retry due exactly at the end of the ten minutes is still made", async () => {
    const { afterFirstAnswer, sinceSubscribing, final } = await subscribeAnsweringAfter(windowMs - firstDelayMs);
    expect(afterFirstAnswer).toMatchObject({ state: "awaitingValidation", lastError: `The endpoint answered 503 to the validation event. Retrying in ${firstDelayMs} ms.` });
    expect(sinceSubscribing).toEqual([0, 10 * 60_000]);
    expect(final).toMatchObject({ state: "failed", lastError: "The endpoint answered 503 to the validation event. Gave up after 10 minutes of retries." });
  });

  test("a retry that would fall a millisecond after the ten minutes is not made", async () => {
    const { afterFirstAnswer, sinceSubscribing } = await subscribeAnsweringAfter(windowMs - firstDelayMs + 1);
    expect(afterFirstAnswer).toMatchObject({ state: "failed", lastError: "The endpoint answered 503 to the validation event. Gave up after 10 minutes of retries." });
    expect(sinceSubscribing).toEqual([0]);
  });
});
