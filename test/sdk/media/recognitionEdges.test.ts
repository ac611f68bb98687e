import { DtmfTone } from "@azure/communication-call-automation";
import { describe, expect, test } from "vitest";
import { SPEECH_MS_PER_CHARACTER } from "../../../emulator/engine/media/playSources.js";
import { useAudioServer } from "../../support/audioServer.js";
import { CALLER, caller, connectedCall, elapsed, file, text, useMediaHarness } from "../../support/media.js";

// When a recognition listens, what it hears and when its prompt's file arrives late: cases
// that hang on a single virtual instant (a key pressed before the recognition starts, a cancel
// while the prompt's file is read), so they run on the in-process transport and its virtual clock.
const dtmf = (extra: Record<string, unknown> = {}) => ({ kind: "callMediaRecognizeDtmfOptions" as const, ...extra });

const audio = useAudioServer();

describe("when a recognition listens", () => {
  const h = useMediaHarness({ transport: "direct" });
  const press = (serverCallId: string, tones: string) =>
    h.control("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(CALLER)}:dtmf`, { tones });

  test("with interruptPrompt and nothing said, the initial silence timeout still counts from the prompt's end", async () => {
    const { id, media } = await connectedCall(h);
    await media.startRecognizing(caller, dtmf({ playPrompt: text("Menu"), interruptPrompt: true, initialSilenceTimeoutInSeconds: 1 }));
    expect((await h.waitForEvent("RecognizeFailed", id)).resultInformation).toMatchObject({ code: 400, subCode: 8510 });
    expect(elapsed(h, id, "CallConnected", "RecognizeFailed")).toBe(4 * SPEECH_MS_PER_CHARACTER + 1000);
  });

  test("a key pressed before the recognition has started is not heard by it", async () => {
    const { id, serverCallId, media } = await connectedCall(h);
    await media.startRecognizing(caller, dtmf({ interruptPrompt: true, initialSilenceTimeoutInSeconds: 1 }));
    // Virtual time has not moved: the recognition is asked for, not yet started.
    expect((await press(serverCallId, "4")).body.recognizedBy).toEqual([]);
    expect((await h.waitForEvent("RecognizeFailed", id)).resultInformation).toMatchObject({ subCode: 8510 });
    expect(h.eventTypes(id)).not.toContain("RecognizeCompleted");
  });

  test("with interruptCallMediaOperation, a recognition cancels the running play and listens at once", async () => {
    const { id, media } = await connectedCall(h, [{ dtmf: "1" }]);
    await media.playToAll([text("Please hold")], { loop: true, operationContext: "music" });
    await media.startRecognizing(caller, dtmf({ interruptCallMediaOperation: true, operationContext: "menu" }));
    expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ operationContext: "menu", dtmfResult: { tones: ["one"] } });
    expect(await h.waitForEvent("PlayCanceled", id)).toMatchObject({ operationContext: "music" });
  });

  test("keys pressed while the app hangs up reach no recognition on its leg", async () => {
    const { serverCallId, connection, media } = await connectedCall(h);
    await media.startRecognizing(caller, dtmf({ initialSilenceTimeoutInSeconds: 30 }));
    await media.startContinuousDtmfRecognition(caller);
    h.emulator.advance(0);
    await connection.hangUp(false);
    // The leg is disconnecting: its CallDisconnected is due, not yet sent.
    expect((await press(serverCallId, "4")).body).toEqual({ recognizedBy: [], continuousDtmfBy: [] });
  });

  test("keys pressed in a call that has ended answer 404 naming serverCallId", async () => {
    const { id, serverCallId, connection } = await connectedCall(h);
    await connection.hangUp(true);
    await h.waitForEvent("CallDisconnected", id);
    const keys = await press(serverCallId, "1");
    expect(keys.status).toBe(404);
    expect(keys.body.error).toMatchObject({ target: "serverCallId" });
    expect(keys.body.error.message).toMatch(new RegExp(`^Call ${serverCallId} has ended\\.`));
  });

  test.each([
    ["a word said with a hyphen matches the phrase written with a space", "check-in", "check in"],
    ["words said in capitals match the phrase in small letters, ẞ as ß", "GROẞ", "groß"],
  ])("%s", async (_what, said, phrase) => {
    const { id, media } = await connectedCall(h, [{ speech: said }]);
    await media.startRecognizing(caller, { kind: "callMediaRecognizeChoiceOptions", choices: [{ label: "Other", phrases: ["other"], tone: DtmfTone.Nine }, { label: "Match", phrases: [phrase] }] });
    expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ recognitionType: "choices", choiceResult: { label: "Match", recognizedPhrase: phrase } });
  });
});

describe("a recognition whose prompt's file is still being read", () => {
  const h = useMediaHarness({ transport: "direct", fetchAudio: true });

  test("canceled meanwhile, it sends nothing after RecognizeCanceled once the file arrives", async () => {
    const { id, media } = await connectedCall(h, [{ dtmf: "1" }]);
    const fetched = audio.slowAsked();
    await media.startRecognizing(caller, dtmf({ playPrompt: file(`${audio.base}/slow.wav`), operationContext: "menu" }));
    h.emulator.advance(0);
    await fetched;
    await media.cancelAllOperations();
    audio.releaseSlow();
    expect(await h.waitForEvent("RecognizeCanceled", id)).toMatchObject({ operationContext: "menu" });
    await h.settle();
    expect(h.eventTypes(id).filter((type) => type.startsWith("Recognize"))).toEqual(["RecognizeCanceled"]);
    // The caller's scripted key is still there for the next recognition.
    expect((await h.control("GET", "/emulator/parties")).body[0].input).toEqual([{ dtmf: "1" }]);
  });

  test("barged into by a live key meanwhile, it completes with that key and leaves the scripted input for later", async () => {
    const { id, serverCallId, media } = await connectedCall(h, [{ dtmf: "9" }]);
    const fetched = audio.slowAsked();
    await media.startRecognizing(caller, dtmf({ playPrompt: file(`${audio.base}/slow.wav`), interruptPrompt: true }));
    h.emulator.advance(0);
    await fetched;
    const pressed = await h.control("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(CALLER)}:dtmf`, { tones: "3" });
    expect(pressed.body.recognizedBy).toEqual([id]);
    audio.releaseSlow();
    expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ dtmfResult: { tones: ["three"] } });
    expect((await h.control("GET", "/emulator/parties")).body[0].input).toEqual([{ dtmf: "9" }]);
  });
});

describe("a caller's scripted input", () => {
  const h = useMediaHarness({ transport: "direct" });

  test.each([
    ["an entry that is text, not an object", ["1"]],
    ["speech that is only spaces", [{ speech: "   " }]],
    ["silence set to false", [{ silence: false }]],
  ])("refuses %s, naming the entry and the forms it may take", async (_what, input) => {
    const set = await h.control("PUT", `/emulator/parties/${encodeURIComponent(CALLER)}`, { input });
    expect(set.status).toBe(400);
    expect(set.body.error).toMatchObject({ target: "input[0]" });
    expect(set.body.error.message).toMatch(/^input\[0\] must be one of \{ "dtmf": "1#" \}, \{ "speech": "talk to an agent" \} or \{ "silence": true \}\./);
  });
});
