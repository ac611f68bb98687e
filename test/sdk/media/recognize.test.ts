import { CallAutomationClient, DtmfTone, type RecognitionChoice } from "@azure/communication-call-automation";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { describe, expect, test } from "vitest";
import { SPEECH_MS_PER_CHARACTER } from "../../../emulator/engine/media/playSources.js";
import { DTMF_TONE_MS, RECOGNITION_CONFIDENCE } from "../../../emulator/engine/media/recognitionRules.js";
import { TRANSPORTS } from "../../support/harness.js";
import { CALLER, caller, connectedCall, due, elapsed, file, text, useMediaHarness } from "../../support/media.js";

describe.each(TRANSPORTS)("CallMedia recognize over %s", (transport) => {
  const h = useMediaHarness({ transport });
  const press = (serverCallId: string, tones: string) =>
    h.control("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(CALLER)}:dtmf`, { tones });
  // Cases that wait seconds, and variants of an action the other cases run on every transport, run on
  // the virtual-clock transports only, where waiting costs nothing (the suite stays fast).
  const onVirtualClock = test.runIf(transport !== "server");

  const dtmf = (extra: Record<string, unknown> = {}) => ({ kind: "callMediaRecognizeDtmfOptions" as const, ...extra });
  const choices: RecognitionChoice[] = [
    { label: "Sales", phrases: ["sales", "buy something"], tone: DtmfTone.One },
    { label: "Agent", phrases: ["agent", "representative"], tone: DtmfTone.Zero },
  ];

  describe("DTMF", () => {
    test("collects one key after the prompt: RecognizeCompleted 200/8531 with dtmfResult", async () => {
      const { id, media } = await connectedCall(h, [{ dtmf: "1" }]);
      await media.startRecognizing(caller, dtmf({ playPrompt: text("Hi"), operationContext: "menu" }));
      const completed = await h.waitForEvent("RecognizeCompleted", id);
      expect(completed).toMatchObject({ operationContext: "menu", recognitionType: "dtmf", dtmfResult: { tones: ["one"] }, resultInformation: { code: 200, subCode: 8531, message: "Action completed, max digits received." } });
      expect(h.eventTypes(id)).not.toContain("PlayStarted");
    });

    onVirtualClock("stops at a stop tone with 8514, leaving the stop tone out", async () => {
      const { id, media } = await connectedCall(h, [{ dtmf: "12#" }]);
      await media.startRecognizing(caller, dtmf({ maxTonesToCollect: 4, stopDtmfTones: ["pound"] }));
      expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ dtmfResult: { tones: ["one", "two"] }, resultInformation: { code: 200, subCode: 8514, message: "Action completed as stop tone was detected." } });
    });

    test("fails with RecognizeFailed 400/8532 when the caller pauses longer than interToneTimeoutInSeconds", async () => {
      const { id, media } = await connectedCall(h, [{ dtmf: "12" }]);
      await media.startRecognizing(caller, dtmf({ maxTonesToCollect: 4, interToneTimeoutInSeconds: 1, operationContext: "pin" }));
      const failed = await h.waitForEvent("RecognizeFailed", id);
      // The SDKs' RecognizeFailed reasons and the apps' RecognizeFailed handlers name 8532 (mediaResults.ts).
      expect(failed).toMatchObject({ operationContext: "pin", resultInformation: { code: 400, subCode: 8532, message: "Action failed, inter-digit silence timeout reached." } });
      expect(h.eventTypes(id)).not.toContain("RecognizeCompleted");
    });

    onVirtualClock("fails with RecognizeFailed 400/8510 when the caller stays silent for initialSilenceTimeoutInSeconds", async () => {
      const { id, media } = await connectedCall(h, [{ silence: true }]);
      await media.startRecognizing(caller, dtmf({ initialSilenceTimeoutInSeconds: 1, operationContext: "menu" }));
      const failed = await h.waitForEvent("RecognizeFailed", id);
      expect(failed).toMatchObject({ operationContext: "menu", resultInformation: { code: 400, subCode: 8510, message: "Action failed, initial silence timeout reached." } });
      if (transport !== "server") expect(elapsed(h, id, "CallConnected", "RecognizeFailed")).toBe(1000);
    });

    onVirtualClock("hears speech as silence", async () => {
      const { id, media } = await connectedCall(h, [{ speech: "one" }]);
      await media.startRecognizing(caller, dtmf({ initialSilenceTimeoutInSeconds: 1 }));
      expect((await h.waitForEvent("RecognizeFailed", id)).resultInformation).toMatchObject({ subCode: 8510 });
    });

    onVirtualClock("a request that names no timeouts gives up after 5 s of silence and waits 2 s after the last key", async () => {
      // The SDK always fills in 5 s and 2 s itself; this client drops them before signing, so the
      // emulator's own defaults are what decide.
      const withoutTimeouts: PipelinePolicy = {
        name: "dropRecognizeTimeouts",
        sendRequest(request, next) {
          if (request.url.includes(":recognize") && typeof request.body === "string") {
            const body = JSON.parse(request.body);
            delete body.recognizeOptions.initialSilenceTimeoutInSeconds;
            delete body.recognizeOptions.dtmfOptions.interToneTimeoutInSeconds;
            request.body = JSON.stringify(body);
          }
          return next(request);
        },
      };
      const client = new CallAutomationClient(h.connectionString, {
        httpClient: transport === "direct" ? h.emulator.httpClient() : undefined,
        additionalPolicies: [{ policy: withoutTimeouts, position: "perCall" }],
      });
      const recognize = (id: string, extra: Record<string, unknown> = {}) => client.getCallConnection(id).getCallMedia().startRecognizing(caller, dtmf(extra));
      const silent = await connectedCall(h, [{ silence: true }]);
      await recognize(silent.id);
      expect((await h.waitForEvent("RecognizeFailed", silent.id)).resultInformation).toMatchObject({ code: 400, subCode: 8510 });
      expect(elapsed(h, silent.id, "CallConnected", "RecognizeFailed")).toBe(5000);
      const keys = await connectedCall(h, [{ dtmf: "12" }]);
      await recognize(keys.id, { maxTonesToCollect: 4 });
      expect((await h.waitForEvent("RecognizeFailed", keys.id)).resultInformation).toMatchObject({ subCode: 8532 });
      expect(elapsed(h, keys.id, "CallConnected", "RecognizeFailed")).toBe(2 * DTMF_TONE_MS + 2000);
      expect(DTMF_TONE_MS).toBe(100);
    });

    onVirtualClock("takes the caller's scripted inputs in order, one per recognition", async () => {
      const { id, media } = await connectedCall(h, [{ dtmf: "1" }, { dtmf: "2" }]);
      await media.startRecognizing(caller, dtmf({ operationContext: "a" }));
      await media.startRecognizing(caller, dtmf({ operationContext: "b" }));
      await h.waitForEvent("RecognizeCompleted", id, (d) => d.operationContext === "b");
      const results = h.receiver.events().filter((e) => e.type === "Microsoft.Communication.RecognizeCompleted").map((e) => `${e.data.operationContext}=${e.data.dtmfResult.tones}`);
      expect(results).toEqual(["a=one", "b=two"]);
      expect((await h.control("GET", "/emulator/parties")).body[0].input).toEqual([]);
    });

    onVirtualClock("with interruptPrompt, scripted input cuts the prompt short", async () => {
      const { id, media } = await connectedCall(h, [{ dtmf: "5" }]);
      await media.startRecognizing(caller, dtmf({ playPrompt: text("A very long menu prompt"), interruptPrompt: true }));
      await h.waitForEvent("RecognizeCompleted", id);
      if (transport !== "server") expect(elapsed(h, id, "CallConnected", "RecognizeCompleted")).toBe(DTMF_TONE_MS);
    });

    onVirtualClock("without interruptPrompt, listens once the prompt has played", async () => {
      const { id, media } = await connectedCall(h, [{ dtmf: "5" }]);
      await media.startRecognizing(caller, dtmf({ playPrompt: text("Menu") }));
      await h.waitForEvent("RecognizeCompleted", id);
      if (transport !== "server") expect(elapsed(h, id, "CallConnected", "RecognizeCompleted")).toBe(4 * SPEECH_MS_PER_CHARACTER + DTMF_TONE_MS);
    });

    onVirtualClock("hears a key pressed live during the prompt only with interruptPrompt", async () => {
      const { id, serverCallId, media } = await connectedCall(h);
      await media.startRecognizing(caller, dtmf({ playPrompt: text("Hello there"), operationContext: "deaf" }));
      await due(h);
      expect((await press(serverCallId, "3")).body.recognizedBy).toEqual([]);
      await media.cancelAllOperations();
      await h.waitForEvent("RecognizeCanceled", id);
      await media.startRecognizing(caller, dtmf({ playPrompt: text("Hello there"), interruptPrompt: true, operationContext: "barge" }));
      await due(h);
      expect((await press(serverCallId, "3")).body.recognizedBy).toEqual([id]);
      expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ operationContext: "barge", dtmfResult: { tones: ["three"] } });
      if (transport !== "server") expect(elapsed(h, id, "RecognizeCanceled", "RecognizeCompleted")).toBe(DTMF_TONE_MS);
    });

    test("hears keys pressed live through the control plane", async () => {
      const { id, serverCallId, media } = await connectedCall(h);
      await media.startRecognizing(caller, dtmf({ maxTonesToCollect: 2 }));
      await due(h);
      const pressed = await press(serverCallId, "42");
      expect(pressed).toMatchObject({ status: 200, body: { recognizedBy: [id], continuousDtmfBy: [] } });
      expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ dtmfResult: { tones: ["four", "two"] }, resultInformation: { subCode: 8531 } });
    });

    test("fails a prompt that cannot be played with RecognizeFailed 500/8511 and failedPlaySourceIndex", async () => {
      const { id, media } = await connectedCall(h, [{ dtmf: "1" }]);
      await media.startRecognizing(caller, dtmf({ playPrompts: [text("Hi"), file("https://media.example.com/menu.ogg")], operationContext: "dtmfContext" }));
      // DtmfRecognizeWithInvalidFileSourcesTest: 500/8511, the service's message without a DiagCode.
      expect(await h.waitForEvent("RecognizeFailed", id)).toMatchObject({
        operationContext: "dtmfContext",
        failedPlaySourceIndex: 1,
        resultInformation: { code: 500, subCode: 8511, message: "Action failed, encountered failure while trying to play the prompt." },
      });
    });
  });

  describe("choices", () => {
    onVirtualClock("matches a phrase in what the caller says, ignoring case: 200/8545 with choiceResult", async () => {
      const { id, media } = await connectedCall(h, [{ speech: "I want to talk to an AGENT please" }]);
      await media.startRecognizing(caller, { kind: "callMediaRecognizeChoiceOptions", choices, operationContext: "route" });
      const completed = await h.waitForEvent("RecognizeCompleted", id);
      expect(completed).toMatchObject({ recognitionType: "choices", choiceResult: { label: "Agent", recognizedPhrase: "agent" }, resultInformation: { code: 200, subCode: 8545, message: "Action completed, Recognized phrase matches a valid option." } });
    });

    test.each([
      ["an exact phrase over one it only contains", "sales support", [{ label: "Sales", phrases: ["sales"] }, { label: "Support", phrases: ["sales support"] }], "Support"],
      ["a phrase written with punctuation", "agent", [{ label: "Agent", phrases: ["Agent!"] }], "Agent"],
      ["words said with punctuation between them", "Agent, please.", [{ label: "Agent", phrases: ["agent please"] }], "Agent"],
      ["a phrase that is a number", "2", [{ label: "Two", phrases: ["2"] }], "Two"],
    ])("picks %s", async (_what, said, options, label) => {
      const { id, media } = await connectedCall(h, [{ speech: said }]);
      await media.startRecognizing(caller, { kind: "callMediaRecognizeChoiceOptions", choices: options });
      expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ recognitionType: "choices", choiceResult: { label } });
    });

    test("takes choices with a tone and no phrases, and choices with phrases and no tone", async () => {
      const { id, media } = await connectedCall(h, [{ dtmf: "1" }]);
      const mixed: RecognitionChoice[] = [{ label: "Sales", phrases: [], tone: DtmfTone.One }, { label: "Agent", phrases: ["agent"] }];
      await media.startRecognizing(caller, { kind: "callMediaRecognizeChoiceOptions", choices: mixed });
      expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ recognitionType: "choices", choiceResult: { label: "Sales" } });
    });

    test("matches a choice by its tone: 200/8533", async () => {
      const { id, media } = await connectedCall(h, [{ dtmf: "1" }]);
      await media.startRecognizing(caller, { kind: "callMediaRecognizeChoiceOptions", choices });
      expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ recognitionType: "choices", choiceResult: { label: "Sales" }, resultInformation: { code: 200, subCode: 8533, message: "Action completed, DTMF option matched." } });
    });

    test("fails with 400/8547 when nothing said matches", async () => {
      const { id, media } = await connectedCall(h, [{ speech: "no" }]);
      await media.startRecognizing(caller, { kind: "callMediaRecognizeChoiceOptions", choices });
      expect((await h.waitForEvent("RecognizeFailed", id)).resultInformation).toMatchObject({ code: 400, subCode: 8547, message: "Action failed, speech option not matched." });
    });

    onVirtualClock("fails with 400/8534 for a tone no choice has", async () => {
      const { id, media } = await connectedCall(h, [{ dtmf: "7" }]);
      await media.startRecognizing(caller, { kind: "callMediaRecognizeChoiceOptions", choices });
      expect((await h.waitForEvent("RecognizeFailed", id)).resultInformation).toMatchObject({ code: 400, subCode: 8534, message: "Action failed, incorrect tone entered." });
    });

    test("answers 400 naming recognizeOptions.choices when there are none", async () => {
      const { media } = await connectedCall(h);
      const error = await media.startRecognizing(caller, { kind: "callMediaRecognizeChoiceOptions", choices: [] }).catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.message).toMatch(/recognizeOptions\.choices/);
    });
  });

  describe("speech", () => {
    test("recognizes what the caller says: 200/8569 with speechResult", async () => {
      const { id, media } = await connectedCall(h, [{ speech: "late" }]);
      await media.startRecognizing(caller, { kind: "callMediaRecognizeSpeechOptions", playPrompt: text("Hi") });
      const completed = await h.waitForEvent("RecognizeCompleted", id);
      expect(completed).toMatchObject({ recognitionType: "speech", speechResult: { speech: "late" }, resultInformation: { code: 200, subCode: 8569, message: "Action completed, Speech recognized." } });
      expect(completed.speechResult?.confidence).toBeGreaterThan(0);
    });

    test("hears speech said live through the emulator's speak()", async () => {
      const { id, serverCallId, media } = await connectedCall(h);
      await media.startRecognizing(caller, { kind: "callMediaRecognizeSpeechOptions" });
      await due(h);
      expect(h.emulator.speak(serverCallId, CALLER, "stop").recognizedBy).toEqual([id]);
      expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ speechResult: { speech: "stop" } });
    });

    onVirtualClock("hears speech for 60 ms a character, with confidence 0.95", async () => {
      const { id, media } = await connectedCall(h, [{ speech: "late" }]);
      await media.startRecognizing(caller, { kind: "callMediaRecognizeSpeechOptions" });
      const completed = await h.waitForEvent("RecognizeCompleted", id);
      expect(completed.speechResult?.confidence).toBe(RECOGNITION_CONFIDENCE);
      expect(RECOGNITION_CONFIDENCE).toBe(0.95);
      expect(elapsed(h, id, "CallConnected", "RecognizeCompleted")).toBe(4 * SPEECH_MS_PER_CHARACTER);
    });

    onVirtualClock("speech or DTMF takes keys as a DTMF result", async () => {
      const { id, media } = await connectedCall(h, [{ dtmf: "3" }]);
      await media.startRecognizing(caller, { kind: "callMediaRecognizeSpeechOrDtmfOptions", maxTonesToCollect: 1 });
      expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ recognitionType: "dtmf", dtmfResult: { tones: ["three"] } });
    });

    onVirtualClock("speech or DTMF takes words as a speech result", async () => {
      const { id, media } = await connectedCall(h, [{ speech: "yes" }]);
      await media.startRecognizing(caller, { kind: "callMediaRecognizeSpeechOrDtmfOptions" });
      expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ recognitionType: "speech", speechResult: { speech: "yes" } });
    });
  });

  test("cancelAllOperations cancels a waiting recognition with RecognizeCanceled 400/8508", async () => {
    const { id, media } = await connectedCall(h);
    await media.startRecognizing(caller, dtmf({ operationContext: "menu", initialSilenceTimeoutInSeconds: 30 }));
    await due(h);
    await media.cancelAllOperations();
    expect(await h.waitForEvent("RecognizeCanceled", id)).toMatchObject({ operationContext: "menu", resultInformation: { code: 400, subCode: 8508, message: "Action failed, the operation was canceled." } });
    expect(h.eventTypes(id)).not.toContain("RecognizeFailed");
  });

  test("stops without an event when the call ends during a recognition", async () => {
    const { id, connection, media } = await connectedCall(h);
    await media.startRecognizing(caller, dtmf({ initialSilenceTimeoutInSeconds: 30 }));
    await due(h);
    await connection.hangUp(true);
    await h.waitForEvent("CallDisconnected", id);
    if (h.emulator.clock) expect(h.emulator.pending()).toEqual([]);
    await h.settle();
    expect(h.eventTypes(id).filter((t) => t.startsWith("Recognize"))).toEqual([]);
  });

  test("sends a planted asynchronous fault as RecognizeFailed", async () => {
    await h.control("POST", "/emulator/faults", { action: "recognize", async: true, status: 500, subCode: 8565, message: "Cognitive Services error." });
    const { id, media } = await connectedCall(h, [{ dtmf: "1" }]);
    await media.startRecognizing(caller, dtmf());
    expect((await h.waitForEvent("RecognizeFailed", id)).resultInformation).toMatchObject({ code: 500, subCode: 8565 });
  });

  test("answers 404 for a target who is not in the call, and 400 for the app itself", async () => {
    const { media } = await connectedCall(h);
    const missing = await media.startRecognizing({ phoneNumber: "+14255550999" }, dtmf()).catch((e) => e);
    expect(missing.statusCode).toBe(404);
    const calls = await h.control("GET", "/emulator/calls");
    const app = calls.body[0].participants.find((p: any) => p.callConnectionId).rawId as string;
    const self = await media.startRecognizing({ communicationUserId: app }, dtmf()).catch((e) => e);
    expect(self.statusCode).toBe(400);
    expect(self.message).toMatch(/the app itself/);
    expect(app.startsWith("8:acs:")).toBe(true);
  });
});
