// examples/contracts/validRequests.test.ts
import { test, expect } from "callsim/vitest";
import { validateCallbackEvent, type Emulator } from "callsim";
import { CallAutomationClient } from "@azure/communication-call-automation";

/** The app under test: here, one call to a phone and a hang-up once it connects. */
async function runMyApp(emulator: Emulator): Promise<void> {
  const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
  const { callConnection } = await client.createCall({ targetParticipant: { phoneNumber: "+14255550123" }, sourceCallIdNumber: { phoneNumber: "+18005550100" } }, "https://myapp.test/api/callbacks");
  await emulator.settle();
  await callConnection.hangUp(true);
  await emulator.settle();
}

test("my app sends only what the service accepts", async ({ emulator }) => {
  const received: unknown[] = [];
  emulator.onCallback("https://myapp.test/", ({ events }) => void received.push(...events));
  await runMyApp(emulator);                     // the app calls Call Automation as it does in production
  expect(emulator.requests().filter((r) => r.violations.length > 0)).toEqual([]);
  // each entry: { sequence, operationId, method, url, status, violations: [{ path, message }] }
  for (const event of received) expect(validateCallbackEvent(event)).toEqual([]);
});
