import { describe, expect, test } from "vitest";
import { useHarness } from "../support/harness.js";
import { postAsWritten } from "../support/asWritten.js";
import { connectedCall } from "../support/media.js";

// Issue 16: recognition and DTMF bodies the SDK's types never send, sent raw. The engine checks
// these fields too, for its own callers; over HTTP the spec's request validation answers first,
// in its own words ("must be a string", "must be an integer between"), which these tests pin:
// the engine's checks on them carry `Stryker disable` marks that point here.
let id: string;
const h = useHarness({ transport: "direct", loose: true }, async (h) => {
  id = (await connectedCall(h)).id;
});

const CALLER = { kind: "phoneNumber", phoneNumber: { value: "+14255550123" } };
const dtmf = (options: Record<string, unknown>) => ({ recognizeInputType: "dtmf", recognizeOptions: { targetParticipant: CALLER, ...options } });
const choices = (list: unknown[]) => ({ recognizeInputType: "choices", recognizeOptions: { targetParticipant: CALLER, choices: list } });

const post = (action: string, body: unknown) => postAsWritten(h, `/calling/callConnections/${id}:${action}?api-version=2026-03-12`, body);

describe("recognition and DTMF bodies the spec refuses before the engine reads them", () => {
  test.each([
    ["recognizeOptions that are not an object", "recognize", { recognizeInputType: "dtmf", recognizeOptions: "dtmf" }, "recognizeOptions", /^recognizeOptions must be an object\./],
    ["a recognize operationContext that is not text", "recognize", { ...dtmf({}), operationContext: 5 }, "operationContext", /^operationContext must be a string\./],
    ["a continuous DTMF start operationContext that is not text", "startContinuousDtmfRecognition", { targetParticipant: CALLER, operationContext: 5 }, "operationContext", /^operationContext must be a string\./],
    ["a continuous DTMF stop operationContext that is not text", "stopContinuousDtmfRecognition", { targetParticipant: CALLER, operationContext: 5 }, "operationContext", /^operationContext must be a string\./],
    ["a sendDtmfTones operationContext that is not text", "sendDtmfTones", { tones: ["one"], targetParticipant: CALLER, operationContext: 5 }, "operationContext", /^operationContext must be a string\./],
    ["tones that are not a list", "sendDtmfTones", { tones: "one", targetParticipant: CALLER }, "tones", /^tones must be an array\./],
    ["a tone that is not text", "sendDtmfTones", { tones: [5], targetParticipant: CALLER }, "tones[0]", /^tones\[0\] must be a string\./],
    ["a silence timeout in fractions of a second", "recognize", dtmf({ initialSilenceTimeoutInSeconds: 1.5 }), "recognizeOptions.initialSilenceTimeoutInSeconds", /must be an integer between 0 and 300/],
    ["a negative silence timeout", "recognize", dtmf({ initialSilenceTimeoutInSeconds: -1 }), "recognizeOptions.initialSilenceTimeoutInSeconds", /must be an integer between 0 and 300/],
    ["an inter-tone timeout of 0 s", "recognize", dtmf({ dtmfOptions: { interToneTimeoutInSeconds: 0 } }), "recognizeOptions.dtmfOptions.interToneTimeoutInSeconds", /must be an integer between 1 and 60/],
    ["an inter-tone timeout past 60 s", "recognize", dtmf({ dtmfOptions: { interToneTimeoutInSeconds: 61 } }), "recognizeOptions.dtmfOptions.interToneTimeoutInSeconds", /must be an integer between 1 and 60/],
    ["an inter-tone timeout in fractions of a second", "recognize", dtmf({ dtmfOptions: { interToneTimeoutInSeconds: 1.5 } }), "recognizeOptions.dtmfOptions.interToneTimeoutInSeconds", /must be an integer between 1 and 60/],
    ["a stop tone the spec does not know", "recognize", dtmf({ dtmfOptions: { stopTones: ["ten"] } }), "recognizeOptions.dtmfOptions.stopTones[0]", /must be one of zero, one, /],
    ["a stop tone that is not text", "recognize", dtmf({ dtmfOptions: { stopTones: [5] } }), "recognizeOptions.dtmfOptions.stopTones[0]", /must be a string\./],
    ["a choice that is not an object", "recognize", choices([null]), "recognizeOptions.choices[0]", /must be an object\./],
    ["a choice without a label", "recognize", choices([{ phrases: ["agent"] }]), "recognizeOptions.choices[0].label", /is required\./],
    ["a choice whose label is not text", "recognize", choices([{ label: 5, phrases: ["agent"] }]), "recognizeOptions.choices[0].label", /must be a string\./],
    ["a choice whose phrases are not a list", "recognize", choices([{ label: "Agent", phrases: "agent" }]), "recognizeOptions.choices[0].phrases", /must be an array\./],
    ["a choice with a phrase that is not text", "recognize", choices([{ label: "Agent", phrases: [5] }]), "recognizeOptions.choices[0].phrases[0]", /must be a string\./],
    ["a choice with a tone the spec does not know", "recognize", choices([{ label: "Agent", phrases: ["agent"], tone: "ten" }]), "recognizeOptions.choices[0].tone", /must be one of zero, one, /],
    ["a choice with a tone that is not text", "recognize", choices([{ label: "Agent", phrases: ["agent"], tone: 5 }]), "recognizeOptions.choices[0].tone", /must be a string\./],
  ])("answers %s with the spec's 400 naming the field", async (_name, action, body, target, message) => {
    const response = await post(action, body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "8523", target });
    expect(response.body.error.message).toMatch(message);
  });
});

describe("recognition and DTMF bodies the spec lets through", () => {
  test("a recognize with recognizeOptions null is refused by callsim, saying what the options need", async () => {
    const response = await post("recognize", { recognizeInputType: "dtmf", recognizeOptions: null });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "8523", target: "recognizeOptions" });
    expect(response.body.error.message).toMatch(/^recognizeOptions is required, with the targetParticipant to listen to\./);
  });

  test("a recognize with recognizeInputType null is refused by callsim, listing the input types", async () => {
    const response = await post("recognize", { recognizeInputType: null, recognizeOptions: { targetParticipant: CALLER } });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "8523", target: "recognizeInputType" });
    expect(response.body.error.message).toMatch(/^recognizeInputType must be one of dtmf, speech, speechOrDtmf, choices\./);
  });

  test.each([
    ["a label", { label: null, phrases: ["agent"] }],
    ["phrases", { label: "Agent", phrases: null }],
  ])("a choice with %s of null is refused by callsim, naming the choice and what it needs", async (_what, choice) => {
    const response = await post("recognize", choices([{ label: "Sales", phrases: ["sales"] }, choice]));
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "8523", target: "recognizeOptions.choices[1]" });
    expect(response.body.error.message).toMatch(/^recognizeOptions\.choices\[1\] needs a label and a list of phrases\./);
  });

  test("sendDtmfTones with tones null is refused by callsim, saying to list a tone, and keys nothing", async () => {
    const response = await post("sendDtmfTones", { tones: null, targetParticipant: CALLER });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "8523", target: "tones" });
    expect(response.body.error.message).toMatch(/^tones must list at least one tone, e\.g\. \["one", "pound"\]\./);
    await h.settle();
    expect(h.eventTypes(id)).not.toContain("SendDtmfTonesCompleted");
  });
});
