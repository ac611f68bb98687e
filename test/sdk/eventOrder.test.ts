import { describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/emulator.js";
import { acsUser, groupCall as placeGroupCall } from "../support/calls.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

const user = acsUser;

/** The order of a leg's first events and the numbering of rosters, as the recordings show them. */
describe.each(TRANSPORTS)("event order over %s", (transport) => {
  const h = useHarness({ transport });

  const rosters = (id: string) => h.receiver.events().filter((e) => e.type.endsWith("ParticipantsUpdated") && e.data.callConnectionId === id);

  const groupCall = (n: number) => placeGroupCall(h, n);

  test("a connectCall leg hears its first roster before CallConnected", async () => {
    // REC-NET CreateCallToAcsConnectCallAndHangup*Test(+Async): 4/4 connectCall legs, PU 3-5 ms before CC.
    const alice = user(7);
    const started = await h.control("POST", "/emulator/calls", { participants: [alice, "4:+14255550123"] });
    const result = await h.client.connectCall({ kind: "serverCallLocator", id: started.body.serverCallId }, h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallConnected", id);
    expect(h.eventTypes(id)).toEqual(["ParticipantsUpdated", "CallConnected"]);
  });

  test("a created leg hears CallConnected first, as in the most recent recordings", async () => {
    const { id } = await groupCall(1);
    expect(h.eventTypes(id)).toEqual(["CallConnected", "ParticipantsUpdated"]);
  });

  test("every leg of a call hears the same sequenceNumber for the same change", async () => {
    const first = await groupCall(2);
    const second = await h.client.connectCall({ kind: "serverCallLocator", id: first.serverCallId }, h.callbackUri);
    const secondId = second.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallConnected", secondId);
    // The connectCall leg hears the same roster again, alone, shortly after CallConnected.
    await h.waitForEvent("ParticipantsUpdated", secondId, (d) => d.sequenceNumber === 4);
    await first.connection.removeParticipant({ communicationUserId: user(2) });
    await h.waitForEvent("RemoveParticipantSucceeded", first.id);
    await h.settle();
    const [ofFirst, ofSecond] = [rosters(first.id).at(-1)!.data, rosters(secondId).at(-1)!.data];
    expect(ofFirst.participants).toHaveLength(2);
    expect(ofFirst.sequenceNumber).toBe(ofSecond.sequenceNumber);
    // The first leg skips the numbers of the second leg's joining rosters.
    expect(rosters(first.id).map((e) => e.data.sequenceNumber)).toEqual([1, 2, 5]);
    expect(rosters(secondId).map((e) => e.data.sequenceNumber)).toEqual([3, 4, 5]);
  });

  test("a mute moves the roster version by 2", async () => {
    // REC-NET MuteParticipantTest(+Async): seq 1, then seq 3 with the participant muted.
    const { id, connection } = await groupCall(2);
    await connection.muteParticipant({ communicationUserId: user(1) });
    const muted = await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.some((p: any) => p.isMuted));
    expect(muted.sequenceNumber).toBe(4);
  });
});

describe.each(TRANSPORTS)("event order variants over %s", (transport) => {
  const h = useHarness({ transport, variants: { createCallOrder: "rosterFirst" } });

  test("variant createCallOrder rosterFirst sends a created leg its roster before CallConnected", async () => {
    // REC-NET CreateCallToAcsConnectCallAndHangupTestAsync (2025-06-17): PU before CC on the created leg.
    const result = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallConnected", id);
    expect(h.eventTypes(id)).toEqual(["ParticipantsUpdated", "CallConnected"]);
  });

  test("PUT /emulator/variants connectOrder connectedFirst sends a connectCall leg CallConnected first, until the next reset", async () => {
    expect((await h.control("PUT", "/emulator/variants", { connectOrder: "connectedFirst" })).body).toMatchObject({ connectOrder: "connectedFirst", createCallOrder: "rosterFirst" });
    const started = await h.control("POST", "/emulator/calls", { participants: [user(7), "4:+14255550123"] });
    const result = await h.client.connectCall({ kind: "serverCallLocator", id: started.body.serverCallId }, h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("ParticipantsUpdated", id);
    expect(h.eventTypes(id)).toEqual(["CallConnected", "ParticipantsUpdated"]);
    await h.reset();
    expect((await h.control("GET", "/emulator/variants")).body).toMatchObject({ connectOrder: "rosterFirst", createCallOrder: "rosterFirst" });
  });
});

describe("first-event order variants", () => {
  test("refuses an order a variant does not have with an error naming the variant and its choices", () => {
    expect(() => createEmulator({ selfCheck: true, variants: { createCallOrder: "sometimes" as never } })).toThrow(/createCallOrder must be one of "connectedFirst", "rosterFirst"/);
    expect(() => createEmulator({ selfCheck: true, variants: { hangUpOrder: "rosterFirst" } as never })).toThrow(/hangUpOrder is not a variant/);
  });
});
