import { describe, expect, test } from "vitest";
import { TRANSPORTS } from "../../support/harness.js";
import { connectedCall, useMediaHarness } from "../../support/media.js";

describe.each(TRANSPORTS)("CallMedia transcription and media streaming over %s", (transport) => {
  const h = useMediaHarness({ transport });

  const transcriptionOptions = { transportType: "websocket" as const, transportUrl: "wss://app.example.com/transcripts", locale: "en-US" };
  const mediaStreamingOptions = { transportType: "websocket" as const, transportUrl: "wss://app.example.com/audio", audioChannelType: "mixed" as const, contentType: "audio" as const };

  test("starts, updates and stops transcription, each with its event", async () => {
    const { id, media } = await connectedCall(h, [], { transcriptionOptions });
    await media.startTranscription({ locale: "en-US", operationContext: "t1" });
    expect(await h.waitForEvent("TranscriptionStarted", id)).toMatchObject({
      operationContext: "t1",
      transcriptionUpdate: { transcriptionStatus: "transcriptionStarted", transcriptionStatusDetails: "subscriptionStarted" },
      resultInformation: { code: 200, subCode: 0, message: "Action completed successfully." },
    });
    await media.updateTranscription("fr-FR", { operationContext: "t2" });
    expect(await h.waitForEvent("TranscriptionUpdated", id)).toMatchObject({ operationContext: "t2", transcriptionUpdate: { transcriptionStatusDetails: "transcriptionLocaleUpdated" }, resultInformation: { code: 200, subCode: 0, message: "Action completed successfully." } });
    await media.stopTranscription({ operationContext: "t3" });
    expect(await h.waitForEvent("TranscriptionStopped", id)).toMatchObject({ operationContext: "t3", transcriptionUpdate: { transcriptionStatus: "transcriptionStopped" }, resultInformation: { code: 200, subCode: 0, message: "Action completed successfully." } });
  });

  test("starts transcription and media streaming with the call when their options say so", async () => {
    const { id, media } = await connectedCall(h, [], {
      transcriptionOptions: { ...transcriptionOptions, startTranscription: true },
      mediaStreamingOptions: { ...mediaStreamingOptions, startMediaStreaming: true },
    });
    await h.waitForEvent("TranscriptionStarted", id);
    await h.waitForEvent("MediaStreamingStarted", id);
    expect(h.eventTypes(id).slice(0, 4)).toEqual(["CallConnected", "ParticipantsUpdated", "TranscriptionStarted", "MediaStreamingStarted"]);
    const again = await media.startTranscription().catch((e) => e);
    expect(again.statusCode).toBe(400);
    expect(again.code).toBe("8585");
    expect(again.message).toMatch(/already running/);
  });

  test("answers 405 (8522) when the call was set up without transcriptionOptions", async () => {
    const { media } = await connectedCall(h);
    const error = await media.startTranscription().catch((e) => e);
    expect(error.statusCode).toBe(405);
    expect(error.code).toBe("8522");
    expect(error.message).toMatch(/transcriptionOptions/);
  });

  test("answers 400 (8585) to stop transcription that is not running", async () => {
    const { media } = await connectedCall(h, [], { transcriptionOptions });
    const error = await media.stopTranscription().catch((e) => e);
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe("8585");
    expect(error.message).toMatch(/not running/);
  });

  test("sends a planted asynchronous fault as TranscriptionFailed", async () => {
    await h.control("POST", "/emulator/faults", { action: "startTranscription", async: true, status: 400, subCode: 8578, message: "Transcription failed." });
    const { id, media } = await connectedCall(h, [], { transcriptionOptions });
    await media.startTranscription();
    expect(await h.waitForEvent("TranscriptionFailed", id)).toMatchObject({ transcriptionUpdate: { transcriptionStatus: "transcriptionFailed" }, resultInformation: { subCode: 8578 } });
  });

  test("starts and stops media streaming, each with its event", async () => {
    const { id, media } = await connectedCall(h, [], { mediaStreamingOptions });
    await media.startMediaStreaming({ operationContext: "m1" });
    expect(await h.waitForEvent("MediaStreamingStarted", id)).toMatchObject({
      operationContext: "m1",
      mediaStreamingUpdate: { contentType: "Audio", mediaStreamingStatus: "mediaStreamingStarted", mediaStreamingStatusDetails: "subscriptionStarted" },
      resultInformation: { code: 200, subCode: 0, message: "Action completed successfully." },
    });
    await media.stopMediaStreaming({ operationContext: "m2" });
    expect(await h.waitForEvent("MediaStreamingStopped", id)).toMatchObject({ operationContext: "m2", mediaStreamingUpdate: { mediaStreamingStatus: "mediaStreamingStopped" }, resultInformation: { code: 200, subCode: 0, message: "Action completed successfully." } });
  });

  test("answers 405 (8522) for media streaming on a call set up without mediaStreamingOptions", async () => {
    const { media } = await connectedCall(h, [], { transcriptionOptions });
    const error = await media.startMediaStreaming().catch((e) => e);
    expect(error.statusCode).toBe(405);
    expect(error.code).toBe("8522");
  });

  test("sends a planted asynchronous fault as MediaStreamingFailed", async () => {
    await h.control("POST", "/emulator/faults", { action: "startMediaStreaming", async: true, status: 400, subCode: 8603, message: "Media streaming failed." });
    const { id, media } = await connectedCall(h, [], { mediaStreamingOptions });
    await media.startMediaStreaming();
    expect(await h.waitForEvent("MediaStreamingFailed", id)).toMatchObject({ mediaStreamingUpdate: { mediaStreamingStatus: "mediaStreamingFailed" }, resultInformation: { subCode: 8603 } });
  });
});
