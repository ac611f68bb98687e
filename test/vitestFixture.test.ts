import { describe, expect, test } from "callsim/vitest";

const agent = "8:acs:11111111-1111-1111-1111-111111111111_0000000a-0000-0000-0000-000000000000";

describe.each(["direct", "msw"] as const)("callsim/vitest over %s", (transport) => {
  test.override({ transport });

  test("gives a fresh emulator, a ready client and waitForEvent", async ({ emulator, client, waitForEvent }) => {
    const { callConnectionProperties, callConnection } = await client.createCall({ targetParticipant: { communicationUserId: agent } }, "https://app.test/events");
    const callConnectionId = callConnectionProperties.callConnectionId!;
    const connected = await waitForEvent("CallConnected", { callConnectionId });
    expect(connected.callConnectionId).toBe(callConnectionId);
    await callConnection.hangUp(true);
    await waitForEvent("CallDisconnected", { callConnectionId });
    expect(emulator.events({ callConnectionId }).map((e) => e.type.split(".").pop())).toEqual(["CallConnected", "ParticipantsUpdated", "CallDisconnected"]);
  });

  test("names what did happen when the awaited event never comes", async ({ client, waitForEvent }) => {
    const { callConnectionProperties } = await client.createCall({ targetParticipant: { communicationUserId: agent } }, "https://app.test/events");
    await expect(waitForEvent("AddParticipantSucceeded", { callConnectionId: callConnectionProperties.callConnectionId })).rejects.toThrow(
      /AddParticipantSucceeded never came.*CallConnected/,
    );
  });
});
