import { CallAutomationClient } from "@azure/communication-call-automation";
import { describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/index.js";
import { loadRecording } from "../support/recordings.js";

const user = (n: number) => `8:acs:22222222-2222-2222-2222-222222222222_0000000${n}-0000-0000-0000-000000000000`;

// RemoveAUserCallTestAsync (api-version 2025-06-15): the app calls a user, the roster comes,
// then the app removes the user. What the service reports for each success is the reference.
const RECORDING = "CallConnectionAutomatedLiveTests/RemoveAUserCallTestAsync";

describe("resultInformation of a successful operation", () => {
  test("a roster update and a removal report success as the service does, with an empty message", async () => {
    const recorded = loadRecording(RECORDING).events.filter((e) => !e.foreign);
    const recordedResult = (type: string) => recorded.find((e) => e.type === type)?.data.resultInformation;

    const emulator = createEmulator({ selfCheck: true, seed: 9, clock: "virtual" });
    emulator.onCallback("https://app.test/", () => undefined);
    const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
    const created = await client.createGroupCall([{ communicationUserId: user(1) }, { communicationUserId: user(2) }], "https://app.test/cb");
    await emulator.settle();
    await created.callConnection.removeParticipant({ communicationUserId: user(2) });
    await emulator.settle();

    const id = created.callConnectionProperties.callConnectionId!;
    const sentResult = (type: string) => emulator.events({ callConnectionId: id, type }).map((e) => (e.event.data as { resultInformation?: unknown }).resultInformation);
    for (const type of ["ParticipantsUpdated", "RemoveParticipantSucceeded"]) {
      const expected = recordedResult(type);
      expect(expected, `${RECORDING} has a ${type}`).toBeDefined();
      const sent = sentResult(type);
      expect(sent.length, `callsim sent a ${type}`).toBeGreaterThan(0);
      for (const result of sent) expect(result, type).toEqual(expected);
    }
  });
});
