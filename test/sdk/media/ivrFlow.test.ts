import { parseCallAutomationEvent, type CallConnection } from "@azure/communication-call-automation";
import { beforeEach, describe, expect, test } from "vitest";
import { TRANSPORTS } from "../../support/harness.js";
import { CALLER, caller, text, useMediaHarness } from "../../support/media.js";

/**
 * A whole IVR call, as the public samples write it: answer the IncomingCall, play a menu
 * while recognizing a key, confirm the choice, hang up. The caller's key comes from its
 * scripted input.
 */
describe.each(TRANSPORTS)("an IVR call over %s", (transport) => {
  const h = useMediaHarness({ transport });
  beforeEach(async () => {
    await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid") });
  });

  const appNumber = "4:+18005550100";

  async function answerIncoming(): Promise<{ id: string; connection: CallConnection }> {
    const placed = await h.control("POST", "/emulator/incoming-calls", { from: CALLER, to: appNumber });
    const incoming = await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall" && e.data.serverCallId === placed.body.serverCallId, "IncomingCall");
    const answered = await h.client.answerCall(incoming.data.incomingCallContext, h.callbackUri);
    return { id: answered.callConnectionProperties.callConnectionId!, connection: answered.callConnection };
  }

  test("answers, plays the menu, hears 1, confirms and hangs up", async () => {
    await h.control("PUT", `/emulator/parties/${encodeURIComponent(CALLER)}`, { input: [{ dtmf: "1" }] });
    const { id, connection } = await answerIncoming();
    const media = connection.getCallMedia();
    await h.waitForEvent("CallConnected", id);
    await media.startRecognizing(caller, { kind: "callMediaRecognizeDtmfOptions", playPrompt: text("Press 1"), maxTonesToCollect: 1, operationContext: "menu" });
    const choice = await h.waitForEvent("RecognizeCompleted", id);
    expect(choice.dtmfResult?.tones).toEqual(["one"]);
    await media.playToAll([text("OK")], { operationContext: "confirm" });
    await h.waitForEvent("PlayCompleted", id, (d) => d.operationContext === "confirm");
    await connection.hangUp(true);
    await h.waitForEvent("CallDisconnected", id);
    expect(h.eventTypes(id)).toEqual(["CallConnected", "ParticipantsUpdated", "RecognizeCompleted", "PlayStarted", "PlayCompleted", "CallDisconnected"]);
    for (const event of h.receiver.events("/callbacks")) expect(parseCallAutomationEvent([event] as any).kind).toBe(event.type.split(".").pop());
  });

  // The SDK downloads recordings only from *.asm.skype.com over https, which the plain-http
  // server transport cannot offer (test/http/recordingDownload.https.test.ts covers --https).
  test.skipIf(transport === "server")("answers, records, plays the menu, hears 1, confirms, hangs up, and downloads the recording", async () => {
    await h.control("PUT", `/emulator/parties/${encodeURIComponent(CALLER)}`, { input: [{ dtmf: "1" }] });
    const { id, connection } = await answerIncoming();
    await h.waitForEvent("CallConnected", id);
    const recording = h.client.getCallRecording();
    const { recordingId } = await recording.start({ callConnectionId: id, recordingContent: "audio", recordingChannel: "mixed", recordingFormat: "wav" });
    await h.waitForEvent("RecordingStateChanged", id, (d) => d.state === "active");
    const media = connection.getCallMedia();
    await media.startRecognizing(caller, { kind: "callMediaRecognizeDtmfOptions", playPrompt: text("Press 1 for sales"), maxTonesToCollect: 1, operationContext: "menu" });
    expect((await h.waitForEvent("RecognizeCompleted", id)).dtmfResult?.tones).toEqual(["one"]);
    await media.playToAll([text("Connecting you to sales")], { operationContext: "confirm" });
    await h.waitForEvent("PlayCompleted", id, (d) => d.operationContext === "confirm");
    await connection.hangUp(true);
    await h.waitForEvent("CallDisconnected", id);
    // The call's end stops the recording, and Event Grid announces its files.
    const files = await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.RecordingFileStatusUpdated" && e.subject.endsWith(`/recordingId/${recordingId}`), "RecordingFileStatusUpdated");
    expect(files.data.sessionEndReason).toBe("CallEnded");
    const [chunk] = files.data.recordingStorageInfo.recordingChunks;
    const chunks: Buffer[] = [];
    for await (const part of await recording.downloadStreaming(chunk.contentLocation)) chunks.push(Buffer.from(part as Buffer));
    const audio = Buffer.concat(chunks);
    expect(audio.toString("ascii", 0, 4)).toBe("RIFF");
    expect(audio.toString("ascii", 8, 12)).toBe("WAVE");
    // As long as the call was recorded: the prompt, the key and the confirmation, by the emulator's clock.
    expect(audio.length - 44).toBe(Math.round((files.data.recordingDurationMs * 16000) / 1000) * 2);
    expect(files.data.recordingDurationMs).toBeGreaterThan(0);
    expect(h.eventTypes(id)).toEqual([
      "CallConnected",
      "ParticipantsUpdated",
      "RecordingStateChanged",
      "RecognizeCompleted",
      "PlayStarted",
      "PlayCompleted",
      "RecordingStateChanged",
      "CallDisconnected",
    ]);
  });
});
