import { describe, expect, test } from "vitest";
import { useHarness } from "../support/harness.js";
import { postAsWritten } from "../support/asWritten.js";
import { connectedCall } from "../support/media.js";

// Issue 16: media fields sent as null, and wrongly typed, by apps writing their own REST calls.
// The spec's request validation lets null through, so callsim answers it: a required field
// that is null is refused naming the field and what to give, an optional one is read as not
// given. Sent raw, in-process; the call itself is set up through the SDK.
let id: string;
const h = useHarness({ transport: "direct", loose: true, selfCheck: true }, async (h) => {
  id = (await connectedCall(h)).id;
});

const CALLER = { kind: "phoneNumber", phoneNumber: { value: "+14255550123" } };
const speak = (text: string) => ({ kind: "text", text: { text } });

const post = (action: string, body: unknown, path = `/calling/callConnections/${id}:${action}`) =>
  postAsWritten(h, `${path}?api-version=2026-03-12`, body);

describe("media fields sent as null", () => {
  test.each([
    ["hold for a null targetParticipant", "hold", { targetParticipant: null }, "targetParticipant", /^targetParticipant is required: the participant to act on\./],
    ["unhold for a null targetParticipant", "unhold", { targetParticipant: null }, "targetParticipant", /^targetParticipant is required: the participant to act on\./],
    ["a play with null playSources", "play", { playSources: null }, "playSources", /^playSources is required: give at least one play source \(file, text or ssml\)\./],
    ["a play with null playTo", "play", { playSources: [speak("Hi")], playTo: null }, "playTo", /^playTo must be a list of participants; leave it empty to play to everyone\./],
    ["a play to an identifier that names nobody", "play", { playSources: [speak("Hi")], playTo: [CALLER, {}] }, "playTo[1]", /^playTo\[1\] names nobody: give rawId or one of communicationUser, phoneNumber/],
  ])("answers %s with 400 (8523) naming the field and what to give", async (_name, action, body, target, message) => {
    const response = await post(action, body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "8523", target });
    expect(response.body.error.message).toMatch(message);
    await h.settle();
    expect(h.eventTypes(id)).toEqual(["CallConnected", "ParticipantsUpdated"]);
  });

  test("hold with null playSourceInfo holds with no music", async () => {
    expect((await post("hold", { targetParticipant: CALLER, playSourceInfo: null })).status).toBe(200);
    const roster = await h.waitForEvent("ParticipantsUpdated", id, (d) => d.sequenceNumber > 1);
    expect(roster.participants.find((p) => p.identifier && "phoneNumber" in p.identifier)?.isOnHold).toBe(true);
    expect(h.eventTypes(id)).not.toContain("HoldFailed");
  });
});

// The engine checks these too, for its own callers; over HTTP the spec's validation answers
// first (planting a change to the engine's check leaves these answers as they are).
describe("wrongly typed media fields the spec refuses first", () => {
  test.each([
    ["hold", { targetParticipant: CALLER, operationContext: 5 }, "operationContext"],
    ["unhold", { targetParticipant: CALLER, operationContext: 5 }, "operationContext"],
    ["play", { playSources: [speak("Hi")], operationContext: 5 }, "operationContext"],
    ["startTranscription", { operationContext: 5 }, "operationContext"],
    ["startTranscription", { locale: 5 }, "locale"],
    ["updateTranscription", { locale: 5 }, "locale"],
    ["startMediaStreaming", { operationContext: 5 }, "operationContext"],
  ])("%s with %j answers 400 naming %s", async (action, body, target) => {
    const response = await post(action, body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "8523", target });
    expect(response.body.error.message).toMatch(new RegExp(`^${target} must be a string`));
  });

  test.each([
    ["play", { playSources: ["Hi"] }, "playSources[0]"],
    ["play", { playSources: [5] }, "playSources[0]"],
    ["hold", { targetParticipant: CALLER, playSourceInfo: "music.wav" }, "playSourceInfo"],
    ["recognize", { recognizeInputType: "dtmf", recognizeOptions: { targetParticipant: CALLER }, playPrompt: "Press one" }, "playPrompt"],
  ])("%s with a play source that is not an object (%j) answers 400 naming %s", async (action, body, target) => {
    const response = await post(action, body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "8523", target });
    expect(response.body.error.message).toMatch(/must be an object/);
  });

  test.each([
    ["transcriptionOptions", "wss://app.example.com/transcripts"],
    ["mediaStreamingOptions", true],
  ])("a call created with %s that is not an object answers 400 naming it", async (field, value) => {
    const body = { targets: [CALLER], sourceCallerIdNumber: { value: "+18005550100" }, callbackUri: h.callbackUri, [field]: value };
    const response = await post("", body, "/calling/callConnections");
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "8523", target: field });
    expect(response.body.error.message).toMatch(/must be an object/);
  });
});
