import { DtmfTone, type CallMedia } from "@azure/communication-call-automation";
import { describe, expect, test } from "vitest";
import { acsUser, groupCall } from "../../support/calls.js";
import { TRANSPORTS } from "../../support/harness.js";
import { CALLER, caller, connectedCall, due, text, useMediaHarness } from "../../support/media.js";

// Media rules an app leans on that the per-action suites do not pin: what a stop reports when
// it names nothing, what holding twice or unholding someone not held sends, and what an update
// of transcription changes.
describe.each(TRANSPORTS)("CallMedia rules over %s", (transport) => {
  const h = useMediaHarness({ transport });
  const onVirtualClock = test.runIf(transport !== "server");

  const connectionView = async (id: string) => {
    const calls = (await h.control("GET", "/emulator/calls")).body as Array<{ connections: Array<Record<string, any>> }>;
    return calls.flatMap((call) => call.connections).find((c) => c.callConnectionId === id);
  };
  const rosterUpdates = (id: string) => h.eventTypes(id).filter((type) => type === "ParticipantsUpdated").length;

  test("a media action before the call is connected is refused with 8501: wait for CallConnected", async () => {
    await h.control("PUT", `/emulator/parties/${encodeURIComponent(CALLER)}`, { behavior: "answer", delayMs: 5_000 });
    const result = await h.client.createCall({ targetParticipant: caller, sourceCallIdNumber: { phoneNumber: "+18005550100" } }, h.callbackUri);
    const error = await result.callConnection.getCallMedia().playToAll([text("Hi")]).catch((e) => e);
    expect(error.code).toBe("8501");
    expect(error.message).toMatch(/is not established yet\. Wait for the CallConnected event/);
  });

  test("a stop of continuous DTMF that names no operationContext reports the start's", async () => {
    const { id, media } = await connectedCall(h);
    await media.startContinuousDtmfRecognition(caller, { operationContext: "keys" });
    await media.stopContinuousDtmfRecognition(caller);
    const stopped = await h.waitForEvent("ContinuousDtmfRecognitionStopped", id);
    expect(stopped).toMatchObject({ operationContext: "keys", resultInformation: { code: 200, subCode: 0, message: "Action completed successfully." } });
  });

  test("continuous DTMF for the app itself is refused with 400 naming targetParticipant", async () => {
    const { media } = await connectedCall(h);
    const calls = await h.control("GET", "/emulator/calls");
    const app = { communicationUserId: calls.body[0].participants.find((p: any) => p.callConnectionId).rawId as string };
    const error = await media.startContinuousDtmfRecognition(app).catch((e) => e);
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/targetParticipant is the app itself/);
  });

  test("sendDtmfTones with no tones is refused with 400, naming tones", async () => {
    const { media } = await connectedCall(h);
    const error = await media.sendDtmfTones([], caller).catch((e) => e);
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/tones must list at least one tone/);
  });

  test("sendDtmfTones completes later the more tones it keys, each tone taking at least a DTMF tone's 40 ms", async () => {
    const { id, media } = await connectedCall(h);
    // Sent together, they start together: the gaps between their completions are the extra tones' time.
    await media.sendDtmfTones([DtmfTone.One], caller, { operationContext: "1" });
    await media.sendDtmfTones([DtmfTone.One, DtmfTone.Two], caller, { operationContext: "2" });
    await media.sendDtmfTones([DtmfTone.One, DtmfTone.Two, DtmfTone.Three], caller, { operationContext: "3" });
    await h.waitForEvent("SendDtmfTonesCompleted", id, (d) => d.operationContext === "3");
    const completions = h.receiver.events().filter((e) => e.type === "Microsoft.Communication.SendDtmfTonesCompleted");
    expect(completions.map((e) => e.data.operationContext)).toEqual(["1", "2", "3"]);
    if (transport === "server") return;
    const [one, two, three] = completions.map((e) => Date.parse(String(e.time).replace(/(\.\d{3})\d+/, "$1")));
    // ITU-T Q.24: a DTMF tone lasts at least 40 ms.
    expect(two - one).toBeGreaterThanOrEqual(40);
    expect(three - two).toBe(two - one);
  });

  test("holding someone already on hold sends no second roster; unholding someone not on hold sends none", async () => {
    const { id, media } = await connectedCall(h);
    await media.unhold(caller);
    await h.settle();
    const before = rosterUpdates(id);
    await media.hold(caller);
    await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.some((p: any) => p.identifier.rawId === CALLER && p.isOnHold));
    await media.hold(caller);
    await h.settle();
    expect(rosterUpdates(id)).toBe(before + 1);
    expect(h.eventTypes(id)).not.toContain("HoldFailed");
  });

  test("a play for one participant does not stop another from being held", async () => {
    const { id, connection } = await groupCall(h, 2);
    const media = connection.getCallMedia();
    const [first, second] = [{ communicationUserId: acsUser(1) }, { communicationUserId: acsUser(2) }];
    await media.play([text("Your turn")], [first], { loop: true });
    await h.waitForEvent("PlayStarted", id);
    await media.hold(second);
    const held = await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.some((p: any) => p.identifier.rawId === acsUser(2) && p.isOnHold));
    expect(held.participants.find((p) => p.identifier && "communicationUserId" in p.identifier && p.identifier.communicationUserId === acsUser(2))?.isOnHold).toBe(true);
    const busy = await media.hold(first).catch((e) => e);
    expect(busy.statusCode).toBe(412);
  });

  describe("the media queue", () => {
    const plays = (id: string) =>
      h.receiver
        .events()
        .filter((e) => e.data?.callConnectionId === id && e.type.startsWith("Microsoft.Communication.Play"))
        .map((e) => `${e.type.slice(24)} ${e.data.operationContext}`);

    test("a barge-in when nothing plays just plays", async () => {
      const { id, media } = await connectedCall(h);
      await media.playToAll([text("Go")], { interruptCallMediaOperation: true, operationContext: "urgent" });
      await h.waitForEvent("PlayCompleted", id);
      expect(plays(id)).toEqual(["PlayStarted urgent", "PlayCompleted urgent"]);
    });

    onVirtualClock("a barge-in cancels the running play and runs ahead of the ones still queued", async () => {
      const { id, media } = await connectedCall(h);
      await media.playToAll([text("Please hold")], { loop: true, operationContext: "music" });
      await media.playToAll([text("Next")], { operationContext: "queued" });
      await h.waitForEvent("PlayStarted", id);
      await media.playToAll([text("Now")], { interruptCallMediaOperation: true, operationContext: "urgent" });
      await h.waitForEvent("PlayCompleted", id, (d) => d.operationContext === "queued");
      expect(plays(id)).toEqual(["PlayStarted music", "PlayCanceled music", "PlayStarted urgent", "PlayCompleted urgent", "PlayStarted queued", "PlayCompleted queued"]);
    });

    onVirtualClock("a looped play is still playing long after its text has been spoken once", async () => {
      const { id, media } = await connectedCall(h);
      await media.playToAll([text("Hi")], { loop: true, operationContext: "music" });
      await h.waitForEvent("PlayStarted", id);
      h.emulator.advance(60_000);
      await h.emulator.whenIdle();
      expect(plays(id)).toEqual(["PlayStarted music"]);
    });

    test("once the last play has completed, nothing is left running or queued", async () => {
      const { id, media } = await connectedCall(h);
      await media.playToAll([text("Hi")]);
      await h.waitForEvent("PlayCompleted", id);
      await h.drain();
      const calls = (await h.control("GET", "/emulator/calls")).body as Array<{ connections: Array<Record<string, any>> }>;
      expect(calls.flatMap((call) => call.connections).find((c) => c.callConnectionId === id)?.media.operations).toEqual([]);
    });

    test.runIf(transport !== "server").each([
      ["hangs up its own leg", false],
      ["ends the call for everyone", true],
    ])("a play canceled as the app %s sends no PlayCanceled", async (_how, forEveryone) => {
      const { id, connection, media } = await connectedCall(h);
      await media.playToAll([text("Please hold")], { loop: true });
      await h.waitForEvent("PlayStarted", id);
      await media.cancelAllOperations();
      await connection.hangUp(forEveryone);
      await h.waitForEvent("CallDisconnected", id);
      await h.settle();
      expect(h.eventTypes(id)).not.toContain("PlayCanceled");
    });
  });

  test("a play that held a participant lets them off hold when the app leaves a call that goes on", async () => {
    const { id, serverCallId, connection } = await groupCall(h, 2);
    await connection.getCallMedia().play([text("Please hold")], [{ communicationUserId: acsUser(1) }], { loop: true });
    await h.waitForEvent("PlayStarted", id);
    const heldNow = async () => {
      const calls = (await h.control("GET", "/emulator/calls")).body as Array<{ serverCallId: string; participants: Array<{ rawId: string; isOnHold?: boolean }> }>;
      return calls.find((call) => call.serverCallId === serverCallId)?.participants.find((p) => p.rawId === acsUser(1))?.isOnHold;
    };
    expect(await heldNow()).toBe(true);
    await connection.hangUp(false);
    await h.waitForEvent("CallDisconnected", id);
    await h.settle();
    expect(await heldNow()).toBe(false);
  });

  describe("recognition", () => {
    const recognizeEvents = (id: string) => h.eventTypes(id).filter((type) => type.startsWith("Recognize"));

    onVirtualClock("a completed recognition sends nothing after RecognizeCompleted, not even when its silence timeout would have run out", async () => {
      const { id, media } = await connectedCall(h, [{ dtmf: "1" }]);
      await media.startRecognizing(caller, { kind: "callMediaRecognizeDtmfOptions", initialSilenceTimeoutInSeconds: 2 });
      await h.waitForEvent("RecognizeCompleted", id);
      h.emulator.advance(10_000);
      await h.settle();
      expect(recognizeEvents(id)).toEqual(["RecognizeCompleted"]);
    });

    onVirtualClock("each key pressed restarts the inter-tone timeout: keys 1.5 s apart with a 2 s timeout are all collected", async () => {
      const { id, serverCallId, media } = await connectedCall(h);
      await media.startRecognizing(caller, { kind: "callMediaRecognizeDtmfOptions", maxTonesToCollect: 3, interToneTimeoutInSeconds: 2 });
      await due(h);
      const press = (tones: string) => h.control("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(CALLER)}:dtmf`, { tones });
      for (const key of ["1", "2", "3"]) {
        expect((await press(key)).body.recognizedBy).toEqual([id]);
        h.emulator.advance(1_500);
      }
      expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ dtmfResult: { tones: ["one", "two", "three"] } });
      expect(recognizeEvents(id)).toEqual(["RecognizeCompleted"]);
    });

    test("once it has its keys a recognition hears no more, even before it reports them", async () => {
      const { id, serverCallId, media } = await connectedCall(h);
      await media.startRecognizing(caller, { kind: "callMediaRecognizeDtmfOptions", maxTonesToCollect: 1 });
      await due(h);
      const press = (tones: string) => h.control("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(CALLER)}:dtmf`, { tones });
      expect((await press("1")).body.recognizedBy).toEqual([id]);
      expect((await press("2")).body.recognizedBy).toEqual([]);
      expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ dtmfResult: { tones: ["one"] } });
    });

    onVirtualClock("a speech recognition whose caller stays silent fails with 8510", async () => {
      const { id, media } = await connectedCall(h, [{ silence: true }]);
      await media.startRecognizing(caller, { kind: "callMediaRecognizeSpeechOptions" });
      expect((await h.waitForEvent("RecognizeFailed", id)).resultInformation).toMatchObject({ code: 400, subCode: 8510 });
    });

    onVirtualClock("speech the caller says to a recognition is not reported as tones to continuous DTMF", async () => {
      const { id, media } = await connectedCall(h, [{ speech: "billing" }]);
      await media.startContinuousDtmfRecognition(caller);
      await media.startRecognizing(caller, { kind: "callMediaRecognizeSpeechOptions" });
      expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ speechResult: { speech: "billing" } });
      await h.settle();
      expect(h.eventTypes(id)).not.toContain("ContinuousDtmfRecognitionToneReceived");
    });
  });

  test("updating transcription changes its locale; updating or stopping what is not running is a 400 (8585)", async () => {
    const transcriptionOptions = { transportType: "websocket" as const, transportUrl: "wss://app.example.com/transcripts", locale: "en-US" };
    const mediaStreamingOptions = { transportType: "websocket" as const, transportUrl: "wss://app.example.com/audio", audioChannelType: "mixed" as const, contentType: "audio" as const };
    const { id, connection, media } = await connectedCall(h, [], { transcriptionOptions, mediaStreamingOptions });
    expect((await connection.getCallConnectionProperties()).transcriptionSubscription?.subscribedResultStates).toEqual(["final"]);
    const notRunning = await media.updateTranscription("fr-FR").catch((e) => e);
    expect(notRunning.statusCode).toBe(400);
    expect(notRunning.code).toBe("8585");
    expect(notRunning.message).toMatch(/Transcription is not running/);
    const streamingNotRunning = await media.stopMediaStreaming().catch((e) => e);
    expect(streamingNotRunning.statusCode).toBe(400);
    expect(streamingNotRunning.message).toMatch(/MediaStreaming is not running/);
    await media.startTranscription();
    await h.waitForEvent("TranscriptionStarted", id);
    await media.updateTranscription("fr-FR");
    await h.waitForEvent("TranscriptionUpdated", id);
    expect((await connectionView(id))?.media.transcription).toEqual({ state: "active", locale: "fr-FR" });
    await media.stopTranscription();
    await h.waitForEvent("TranscriptionStopped", id);
    expect((await connectionView(id))?.media.transcription).toEqual({ state: "inactive", locale: "fr-FR" });
    await media.startMediaStreaming();
    await h.waitForEvent("MediaStreamingStarted", id);
    const twice = await media.startMediaStreaming().catch((e) => e);
    expect(twice.message).toMatch(/MediaStreaming is already running/);
    await due(h);
  });

  test("a planted fault on cancelAllMediaOperations answers with it and leaves the running play alone", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([text("Please hold")], { loop: true, operationContext: "music" });
    await h.waitForEvent("PlayStarted", id);
    expect((await h.control("POST", "/emulator/faults", { action: "cancelAllMediaOperations", status: 400, code: "8500", message: "Cancel failed." })).status).toBe(201);
    const error = await media.cancelAllOperations().catch((e) => e);
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/Cancel failed/);
    await h.settle();
    expect(h.eventTypes(id)).not.toContain("PlayCanceled");
  });

  // A planted synchronous fault answers the action it names, once, with its status and message.
  const transcriptionOptions = { transportType: "websocket" as const, transportUrl: "wss://app.example.com/transcripts", locale: "en-US" };
  const mediaStreamingOptions = { transportType: "websocket" as const, transportUrl: "wss://app.example.com/audio", audioChannelType: "mixed" as const, contentType: "audio" as const };
  test.each([
    ["play", async (media: CallMedia) => media.playToAll([text("Hi")])],
    ["recognize", async (media: CallMedia) => media.startRecognizing(caller, { kind: "callMediaRecognizeDtmfOptions" })],
    ["startContinuousDtmfRecognition", async (media: CallMedia) => media.startContinuousDtmfRecognition(caller)],
    ["stopContinuousDtmfRecognition", async (media: CallMedia) => (await media.startContinuousDtmfRecognition(caller), media.stopContinuousDtmfRecognition(caller))],
    ["sendDtmfTones", async (media: CallMedia) => media.sendDtmfTones([DtmfTone.One], caller)],
    ["hold", async (media: CallMedia) => media.hold(caller)],
    ["unhold", async (media: CallMedia) => media.unhold(caller)],
    ["startTranscription", async (media: CallMedia) => media.startTranscription()],
    ["updateTranscription", async (media: CallMedia) => (await media.startTranscription(), media.updateTranscription("fr-FR"))],
    ["stopTranscription", async (media: CallMedia) => (await media.startTranscription(), media.stopTranscription())],
    ["startMediaStreaming", async (media: CallMedia) => media.startMediaStreaming()],
    ["stopMediaStreaming", async (media: CallMedia) => (await media.startMediaStreaming(), media.stopMediaStreaming())],
  ] as const)("a planted fault on %s answers that action with the fault", async (action, call) => {
    const { media } = await connectedCall(h, [], { transcriptionOptions, mediaStreamingOptions });
    expect((await h.control("POST", "/emulator/faults", { action, status: 403, code: "8501", message: `No ${action} today.` })).status).toBe(201);
    const error = await call(media).catch((e) => e);
    expect(error.statusCode).toBe(403);
    expect(error.message).toMatch(`No ${action} today.`);
  });

  test("transcription set up with intermediate results subscribes to final and intermediate results", async () => {
    const transcriptionOptions = { transportType: "websocket" as const, transportUrl: "wss://app.example.com/transcripts", locale: "en-US", enableIntermediateResults: true };
    const { connection } = await connectedCall(h, [], { transcriptionOptions });
    expect((await connection.getCallConnectionProperties()).transcriptionSubscription?.subscribedResultStates).toEqual(["final", "intermediate"]);
  });
});
