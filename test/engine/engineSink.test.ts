import { describe, expect, test } from "vitest";
import { VirtualClock } from "../../emulator/clock/virtualClock.js";
import { createEngine } from "../../emulator/engine/engine.js";
import type { Delivery, DeliverySink } from "../../emulator/engine/outbox.js";

const GRID = "https://app.test/eventgrid";
const APP_NUMBER = "+18005550100";

/** A sink that keeps the URL and event types of what it is given and answers 200. */
function recordingSink(): DeliverySink & { got: string[] } {
  const got: string[] = [];
  const sink = async (delivery: Delivery) => {
    for (const event of JSON.parse(delivery.body) as Array<{ eventType: string; data: { from: { rawId: string } } }>) got.push(`${delivery.url} ${event.eventType} from ${event.data.from.rawId}`);
    return { status: 200 };
  };
  return Object.assign(sink, { got });
}

// EngineOptions.sink is documented as "replaceable later with setSink": what is already delivered
// stays where it went, and the outbox sends everything after the swap to the new sink.
describe("the engine's delivery sink", () => {
  test("events raised after setSink go to the new sink, none to the one it replaced", async () => {
    const clock = new VirtualClock();
    const first = recordingSink();
    const engine = createEngine({ clock, seed: 5, sink: first, phoneNumbers: [APP_NUMBER] });
    engine.eventGrid.subscribeValidated(GRID);

    engine.placeIncomingCall({ from: "4:+14255550101", to: `4:${APP_NUMBER}` });
    await clock.settle();
    const second = recordingSink();
    engine.setSink(second);
    engine.placeIncomingCall({ from: "4:+14255550102", to: `4:${APP_NUMBER}` });
    await clock.settle();

    expect(first.got).toEqual([`${GRID} Microsoft.Communication.IncomingCall from 4:+14255550101`]);
    expect(second.got).toEqual([`${GRID} Microsoft.Communication.IncomingCall from 4:+14255550102`]);
  });
});
