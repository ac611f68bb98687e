import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";

// Issue 5 (found by the fuzz test): POST /emulator/incoming-calls put callerDisplayName and
// customContext into the IncomingCall event unchecked, so a number there made an event the
// spec does not allow. They are now checked, and refused with 400 naming the field.
describe("POST /emulator/incoming-calls", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ transport: "direct" });
    await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid") });
  });
  afterAll(() => h.close());

  test.each([
    ["callerDisplayName", { callerDisplayName: 42 }, "callerDisplayName"],
    ["customContext", { customContext: "x-header" }, "customContext"],
    ["custom header", { customContext: { sipHeaders: { "X-MS-Custom-a": 1 } } }, "customContext.sipHeaders.X-MS-Custom-a"],
  ])("refuses a %s of the wrong type with 400 naming it, and sends no IncomingCall", async (_what, extra, field) => {
    const placed = await h.control("POST", "/emulator/incoming-calls", { from: "4:+14255550123", to: "4:+18005550100", ...extra });
    expect(placed.status).toBe(400);
    expect(placed.body.error.target).toBe(field);
    await h.settle();
    expect(h.emulator.events({ type: "IncomingCall" })).toEqual([]);
  });

  test("accepts a display name and custom headers and carries them on IncomingCall", async () => {
    const placed = await h.control("POST", "/emulator/incoming-calls", { from: "4:+14255550123", to: "4:+18005550100", callerDisplayName: "Ada", customContext: { voipHeaders: { k: "v" } } });
    expect(placed.status).toBe(201);
    await h.settle();
    const [record] = h.emulator.events({ type: "IncomingCall" });
    expect((record.event as any).data).toMatchObject({ callerDisplayName: "Ada", customContext: { voipHeaders: { k: "v" }, sipHeaders: {} } });
  });
});
