// examples/inProcess/callee.test.ts
import { test, expect } from "callsim/vitest";

test("the callee answers", async ({ client, waitForEvent }) => {
  const { callConnectionProperties } = await client.createCall({ targetParticipant: { phoneNumber: "+14255550123" }, sourceCallIdNumber: { phoneNumber: "+18005550100" } }, "https://app.test/events");
  const connected = await waitForEvent("CallConnected", { callConnectionId: callConnectionProperties.callConnectionId! });
  expect(connected.resultInformation?.code).toBe(200);
});
