import { CallAutomationClient } from "@azure/communication-call-automation";
import { describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/index.js";

const TARGET = "8:acs:33333333-3333-3333-3333-333333333333_00000001-0000-0000-0000-000000000000";

// The event log (`emulator.events()`) is where a test reads what the app was sent: each event's
// data has the members of the JSON the app got, no member for a field that was not set.
describe("the event log", () => {
  test("holds each callback event with the data members it was sent with", async () => {
    const emulator = createEmulator({ selfCheck: true, seed: 31, clock: "virtual" });
    const sent = new Map<string, string[]>();
    emulator.onCallback("https://app.test/", (request) => {
      for (const event of JSON.parse(request.body) as Array<{ id: string; data: Record<string, unknown> }>) sent.set(event.id, Object.keys(event.data));
    });
    const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
    // No operationContext: the events of this call leave it out.
    await client.createCall({ targetParticipant: { communicationUserId: TARGET } }, "https://app.test/cb");
    await emulator.settle();

    const logged = emulator.events().filter((e) => sent.has(e.id));
    expect(logged.map((e) => e.type)).toEqual(expect.arrayContaining(["Microsoft.Communication.CallConnected", "Microsoft.Communication.ParticipantsUpdated"]));
    for (const record of logged) expect(Object.keys(record.event.data as object), record.type).toEqual(sent.get(record.id));
  });
});
