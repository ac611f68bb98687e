import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { startHarness, TRANSPORTS, type Harness } from "../support/harness.js";

// Issue 16: rules of the engine's core (call lifecycle, invitations, call endings, views) that
// mutation testing showed no test could break.
describe.each(TRANSPORTS)("engine core over %s", (transport) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ transport });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  const user = (n: number) => `8:acs:16161616-1616-1616-1616-161616161616_0000000${n}-0000-0000-0000-000000000000`;

  test("a connected call's properties name its callback URI and its connected state", async () => {
    const result = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallConnected", id);
    const properties = await result.callConnection.getCallConnectionProperties();
    expect(properties.callConnectionState).toBe("connected");
    // SDK 1.6 declares `callbackUrl` but passes the wire's `callbackUri` through as it came.
    expect((properties as { callbackUri?: string }).callbackUri).toBe(h.callbackUri);
  });
});
