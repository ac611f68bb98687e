import { describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/index.js";

const WEBHOOK = "https://app.test/eventgrid";

describe("a reset and Event Grid validation", () => {
  test("a handshake still in flight when the emulator is reset is not tried again when it then fails", async () => {
    const emulator = createEmulator({ selfCheck: true, seed: 29, clock: "virtual" });
    let attempts = 0;
    let arrived!: () => void;
    const firstArrived = new Promise<void>((resolve) => (arrived = resolve));
    let fail!: () => void;
    const failure = new Promise<void>((resolve) => (fail = resolve));
    // The endpoint cannot be reached: its first attempt fails only after the reset.
    emulator.onCallback(WEBHOOK, async () => {
      attempts++;
      arrived();
      await failure;
      throw new Error("connect ECONNREFUSED");
    });

    const subscribed = emulator.subscribe(WEBHOOK);
    await firstArrived;
    emulator.reset();
    fail();
    await subscribed;
    await emulator.settle();

    expect(attempts).toBe(1);
    expect(emulator.engine.eventGrid.list()).toEqual([]);
  });
});
