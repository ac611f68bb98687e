import { describe, expect, test } from "vitest";
import { TRANSPORTS } from "../../support/harness.js";
import { CALLER, caller, connectedCall, text, useMediaHarness } from "../../support/media.js";

/** REC-NET PlayMultipleFilesSourcesWithPlayMediaTest: a play to a participant holds them in the roster while it lasts. */
describe.each(TRANSPORTS)("CallMedia play to participants over %s", (transport) => {
  const h = useMediaHarness({ transport });

  const callerOnHold = (d: any) => d.participants.find((p: any) => p.identifier.rawId === CALLER)?.isOnHold;
  /** The leg's events by type, rosters with their number and the caller's hold state. */
  const story = (id: string) =>
    h.receiver
      .events()
      .filter((e) => e.data?.callConnectionId === id)
      .map((e) => {
        const type = String(e.type).replace("Microsoft.Communication.", "");
        return type === "ParticipantsUpdated" ? `${type} ${e.data.sequenceNumber} ${callerOnHold(e.data) ? "held" : "free"}` : type;
      });

  test("puts the participant on hold before PlayStarted and off hold after PlayCompleted, numbered 1, 3, 5", async () => {
    const { id, media } = await connectedCall(h);
    await media.play([text("Hi")], [caller], { operationContext: "to-caller" });
    await h.waitForEvent("ParticipantsUpdated", id, (d) => d.sequenceNumber === 5);
    expect(story(id)).toEqual([
      "CallConnected",
      "ParticipantsUpdated 1 free",
      "ParticipantsUpdated 3 held",
      "PlayStarted",
      "PlayCompleted",
      "ParticipantsUpdated 5 free",
    ]);
  });

  test("getParticipants shows the hold while the play lasts; cancelling the play ends it", async () => {
    const { id, connection, media } = await connectedCall(h);
    await media.play([text("Please hold")], [caller], { loop: true });
    await h.waitForEvent("PlayStarted", id);
    expect((await connection.getParticipant(caller)).isOnHold).toBe(true);
    expect((await connection.listParticipants()).values?.find((p) => p.identifier && "phoneNumber" in p.identifier)?.isOnHold).toBe(true);
    await media.cancelAllOperations();
    await h.waitForEvent("ParticipantsUpdated", id, (d) => !callerOnHold(d) && d.sequenceNumber! > 3);
    expect(story(id).slice(-2)).toEqual(["PlayCanceled", "ParticipantsUpdated 5 free"]);
    expect((await connection.getParticipant(caller)).isOnHold).toBe(false);
  });

  test("a play that fails holds the participant until PlayFailed, as recorded", async () => {
    // PlayInvalidFileSourceWithPlayMediaTest: seq 3 held, PlayFailed 400/8535, seq 5 free.
    const { id, media } = await connectedCall(h);
    await media.play([{ kind: "fileSource", url: "https://media.example.com/prompt.mp3" }], [caller]);
    await h.waitForEvent("ParticipantsUpdated", id, (d) => d.sequenceNumber === 5);
    expect(story(id)).toEqual(["CallConnected", "ParticipantsUpdated 1 free", "ParticipantsUpdated 3 held", "PlayFailed", "ParticipantsUpdated 5 free"]);
  });

  test("a play to everyone holds nobody", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([text("Hi")]);
    await h.waitForEvent("PlayCompleted", id);
    await h.settle();
    expect(story(id)).toEqual(["CallConnected", "ParticipantsUpdated 1 free", "PlayStarted", "PlayCompleted"]);
  });

  test("a participant the app already holds stays on hold through a play to them, with no roster change for it", async () => {
    const { id, connection, media } = await connectedCall(h);
    await media.hold(caller);
    await h.waitForEvent("ParticipantsUpdated", id, (d) => callerOnHold(d));
    await media.play([text("Hi")], [caller]);
    await h.waitForEvent("PlayCompleted", id);
    await h.settle();
    expect(story(id).slice(2)).toEqual(["ParticipantsUpdated 2 held", "PlayStarted", "PlayCompleted"]);
    expect((await connection.getParticipant(caller)).isOnHold).toBe(true);
  });
});
