import { describe, expect, test } from "vitest";
import { validateRequestBody } from "../../contracts/validator.js";
import { useHarness } from "../support/harness.js";
import { postAsWritten } from "../support/asWritten.js";
import { connectedCall } from "../support/media.js";

// Issue 16: bodies the spec's request validation lets through that reach a check of callsim's
// once thought to be answered by the spec alone: callsim's answer is the one the app sees. The
// validator holds a null field to no type (a required kind of null passes, as null is not
// undefined), and lets through fields an operation does not have. Sent raw, in-process; the
// calls themselves are set up through the SDK.
let id: string;
const h = useHarness({ transport: "direct", loose: true, selfCheck: true });

const API_VERSION = "2026-03-12";
const CALLER = { kind: "phoneNumber", phoneNumber: { value: "+14255550123" } };
const NO_KIND = { kind: null, text: { text: "Hello" } };

const post = (action: string, body: unknown) => postAsWritten(h, `/calling/callConnections/${id}:${action}?api-version=${API_VERSION}`, body);

describe("a play source whose kind is null", () => {
  test.each([
    ["a play", "play", "CallMedia_Play", { playSources: [NO_KIND] }, "playSources[0]"],
    ["a hold's music", "hold", "CallMedia_Hold", { targetParticipant: CALLER, playSourceInfo: NO_KIND }, "playSourceInfo"],
    ["a recognize's playPrompt", "recognize", "CallMedia_Recognize", { recognizeInputType: "dtmf", recognizeOptions: { targetParticipant: CALLER }, playPrompt: NO_KIND }, "playPrompt"],
    ["a recognize's playPrompts", "recognize", "CallMedia_Recognize", { recognizeInputType: "dtmf", recognizeOptions: { targetParticipant: CALLER }, playPrompts: [NO_KIND] }, "playPrompts[0]"],
  ])("in %s passes the spec check and is refused by callsim with 400 naming the kind and what to give", async (_name, action, operationId, body, source) => {
    id = (await connectedCall(h)).id;
    expect(validateRequestBody(operationId, body, { apiVersion: API_VERSION })).toEqual([]);
    const refused = await post(action, body);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: "8523", target: `${source}.kind`, message: expect.stringContaining(`${source}.kind must be file, text or ssml.`) });
    // Refused before anything started: no play, hold or recognition reports on the call.
    await h.settle();
    expect(h.eventTypes(id)).toEqual(["CallConnected", "ParticipantsUpdated"]);
  });
});

describe("a locale sent to a streaming operation that has none", () => {
  const transcriptionOptions = { transportType: "websocket" as const, transportUrl: "wss://app.example.com/transcripts", locale: "en-US" };
  const mediaStreamingOptions = { transportType: "websocket" as const, transportUrl: "wss://app.example.com/audio", audioChannelType: "mixed" as const, contentType: "audio" as const };

  /** The call's transcription as GET /emulator/calls shows it. */
  async function transcription(): Promise<unknown> {
    const calls = (await h.control("GET", "/emulator/calls")).body as Array<{ connections: Array<Record<string, any>> }>;
    return calls.flatMap((call) => call.connections).find((c) => c.callConnectionId === id)?.media.transcription;
  }

  test("passes the spec check and is ignored, while start and update transcription still read theirs", async () => {
    id = (await connectedCall(h, [], { transcriptionOptions, mediaStreamingOptions })).id;
    expect((await post("startTranscription", { locale: "de-DE" })).status).toBe(202);
    await h.waitForEvent("TranscriptionStarted", id);
    expect((await post("updateTranscription", { locale: "fr-FR" })).status).toBe(202);
    await h.waitForEvent("TranscriptionUpdated", id);
    expect(await transcription()).toEqual({ state: "active", locale: "fr-FR" });
    // StartMediaStreaming, StopMediaStreaming and StopTranscription have no locale field.
    for (const [action, operationId, event] of [
      ["startMediaStreaming", "CallMedia_StartMediaStreaming", "MediaStreamingStarted"],
      ["stopMediaStreaming", "CallMedia_StopMediaStreaming", "MediaStreamingStopped"],
      ["stopTranscription", "CallMedia_StopTranscription", "TranscriptionStopped"],
    ] as const) {
      expect(validateRequestBody(operationId, { locale: 5 }, { apiVersion: API_VERSION })).toEqual([]);
      expect([action, (await post(action, { locale: 5 })).status]).toEqual([action, 202]);
      await h.waitForEvent(event, id);
    }
    expect(await transcription()).toEqual({ state: "inactive", locale: "fr-FR" });
  });
});
