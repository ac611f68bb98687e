import { describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/emulator.js";

// The default message of a planted fault named its action before the action was checked: an
// action that was an object without a usable toString (found by the fuzz suite) made a 500.
describe("POST /emulator/faults with an action that is not a name", () => {
  test.each([{ toString: 1 }, ["createCall"], 42, null])("answers 400 naming the actions for %j", async (action) => {
    const emulator = createEmulator({ clock: "virtual", selfCheck: "throw" });
    const response = await emulator.handle({ method: "POST", url: "/emulator/faults", headers: { "content-type": "application/json" }, rawBody: JSON.stringify({ action }), protocol: "http" });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body as string).error.message).toMatch(/^action must be one of createCall, /);
  });
});
