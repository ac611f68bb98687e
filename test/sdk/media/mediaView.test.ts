import { describe, expect, test } from "vitest";
import { TRANSPORTS } from "../../support/harness.js";
import { CALLER, caller, connectedCall, due, text, useMediaHarness } from "../../support/media.js";

describe.each(TRANSPORTS)("GET /emulator/calls shows each connection's media over %s", (transport) => {
  const h = useMediaHarness({ transport });

  const connectionView = async (id: string) => {
    const calls = (await h.control("GET", "/emulator/calls")).body as Array<{ connections: Array<Record<string, any>> }>;
    const connection = calls.flatMap((call) => call.connections).find((c) => c.callConnectionId === id);
    if (!connection) throw new Error(`GET /emulator/calls has no connection ${id}`);
    return connection;
  };

  test("a connection no media action has touched shows no media", async () => {
    const { id } = await connectedCall(h);
    expect(await connectionView(id)).not.toHaveProperty("media");
  });

  test("the running play first, the one queued behind it next, and nothing once both are canceled", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([text("Please hold")], { loop: true, operationContext: "music" });
    await media.play([text("Your turn")], [caller], { operationContext: "turn" });
    await h.waitForEvent("PlayStarted", id);
    expect((await connectionView(id)).media.operations).toEqual([
      { kind: "play", state: "running", operationContext: "music", targets: [] },
      { kind: "play", state: "queued", operationContext: "turn", targets: [CALLER] },
    ]);
    await media.cancelAllOperations();
    await h.waitForEvent("PlayCanceled", id);
    expect((await connectionView(id)).media.operations).toEqual([]);
  });

  test("a recognition listening to the caller, and continuous DTMF with the tones it has reported", async () => {
    const { id, serverCallId, media } = await connectedCall(h);
    await media.startContinuousDtmfRecognition(caller, { operationContext: "keys" });
    await h.control("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(CALLER)}:dtmf`, { tones: "12" });
    await h.waitForEvent("ContinuousDtmfRecognitionToneReceived", id, (d) => d.sequenceId === 2);
    await media.startRecognizing(caller, { kind: "callMediaRecognizeDtmfOptions", maxTonesToCollect: 4, operationContext: "pin" });
    await due(h);
    const view = (await connectionView(id)).media;
    expect(view.continuousDtmf).toEqual([{ participant: CALLER, operationContext: "keys", tonesReceived: 2 }]);
    expect(view.operations).toEqual([{ kind: "recognize", state: "running", operationContext: "pin", targets: [CALLER] }]);
    expect(view.transcription).toEqual({ state: "inactive" });
    expect(view.mediaStreaming).toEqual({ state: "inactive" });
  });

  test("transcription started with the call, with its locale", async () => {
    const transcriptionOptions = { transportType: "websocket" as const, transportUrl: "wss://app.example.com/transcripts", locale: "en-US", startTranscription: true };
    const { id } = await connectedCall(h, [], { transcriptionOptions });
    await h.waitForEvent("TranscriptionStarted", id);
    expect((await connectionView(id)).media.transcription).toEqual({ state: "active", locale: "en-US" });
  });
});
