import { describe, expect, test } from "vitest";
import { acsUser, groupCall } from "../support/calls.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

// A connectCall leg joining a call the app is already in hears the roster a second time, to it
// alone, a moment after CallConnected (CONNECT_ROSTER_AGAIN_MS). That repeat is for a leg still
// in the call: one that has hung up by then hears nothing more, and the roster version the app's
// other legs see next follows the last one it heard.

describe.each(TRANSPORTS)("a second leg of the app in one call over %s", (transport) => {
  const h = useHarness({ transport, selfCheck: true });

  const rosters = (id: string) => h.receiver.events().filter((e) => e.type.endsWith("ParticipantsUpdated") && e.data.callConnectionId === id);

  test("that hangs up at once hears no repeated roster, and the next roster the first leg hears is the very next version", async () => {
    const first = await groupCall(h, 2);
    const second = await h.client.connectCall({ kind: "serverCallLocator", id: first.serverCallId }, h.callbackUri);
    const secondId = second.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallConnected", secondId);
    await second.callConnection.hangUp(false);
    await h.waitForEvent("CallDisconnected", secondId);
    await h.settle();
    expect(h.eventTypes(secondId)).toEqual(["ParticipantsUpdated", "CallConnected", "CallDisconnected"]);
    // The call's roster version the app last heard, on either leg.
    const before = Math.max(...[...rosters(first.id), ...rosters(secondId)].map((e) => e.data.sequenceNumber));
    await first.connection.removeParticipant({ communicationUserId: acsUser(2) });
    await h.waitForEvent("RemoveParticipantSucceeded", first.id);
    await h.settle();
    expect(rosters(first.id).at(-1)!.data.sequenceNumber).toBe(before + 1);
  });
});
