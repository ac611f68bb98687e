import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { validateRequestBody } from "../../contracts/validator.js";
import { startHarness, type Harness } from "../support/harness.js";
import { connectedCall, postAsWritten } from "../support/media.js";

// Issue 16: bodies the spec's request validation lets through although the engine's check
// refuses them. The validator holds a null field to no type, so a play source whose kind is
// null passes it (kind is required, and null is not undefined) and reaches callsim's own
// check: that check is the one the app sees. Sent raw, in-process; the call itself is set up
// through the SDK.
let h: Harness;
let id: string;
beforeAll(async () => {
  h = await startHarness({ transport: "direct", loose: true, selfCheck: true });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.reset();
  id = (await connectedCall(h)).id;
});

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
    expect(validateRequestBody(operationId, body, { apiVersion: API_VERSION })).toEqual([]);
    const refused = await post(action, body);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: "8523", target: `${source}.kind`, message: expect.stringContaining(`${source}.kind must be file, text or ssml.`) });
    // Refused before anything started: no play, hold or recognition reports on the call.
    await h.settle();
    expect(h.eventTypes(id)).toEqual(["CallConnected", "ParticipantsUpdated"]);
  });
});
