import { describe, expect, test } from "vitest";
import { silentWav } from "../../../emulator/audio/wav.js";
import { FILE_PLAY_MS, SPEECH_MS_PER_CHARACTER } from "../../../emulator/engine/media/playSources.js";
import { useAudioServer } from "../../support/audioServer.js";
import { TRANSPORTS } from "../../support/harness.js";
import { caller, connectedCall, elapsed, file, noteOf, text, useMediaHarness } from "../../support/media.js";

describe.each(TRANSPORTS)("CallMedia play over %s", (transport) => {
  const h = useMediaHarness({ transport });
  // Cases that wait seconds, and variants of an action the other cases run on every transport, run on
  // the virtual-clock transports only, where waiting costs nothing (the suite stays fast).
  const onVirtualClock = test.runIf(transport !== "server");

  test("plays text to everyone: PlayStarted, then PlayCompleted 200/0 after 60 ms a character", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([text("Hello")], { operationContext: "greeting" });
    const started = await h.waitForEvent("PlayStarted", id);
    expect(started).toMatchObject({ operationContext: "greeting", resultInformation: { code: 200, subCode: 0 } });
    const completed = await h.waitForEvent("PlayCompleted", id);
    expect(completed).toMatchObject({ operationContext: "greeting", resultInformation: { code: 200, subCode: 0, message: "Action completed successfully." } });
    const took = elapsed(h, id, "PlayStarted", "PlayCompleted");
    if (transport === "server") expect(took).toBeGreaterThanOrEqual(5 * SPEECH_MS_PER_CHARACTER - 5);
    else expect(took).toBe(5 * SPEECH_MS_PER_CHARACTER);
  });

  onVirtualClock("plays a WAV file to one participant for FILE_PLAY_MS, reporting to operationCallbackUri", async () => {
    const { id, media } = await connectedCall(h);
    await media.play([file("https://media.example.com/menu.wav")], [caller], { operationContext: "menu", operationCallbackUrl: h.receiver.url("/media") });
    const completed = await h.receiver.waitFor((e) => e.type === "Microsoft.Communication.PlayCompleted", "PlayCompleted");
    expect(h.receiver.events("/media").map((e) => e.type)).toEqual(["Microsoft.Communication.PlayStarted", "Microsoft.Communication.PlayCompleted"]);
    expect(completed.data).toMatchObject({ callConnectionId: id, operationContext: "menu" });
    expect(elapsed(h, id, "PlayStarted", "PlayCompleted")).toBe(FILE_PLAY_MS);
  });

  onVirtualClock("plays SSML, counting only the spoken text", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([{ kind: "ssmlSource", ssmlText: '<speak version="1.0" xml:lang="en-US"><voice name="en-US-JennyNeural">Hi</voice></speak>' }]);
    await h.waitForEvent("PlayCompleted", id);
    if (transport !== "server") expect(elapsed(h, id, "PlayStarted", "PlayCompleted")).toBe(2 * SPEECH_MS_PER_CHARACTER);
  });

  onVirtualClock("runs plays one after another in the order they were asked for", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([text("A")], { operationContext: "first" });
    await media.playToAll([text("B")], { operationContext: "second" });
    await h.waitForEvent("PlayCompleted", id, (d) => d.operationContext === "second");
    const plays = h.receiver.events().filter((e) => e.type.startsWith("Microsoft.Communication.Play")).map((e) => `${e.type.slice(24)} ${e.data.operationContext}`);
    expect(plays).toEqual(["PlayStarted first", "PlayCompleted first", "PlayStarted second", "PlayCompleted second"]);
  });

  test("loops until cancelAllOperations, which sends PlayCanceled 400/8508", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([text("Please hold")], { loop: true, operationContext: "music" });
    await h.waitForEvent("PlayStarted", id);
    await media.cancelAllOperations();
    const canceled = await h.waitForEvent("PlayCanceled", id);
    expect(canceled).toMatchObject({ operationContext: "music", resultInformation: { code: 400, subCode: 8508, message: "Action failed, the operation was canceled." } });
    expect(h.eventTypes(id)).not.toContain("PlayCompleted");
  });

  onVirtualClock("barges in with interruptCallMediaOperation: the running play is canceled and the new one runs", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([text("Please hold")], { loop: true, operationContext: "music" });
    await h.waitForEvent("PlayStarted", id);
    await media.playToAll([text("Go")], { interruptCallMediaOperation: true, operationContext: "urgent" });
    expect(await h.waitForEvent("PlayCanceled", id)).toMatchObject({ operationContext: "music" });
    await h.waitForEvent("PlayCompleted", id, (d) => d.operationContext === "urgent");
  });

  test("fails a file that is not a WAV with PlayFailed 400/8535, the service's message and the source's index; the reason is in the event log", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([text("Hi"), file("https://media.example.com/menu.mp3?sig=1")], { operationContext: "bad" });
    const failed = await h.waitForEvent("PlayFailed", id);
    // PlayInvalidFileSourceWithPlayMediaTest: the message is the service's, with no DiagCode.
    expect(failed).toMatchObject({ operationContext: "bad", failedPlaySourceIndex: 1, resultInformation: { code: 400, subCode: 8535, message: "Action failed, file format is invalid." } });
    expect(noteOf(h, "PlayFailed", id)).toMatch(/menu\.mp3\?sig=1 is not a WAV file/);
    expect(h.eventTypes(id)).not.toContain("PlayStarted");
  });

  test.each([
    ["an AIFF file named .aif", "https://media.example.com/menu.aif", "PlayFailed"],
    ["a WAV whose name has another extension inside", "https://media.example.com/menu.mp3.wav", "PlayCompleted"],
    ["a path with no extension, taken as WAV", "https://media.example.com/audio/menu", "PlayCompleted"],
  ] as const)("judges the format by the path's last extension: %s", async (_what, url, outcome) => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([file(url)]);
    const other = outcome === "PlayFailed" ? "PlayCompleted" : "PlayFailed";
    const event = await h.receiver.waitFor((e) => e.data?.callConnectionId === id && [`Microsoft.Communication.${outcome}`, `Microsoft.Communication.${other}`].includes(e.type), "PlayCompleted or PlayFailed");
    expect(event.type).toBe(`Microsoft.Communication.${outcome}`);
  });

  test("fails empty text with PlayFailed 400/8582", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([text("  ")]);
    expect((await h.waitForEvent("PlayFailed", id)).resultInformation).toMatchObject({ code: 400, subCode: 8582, message: "Action failed, play source text or SSML is empty." });
  });

  test("sends a planted asynchronous fault as PlayFailed", async () => {
    await h.control("POST", "/emulator/faults", { action: "play", async: true, status: 500, subCode: 8572, message: "Play service shutdown." });
    const { id, media } = await connectedCall(h);
    await media.playToAll([text("Hi")]);
    expect((await h.waitForEvent("PlayFailed", id)).resultInformation).toMatchObject({ code: 500, subCode: 8572 });
  });

  test("answers 404 for a playTo participant who is not in the call", async () => {
    const { media } = await connectedCall(h);
    const error = await media.play([text("Hi")], [{ phoneNumber: "+14255550999" }]).catch((e) => e);
    expect(error.statusCode).toBe(404);
    expect(error.message).toMatch(/\+14255550999 is not in the call/);
  });

  test("answers 400 naming the field for a file source that is not an http(s) URL", async () => {
    const { media } = await connectedCall(h);
    const error = await media.playToAll([file("ftp://media.example.com/menu.wav")]).catch((e) => e);
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/playSources\[0\]\.file\.uri/);
  });

  test("answers 404 on a call connection that has ended", async () => {
    const { id, connection, media } = await connectedCall(h);
    await connection.hangUp(false);
    await h.waitForEvent("CallDisconnected", id);
    const error = await media.playToAll([text("Hi")]).catch((e) => e);
    expect(error.statusCode).toBe(404);
  });
});

/** The audio the app asks callsim to play. */
const files: Record<string, Uint8Array> = {
  "/menu.wav": silentWav(300),
  "/stereo.wav": silentWav(300, { channels: 2, sampleRate: 44_100 }),
  "/notes.txt": new TextEncoder().encode("not audio"),
};
const audio = useAudioServer(files);

describe.each(TRANSPORTS)("CallMedia with fetchAudio over %s", (transport) => {
  const h = useMediaHarness({ transport, fetchAudio: true });

  test("plays a WAV file for its length", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([file(`${audio.base}/menu.wav`)]);
    await h.waitForEvent("PlayCompleted", id);
    const took = elapsed(h, id, "PlayStarted", "PlayCompleted");
    if (transport === "server") expect(took).toBeGreaterThanOrEqual(295);
    else expect(took).toBe(300);
  });

  test("plays text and a WAV file for the text's time plus the file's length, fetching only the file", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([text("Hello"), file(`${audio.base}/menu.wav`)]);
    await h.waitForEvent("PlayCompleted", id);
    expect(h.eventTypes(id)).not.toContain("PlayFailed");
    const took = elapsed(h, id, "PlayStarted", "PlayCompleted");
    if (transport === "server") expect(took).toBeGreaterThanOrEqual(295 + 5 * SPEECH_MS_PER_CHARACTER);
    else expect(took).toBe(300 + 5 * SPEECH_MS_PER_CHARACTER);
  });

  test("fails a file that cannot be downloaded with PlayFailed 400/8536", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([file(`${audio.base}/missing.wav`)]);
    const failed = await h.waitForEvent("PlayFailed", id);
    expect(failed).toMatchObject({ failedPlaySourceIndex: 0, resultInformation: { code: 400, subCode: 8536, message: "Action failed, file could not be downloaded." } });
    expect(noteOf(h, "PlayFailed", id)).toMatch(/HTTP 404/);
  });

  test("a play canceled while its file is still being read never starts", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([file(`${audio.base}/slow.wav`)], { operationContext: "slow" });
    const asked = audio.slowAsked();
    // The play starts, and asks for its file, once the service's latency has passed.
    if (h.emulator.clock) h.emulator.advance(1_000);
    await asked;
    await media.cancelAllOperations();
    // The file arrives after the cancel: waiting for events waits for the download too.
    audio.releaseSlow();
    expect(await h.waitForEvent("PlayCanceled", id)).toMatchObject({ operationContext: "slow" });
    await h.settle();
    expect(h.eventTypes(id).filter((type) => type.startsWith("Play"))).toEqual(["PlayCanceled"]);
  });

  test("fails a file whose download breaks off with PlayFailed 400/8536, the reason in the event log", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([file(`${audio.base}/dropped.wav`)]);
    const failed = await h.waitForEvent("PlayFailed", id);
    expect(failed).toMatchObject({ failedPlaySourceIndex: 0, resultInformation: { code: 400, subCode: 8536 } });
    expect(noteOf(h, "PlayFailed", id)).toMatch(/dropped\.wav/);
  });

  test("fails a WAV that is not mono 16-bit 16 kHz, and a file that is not WAV, with 400/8535", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([file(`${audio.base}/stereo.wav`)], { operationContext: "stereo" });
    const stereo = await h.waitForEvent("PlayFailed", id, (d) => d.operationContext === "stereo");
    expect(stereo.resultInformation).toMatchObject({ code: 400, subCode: 8535 });
    expect(noteOf(h, "PlayFailed", id)).toMatch(/2 channel\(s\), 16-bit, 44100 Hz/);
    await media.playToAll([file(`${audio.base}/notes.txt`)], { operationContext: "text" });
    expect((await h.waitForEvent("PlayFailed", id, (d) => d.operationContext === "text")).resultInformation).toMatchObject({ code: 400, subCode: 8535 });
  });

  test("fails a recognize prompt that cannot be downloaded with RecognizeFailed 500/8511", async () => {
    const { id, media } = await connectedCall(h, [{ dtmf: "1" }]);
    await media.startRecognizing(caller, { kind: "callMediaRecognizeDtmfOptions", playPrompt: file(`${audio.base}/missing.wav`) });
    expect(await h.waitForEvent("RecognizeFailed", id)).toMatchObject({ failedPlaySourceIndex: 0, resultInformation: { code: 500, subCode: 8511 } });
    expect(noteOf(h, "RecognizeFailed", id)).toMatch(/400\/8536/);
  });

  test("sends HoldFailed for hold music that cannot be downloaded", async () => {
    const { id, media } = await connectedCall(h);
    await media.hold(caller, { playSource: file(`${audio.base}/missing.wav`) });
    expect((await h.waitForEvent("HoldFailed", id)).resultInformation).toMatchObject({ subCode: 8536 });
  });
});
