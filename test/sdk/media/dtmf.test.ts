import { DtmfTone } from "@azure/communication-call-automation";
import { describe, expect, test } from "vitest";
import { TRANSPORTS } from "../../support/harness.js";
import { CALLER, caller, connectedCall, due, useMediaHarness } from "../../support/media.js";

describe.each(TRANSPORTS)("CallMedia DTMF over %s", (transport) => {
  const h = useMediaHarness({ transport });
  // Variants of an action the other cases run on every transport run on the virtual-clock transports
  // only, where waiting costs nothing (the suite stays fast).
  const onVirtualClock = test.runIf(transport !== "server");

  const press = (serverCallId: string, tones: string) =>
    h.control("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(CALLER)}:dtmf`, { tones });

  describe("continuous DTMF recognition", () => {
    test("reports each key as ToneReceived with rising sequenceIds, then ContinuousDtmfRecognitionStopped", async () => {
      const { id, serverCallId, media } = await connectedCall(h);
      await media.startContinuousDtmfRecognition(caller, { operationContext: "keys" });
      expect((await press(serverCallId, "1*")).body).toEqual({ recognizedBy: [], continuousDtmfBy: [id] });
      const second = await h.waitForEvent("ContinuousDtmfRecognitionToneReceived", id, (d) => d.sequenceId === 2);
      const first = await h.waitForEvent("ContinuousDtmfRecognitionToneReceived", id, (d) => d.sequenceId === 1);
      expect(first).toMatchObject({ tone: "one", operationContext: "keys", resultInformation: { code: 200, subCode: 0 } });
      expect(second.tone).toBe("asterisk");
      await media.stopContinuousDtmfRecognition(caller, { operationContext: "stop" });
      expect(await h.waitForEvent("ContinuousDtmfRecognitionStopped", id)).toMatchObject({ operationContext: "stop", resultInformation: { code: 200, subCode: 0 } });
      expect((await press(serverCallId, "9")).body.continuousDtmfBy).toEqual([]);
    });

    onVirtualClock("runs alongside a recognition: both hear the same key", async () => {
      const { id, serverCallId, media } = await connectedCall(h);
      await media.startContinuousDtmfRecognition(caller);
      await media.startRecognizing(caller, { kind: "callMediaRecognizeDtmfOptions" });
      await due(h);
      expect((await press(serverCallId, "7")).body).toEqual({ recognizedBy: [id], continuousDtmfBy: [id] });
      expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ dtmfResult: { tones: ["seven"] } });
      expect(await h.waitForEvent("ContinuousDtmfRecognitionToneReceived", id)).toMatchObject({ tone: "seven", sequenceId: 1 });
    });

    onVirtualClock("hears the keys a recognition takes from the caller's scripted input", async () => {
      const { id, media } = await connectedCall(h, [{ dtmf: "58" }]);
      await media.startContinuousDtmfRecognition(caller);
      await media.startRecognizing(caller, { kind: "callMediaRecognizeDtmfOptions", maxTonesToCollect: 2 });
      await h.waitForEvent("RecognizeCompleted", id);
      await h.waitForEvent("ContinuousDtmfRecognitionToneReceived", id, (d) => d.sequenceId === 2);
      const tones = h.receiver.events().filter((e) => e.type.endsWith("ToneReceived")).map((e) => `${e.data.sequenceId}:${e.data.tone}`);
      expect(tones).toEqual(["1:five", "2:eight"]);
    });

    test("answers 400 (8500) when started twice for the same participant, and when stopped while not running", async () => {
      const { media } = await connectedCall(h);
      const notRunning = await media.stopContinuousDtmfRecognition(caller).catch((e) => e);
      expect(notRunning.statusCode).toBe(400);
      expect(notRunning.code).toBe("8500");
      await media.startContinuousDtmfRecognition(caller);
      const twice = await media.startContinuousDtmfRecognition(caller).catch((e) => e);
      expect(twice.statusCode).toBe(400);
      expect(twice.message).toMatch(/already running/);
    });

    test("sends a planted asynchronous fault as ContinuousDtmfRecognitionToneFailed", async () => {
      await h.control("POST", "/emulator/faults", { action: "startContinuousDtmfRecognition", async: true, status: 400, subCode: 8504, message: "Media streams unavailable." });
      const { id, media } = await connectedCall(h);
      await media.startContinuousDtmfRecognition(caller, { operationContext: "keys" });
      expect(await h.waitForEvent("ContinuousDtmfRecognitionToneFailed", id)).toMatchObject({ operationContext: "keys", resultInformation: { code: 400, subCode: 8504 } });
    });
  });

  describe("live keys", () => {
    test("refuses keys that are not DTMF, naming them", async () => {
      const { serverCallId } = await connectedCall(h);
      const refused = await press(serverCallId, "1x");
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(/"x", which is not a DTMF key/);
    });

    test("answers 404 for a party who is not in the call", async () => {
      const { serverCallId } = await connectedCall(h);
      const refused = await h.control("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent("4:+14255550999")}:dtmf`, { tones: "1" });
      expect(refused.status).toBe(404);
    });
  });

  describe("sendDtmfTones", () => {
    test("answers 202 with operationContext, then SendDtmfTonesCompleted", async () => {
      const { id, media } = await connectedCall(h);
      const result = await media.sendDtmfTones([DtmfTone.One, DtmfTone.Pound], caller, { operationContext: "ext" });
      expect(result.operationContext).toBe("ext");
      expect(await h.waitForEvent("SendDtmfTonesCompleted", id)).toMatchObject({ operationContext: "ext", resultInformation: { code: 200, subCode: 0 } });
    });

    test("sends a planted asynchronous fault as SendDtmfTonesFailed to operationCallbackUri", async () => {
      await h.control("POST", "/emulator/faults", { action: "sendDtmfTones", async: true, status: 400, subCode: 8523, message: "Bad tones." });
      const { id, media } = await connectedCall(h);
      await media.sendDtmfTones([DtmfTone.Nine], caller, { operationCallbackUrl: h.receiver.url("/dtmf") });
      const failed = await h.receiver.waitFor((e) => e.type === "Microsoft.Communication.SendDtmfTonesFailed", "SendDtmfTonesFailed");
      expect(h.receiver.events("/dtmf")).toContain(failed);
      expect(failed.data).toMatchObject({ callConnectionId: id, resultInformation: { code: 400, subCode: 8523 } });
    });

    test("answers 404 for a target who is not in the call", async () => {
      const { media } = await connectedCall(h);
      const error = await media.sendDtmfTones([DtmfTone.One], { phoneNumber: "+14255550999" }).catch((e) => e);
      expect(error.statusCode).toBe(404);
    });
  });
});
