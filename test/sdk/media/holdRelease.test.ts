import { describe, expect, test } from "vitest";
import { acsUser } from "../../support/calls.js";
import { TRANSPORTS } from "../../support/harness.js";
import { CALLER, CALLER_ID, caller, connectedCall, text, useMediaHarness } from "../../support/media.js";

/**
 * What ends a hold, and what does not: a play to a participant releases only the hold it put
 * on, and only for someone still in the call; an unhold of someone not on hold changes nothing.
 * Each roster update the app gets is a change it has to act on, so a spurious one misleads it.
 */
describe.each(TRANSPORTS)("the end of a hold over %s", (transport) => {
  const h = useMediaHarness({ transport });

  const held = (d: any, rawId = CALLER) => d.participants.find((p: any) => p.identifier.rawId === rawId)?.isOnHold === true;
  /** The connection's events after the first `type`, by type. */
  const after = (id: string, type: string) => {
    const types = h.eventTypes(id);
    return types.slice(types.indexOf(type) + 1);
  };

  test("an unhold of a participant not on hold sends no roster update", async () => {
    const { id, connection, media } = await connectedCall(h);
    await media.unhold(caller, { operationContext: "not-held" });
    await h.settle();
    expect(h.eventTypes(id)).toEqual(["CallConnected", "ParticipantsUpdated"]);
    expect((await connection.getParticipant(caller)).isOnHold).toBe(false);
  });

  test("the app taking a participant off hold during a play to them: the play's end sends no second release", async () => {
    const { id, connection, media } = await connectedCall(h);
    await media.play([text("Please hold")], [caller], { loop: true });
    await h.waitForEvent("PlayStarted", id);
    await media.unhold(caller);
    await h.waitForEvent("ParticipantsUpdated", id, (d) => !held(d) && d.sequenceNumber! > 1);
    await media.cancelAllOperations();
    await h.waitForEvent("PlayCanceled", id);
    await h.settle();
    expect(after(id, "PlayCanceled")).toEqual([]);
    expect(h.eventTypes(id).filter((t) => t === "ParticipantsUpdated")).toHaveLength(3);
    expect((await connection.getParticipant(caller)).isOnHold).toBe(false);
  });

  test("a participant removed during a play to them: the play's end sends no roster for them", async () => {
    const result = await h.client.createGroupCall([caller, { communicationUserId: acsUser(2) }], h.callbackUri, { sourceCallIdNumber: CALLER_ID });
    const id = result.callConnectionProperties.callConnectionId!;
    const { callConnection: connection } = result;
    const media = connection.getCallMedia();
    await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.length === 3);
    await media.play([text("Please hold")], [caller], { loop: true });
    await h.waitForEvent("PlayStarted", id);
    await connection.removeParticipant(caller);
    await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.length === 2);
    await media.cancelAllOperations();
    await h.waitForEvent("PlayCanceled", id);
    await h.settle();
    // The roster without the caller was the last word on them; the other participant is unchanged.
    expect(after(id, "PlayCanceled")).toEqual([]);
    expect((await connection.listParticipants()).values?.map((p) => p.isOnHold)).toEqual([false, false]);
  });
});
