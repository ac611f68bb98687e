import { describe, expect, test } from "vitest";
import { TRANSPORTS } from "../support/harness.js";
import { caller, connectedCall, file, text, useMediaHarness } from "../support/media.js";

// Issue 16: media work the app asked for that has not run yet when the app changes its mind
// (cancels, hangs up), and what advance() runs. The virtual clock holds every outcome until
// the test lets time pass, so the later request lands first.
const VIRTUAL = TRANSPORTS.filter((t) => t !== "server");

describe.skipIf(VIRTUAL.length === 0).each(VIRTUAL)("media work not yet run over %s", (transport) => {
  const h = useMediaHarness({ transport });
  const transcriptionOptions = { transportType: "websocket" as const, transportUrl: "wss://app.example.com/transcripts", locale: "en-US" };

  test("a play canceled before it began never starts: PlayCanceled alone", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([text("Welcome to Contoso")], { operationContext: "welcome" });
    await media.cancelAllOperations();
    await h.settle();
    expect(h.eventTypes(id)).toEqual(["CallConnected", "ParticipantsUpdated", "PlayCanceled"]);
  });

  test.each([
    ["started transcription", async (media: any) => media.startTranscription({ operationContext: "late" })],
    ["hold music that cannot be played", async (media: any) => media.hold(caller, { playSource: file("https://media.example.com/music.mp3"), operationContext: "late" })],
  ])("an app that hangs up right after asking for %s hears nothing more than CallDisconnected", async (_what, ask) => {
    const { id, connection, media } = await connectedCall(h, [], { transcriptionOptions });
    await ask(media);
    await connection.hangUp(false);
    await h.settle();
    expect(h.eventTypes(id)).toEqual(["CallConnected", "ParticipantsUpdated", "CallDisconnected"]);
  });
});

describe.skipIf(VIRTUAL.length === 0).each(VIRTUAL)("advance() with audio fetching on over %s", (transport) => {
  const h = useMediaHarness({ transport, fetchAudio: true });

  test("plays a spoken prompt to its end within the time advanced: there is no file to fetch", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([text("Welcome")]);
    h.emulator.advance(10_000);
    // What advance ran has already been logged; delivering it takes no virtual time.
    expect(h.emulator.events({ callConnectionId: id }).map((e) => e.type.replace("Microsoft.Communication.", ""))).toEqual(
      expect.arrayContaining(["PlayStarted", "PlayCompleted"]),
    );
    await h.emulator.whenIdle();
    expect(h.eventTypes(id).slice(-2)).toEqual(["PlayStarted", "PlayCompleted"]);
  });
});
