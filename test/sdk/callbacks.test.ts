import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";

describe("callback deliveries", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ transport: "server" });
  });
  afterAll(() => h.close());

  test("carry no Authorization header (callsim has no signing keys to offer)", async () => {
    const { callConnectionProperties } = await h.client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, h.callbackUri);
    await h.waitForEvent("CallConnected", callConnectionProperties.callConnectionId!);
    const delivery = h.receiver.received.find((r) => r.path === "/callbacks")!;
    expect(delivery.headers["content-type"]).toMatch(/application\/json/);
    expect(delivery.headers.authorization).toBeUndefined();
  });
});
