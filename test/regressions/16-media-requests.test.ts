import { describe, expect, test } from "vitest";
import { useHarness } from "../support/harness.js";
import { postAsWritten } from "../support/asWritten.js";
import { connectedCall } from "../support/media.js";

// Issue 16: media bodies the SDK's types never send (a play source with its kind but not the
// member it names, a start of continuous DTMF with its own callback), which apps writing their
// own REST calls do send. Sent raw, in-process; the call itself is set up through the SDK.
let id: string;
const h = useHarness({ transport: "direct", loose: true }, async (h) => {
  id = (await connectedCall(h)).id;
});

const CALLER = { kind: "phoneNumber", phoneNumber: { value: "+14255550123" } };
const STRANGER = { kind: "phoneNumber", phoneNumber: { value: "+14255550999" } };
const speak = (text: string) => ({ kind: "text", text: { text } });

const post = (action: string, body: unknown, path = `/calling/callConnections/${id}:${action}`) =>
  postAsWritten(h, `${path}?api-version=2026-03-12`, body);

describe("media request bodies the SDK cannot send", () => {
  test.each([
    ["a file source without its file", "play", { playSources: [{ kind: "file" }] }, "playSources[0].file.uri", /must be the http\(s\) URL of a WAV file/],
    ["a file URI that only contains an http URL", "play", { playSources: [{ kind: "file", file: { uri: "s3://bucket/https://media.example.com/a.wav" } }] }, "playSources[0].file.uri", /must be the http\(s\) URL/],
    ["a second source without its text", "play", { playSources: [speak("Hi"), { kind: "text" }] }, "playSources[1].text.text", /is required: the text to speak/],
    ["an SSML source without its document", "play", { playSources: [{ kind: "ssml" }] }, "playSources[0].ssml.ssmlText", /is required: the SSML document to speak/],
    ["no play source at all", "play", { playSources: [] }, "playSources", /must list at least one play source/],
    ["a recognize prompt without its text", "recognize", { recognizeInputType: "dtmf", recognizeOptions: { targetParticipant: CALLER }, playPrompt: { kind: "text" } }, "playPrompt.text.text", /the text to speak/],
    ["a recognize prompt list with an SSML source without its document", "recognize", { recognizeInputType: "dtmf", recognizeOptions: { targetParticipant: CALLER }, playPrompts: [{ kind: "ssml" }] }, "playPrompts[0].ssml.ssmlText", /the SSML document/],
    ["a choices recognition without choices", "recognize", { recognizeInputType: "choices", recognizeOptions: { targetParticipant: CALLER } }, "recognizeOptions.choices", /is required for a choices recognition: list each choice's label and phrases/],
    ["a choices recognition with no choices", "recognize", { recognizeInputType: "choices", recognizeOptions: { targetParticipant: CALLER, choices: [] } }, "recognizeOptions.choices", /must list at least one choice/],
    ["a DTMF recognition collecting no tones", "recognize", { recognizeInputType: "dtmf", recognizeOptions: { targetParticipant: CALLER, dtmfOptions: { maxTonesToCollect: 0 } } }, "recognizeOptions.dtmfOptions.maxTonesToCollect", /must be a whole number, 1 or more/],
    ["hold music without its file", "hold", { targetParticipant: CALLER, playSourceInfo: { kind: "file" } }, "playSourceInfo.file.uri", /must be the http\(s\) URL/],
    ["sendDtmfTones with no tones", "sendDtmfTones", { tones: [], targetParticipant: CALLER }, "tones", /tones must list at least one tone/],
  ])("answers %s with 400 (8523) naming the field", async (_name, action, body, target, message) => {
    const response = await post(action, body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "8523", target });
    expect(response.body.error.message).toMatch(message);
  });

  test("a stop of continuous DTMF without operationCallbackUri reports to the start's; with one, to its own", async () => {
    expect((await post("startContinuousDtmfRecognition", { targetParticipant: CALLER, operationContext: "keys", operationCallbackUri: h.receiver.url("/dtmf") })).status).toBe(200);
    expect((await post("stopContinuousDtmfRecognition", { targetParticipant: CALLER })).status).toBe(200);
    const stopped = await h.receiver.waitFor((e) => e.type === "Microsoft.Communication.ContinuousDtmfRecognitionStopped", "ContinuousDtmfRecognitionStopped");
    expect(h.receiver.events("/dtmf")).toEqual([stopped]);
    expect(stopped.data).toMatchObject({ callConnectionId: id, operationContext: "keys" });

    await post("startContinuousDtmfRecognition", { targetParticipant: CALLER, operationCallbackUri: h.receiver.url("/dtmf") });
    await post("stopContinuousDtmfRecognition", { targetParticipant: CALLER, operationContext: "done", operationCallbackUri: h.receiver.url("/stops") });
    const second = await h.receiver.waitFor((e) => e.type === "Microsoft.Communication.ContinuousDtmfRecognitionStopped" && e.data.operationContext === "done", "the second stop");
    expect(h.receiver.events("/stops")).toEqual([second]);
  });

  test("continuous DTMF names the participant and the field when it is already running, not running, or for a stranger", async () => {
    const notRunning = await post("stopContinuousDtmfRecognition", { targetParticipant: CALLER });
    expect(notRunning.status).toBe(400);
    expect(notRunning.body.error).toMatchObject({ code: "8500", target: "targetParticipant" });
    expect(notRunning.body.error.message).toMatch(/^No continuous DTMF recognition is running for 4:\+14255550123\. Start it first\./);
    await post("startContinuousDtmfRecognition", { targetParticipant: CALLER });
    const twice = await post("startContinuousDtmfRecognition", { targetParticipant: CALLER });
    expect(twice.body.error).toMatchObject({ code: "8500", target: "targetParticipant" });
    expect(twice.body.error.message).toMatch(/^Continuous DTMF recognition is already running for 4:\+14255550123\. Stop it before starting it again\./);
    const missing = await post("stopContinuousDtmfRecognition", { targetParticipant: STRANGER });
    expect(missing.status).toBe(404);
    expect(missing.body.error.target).toBe("targetParticipant");
  });

  test.each([
    ["sendDtmfTones", { tones: ["one"], targetParticipant: STRANGER }, "targetParticipant"],
    ["startContinuousDtmfRecognition", { targetParticipant: STRANGER }, "targetParticipant"],
    ["hold", { targetParticipant: STRANGER }, "targetParticipant"],
    ["unhold", { targetParticipant: STRANGER }, "targetParticipant"],
    ["recognize", { recognizeInputType: "dtmf", recognizeOptions: { targetParticipant: STRANGER } }, "recognizeOptions.targetParticipant"],
    ["play", { playSources: [speak("Hi")], playTo: [CALLER, STRANGER] }, "playTo[1]"],
  ])("%s for someone not in the call answers 404 naming the field", async (action, body, target) => {
    const response = await post(action, body);
    expect(response.status).toBe(404);
    expect(response.body.error.target).toBe(target);
    expect(response.body.error.message).toMatch(/\+14255550999 is not in the call/);
  });

  test("hold without playSourceInfo holds with no music; while a play runs for the participant it answers 412 naming targetParticipant", async () => {
    expect((await post("hold", { targetParticipant: CALLER })).status).toBe(200);
    await h.settle();
    expect(h.eventTypes(id)).not.toContain("HoldFailed");
    expect((await post("unhold", { targetParticipant: CALLER })).status).toBe(200);
    expect((await post("play", { playSources: [speak("Please hold")], playTo: [CALLER], playOptions: { loop: true } })).status).toBe(202);
    const busy = await post("hold", { targetParticipant: CALLER });
    expect(busy.status).toBe(412);
    expect(busy.body.error).toMatchObject({ code: "8583", target: "targetParticipant" });
  });

  const transcriptionOptions = { transportType: "websocket", transportUrl: "wss://app.example.com/transcripts", locale: "en-US" };
  const mediaStreamingOptions = { transportType: "websocket", transportUrl: "wss://app.example.com/audio", audioChannelType: "mixed", contentType: "audio" };
  test.each([
    ["transcriptionOptions null and mediaStreamingOptions", { transcriptionOptions: null, mediaStreamingOptions }, { startTranscription: 405, startMediaStreaming: 202 }],
    ["mediaStreamingOptions null and transcriptionOptions", { transcriptionOptions, mediaStreamingOptions: null }, { startTranscription: 202, startMediaStreaming: 405 }],
  ])("a call set up with %s has only the media it was given options for", async (_name, options, expected) => {
    const created = await post("", { targets: [CALLER], sourceCallerIdNumber: { value: "+18005550100" }, callbackUri: h.callbackUri, ...options }, "/calling/callConnections");
    expect(created.status).toBe(201);
    id = created.body.callConnectionId;
    await h.waitForEvent("CallConnected", id);
    expect((await post("startTranscription", {})).status).toBe(expected.startTranscription);
    expect((await post("startMediaStreaming", {})).status).toBe(expected.startMediaStreaming);
  });

  test("a recognize whose playPrompt is null listens without a prompt", async () => {
    expect((await post("recognize", { recognizeInputType: "dtmf", recognizeOptions: { targetParticipant: CALLER }, playPrompt: null, playPrompts: null })).status).toBe(202);
    const failed = await h.waitForEvent("RecognizeFailed", id);
    expect(failed.resultInformation).toMatchObject({ code: 400, subCode: 8510 });
  });

  test.each([
    ["an initial silence timeout of 0 s", { initialSilenceTimeoutInSeconds: 0 }],
    ["an initial silence timeout of 300 s", { initialSilenceTimeoutInSeconds: 300 }],
    ["an inter-tone timeout of 1 s", { dtmfOptions: { interToneTimeoutInSeconds: 1 } }],
    ["an inter-tone timeout of 60 s", { dtmfOptions: { interToneTimeoutInSeconds: 60 } }],
  ])("a DTMF recognition accepts %s, the edge of the allowed range", async (_what, options) => {
    expect((await post("recognize", { recognizeInputType: "dtmf", recognizeOptions: { targetParticipant: CALLER, ...options } })).status).toBe(202);
  });

  test("a recognition reads null timeouts, choices and tones as not given", async () => {
    const dtmf = { recognizeInputType: "dtmf", recognizeOptions: { targetParticipant: CALLER, initialSilenceTimeoutInSeconds: null, choices: null, dtmfOptions: { interToneTimeoutInSeconds: null, stopTones: null } } };
    expect((await post("recognize", dtmf)).status).toBe(202);
    await post("cancelAllMediaOperations", {});
    const choices = { recognizeInputType: "choices", recognizeOptions: { targetParticipant: CALLER, choices: [{ label: "Agent", phrases: ["agent"], tone: null }] } };
    expect((await post("recognize", choices)).status).toBe(202);
  });

  test("a play whose operationCallbackUri is null reports to the call's callback URI", async () => {
    expect((await post("play", { playSources: [speak("Hi")], operationCallbackUri: null })).status).toBe(202);
    await h.waitForEvent("PlayCompleted", id);
    expect(h.receiver.events("/callbacks").map((e) => e.type)).toContain("Microsoft.Communication.PlayCompleted");
  });

  test("a play whose operationCallbackUri is not a URL is refused before anything plays", async () => {
    const response = await post("play", { playSources: [speak("Hi")], operationCallbackUri: "not a url" });
    expect(response.status).toBe(400);
    expect(response.body.error.target).toBe("operationCallbackUri");
    await h.settle();
    expect(h.eventTypes(id)).not.toContain("PlayStarted");
  });

  // The engine checks these too, for its own callers; over HTTP the spec's validation answers
  // first, with its own wording, so the engine's messages for them are never seen.
  test.each([
    ["a play source of an unknown kind", "play", { playSources: [{ kind: "video" }] }, "playSources[0].kind", /must be one of file, text, ssml/],
    ["a play source that is not an object", "play", { playSources: [null] }, "playSources[0]", /must be an object/],
    ["a play without playSources", "play", {}, "playSources", /^playSources is required\. /],
    ["playTo that is not a list", "play", { playSources: [speak("Hi")], playTo: {} }, "playTo", /^playTo must be an array/],
    ["hold without targetParticipant", "hold", {}, "targetParticipant", /^targetParticipant is required\. /],
    ["a recognize input type the spec does not know", "recognize", { recognizeInputType: "gesture", recognizeOptions: { targetParticipant: CALLER } }, "recognizeInputType", /must be one of/],
    ["a recognize without recognizeOptions", "recognize", { recognizeInputType: "dtmf" }, "recognizeOptions", /^recognizeOptions is required\. /],
    ["a choice without phrases", "recognize", { recognizeInputType: "choices", recognizeOptions: { targetParticipant: CALLER, choices: [{ label: "a" }] } }, "recognizeOptions.choices[0].phrases", /is required/],
    ["stop tones that are not a list", "recognize", { recognizeInputType: "dtmf", recognizeOptions: { targetParticipant: CALLER, dtmfOptions: { stopTones: "pound" } } }, "recognizeOptions.dtmfOptions.stopTones", /must be an array/],
    ["a tone the spec does not know", "sendDtmfTones", { tones: ["ten"], targetParticipant: CALLER }, "tones[0]", /must be one of/],
    ["a silence timeout past 300 s", "recognize", { recognizeInputType: "dtmf", recognizeOptions: { targetParticipant: CALLER, initialSilenceTimeoutInSeconds: 301 } }, "recognizeOptions.initialSilenceTimeoutInSeconds", /must be an integer between 0 and 300/],
  ])("answers %s with the spec's 400 before the engine reads it", async (_name, action, body, target, message) => {
    const response = await post(action, body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "8523", target });
    expect(response.body.error.message).toMatch(message);
  });
});
