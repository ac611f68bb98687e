import { describe, expect, test } from "vitest";
import { TRANSPORTS } from "../../support/harness.js";
import { CALLER, caller, connectedCall, due, text, useMediaHarness } from "../../support/media.js";

// What a simulated party keys or says live (the control plane's :dtmf and :speak) and its
// scripted input (PUT /emulator/parties): who hears it, when, and what is refused.
describe.each(TRANSPORTS)("live input through the control plane over %s", (transport) => {
  const h = useMediaHarness({ transport });
  const onVirtualClock = test.runIf(transport !== "server");

  const input = (serverCallId: string, action: "dtmf" | "speak", body: unknown, party = CALLER) =>
    h.control("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(party)}:${action}`, body);

  test("refuses empty keys and empty speech, saying what to send", async () => {
    const { serverCallId } = await connectedCall(h);
    const keys = await input(serverCallId, "dtmf", { tones: "" });
    expect(keys.status).toBe(400);
    expect(keys.body.error.message).toMatch(/^tones must be a string of DTMF keys, e\.g\. "1#"/);
    const speech = await input(serverCallId, "speak", { text: "  " });
    expect(speech.status).toBe(400);
    expect(speech.body.error).toMatchObject({ target: "text" });
    expect(speech.body.error.message).toMatch(/^text is required: what the participant says/);
  });

  test("speech said live to a DTMF recognition is not heard by it, and keys are", async () => {
    const { id, serverCallId, media } = await connectedCall(h);
    await media.startRecognizing(caller, { kind: "callMediaRecognizeDtmfOptions", maxTonesToCollect: 1 });
    await due(h);
    expect((await input(serverCallId, "speak", { text: "operator" })).body).toEqual({ recognizedBy: [], continuousDtmfBy: [] });
    expect((await input(serverCallId, "dtmf", { tones: "5" })).body).toEqual({ recognizedBy: [id], continuousDtmfBy: [] });
    expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ dtmfResult: { tones: ["five"] } });
  });

  test("refuses speech that is not text, and keys that are not a string, with 400, not a crash", async () => {
    const { serverCallId } = await connectedCall(h);
    const keys = await input(serverCallId, "dtmf", { tones: 12 });
    expect(keys.status).toBe(400);
    expect(keys.body.error.target).toBe("tones");
    const speech = await input(serverCallId, "speak", { text: 42 });
    expect(speech.status).toBe(400);
    expect(speech.body.error.target).toBe("text");
  });

  test("answers 404 naming who is missing for input from a party not in the call", async () => {
    const { serverCallId } = await connectedCall(h);
    const stranger = "4:+14255550999";
    const keys = await input(serverCallId, "dtmf", { tones: "1" }, stranger);
    expect(keys.status).toBe(404);
    expect(keys.body.error).toMatchObject({ target: "rawId" });
    expect(keys.body.error.message).toMatch(new RegExp(`^${stranger.replace("+", "\\+")} is not in call ${serverCallId}\\. GET /emulator/calls lists who is`));
  });

  test("speech said live while a play runs is heard by nobody, and answered", async () => {
    const { id, serverCallId, media } = await connectedCall(h);
    await media.playToAll([text("Please hold")], { loop: true });
    await h.waitForEvent("PlayStarted", id);
    const speech = await input(serverCallId, "speak", { text: "hello?" });
    expect(speech).toEqual({ status: 200, body: { recognizedBy: [], continuousDtmfBy: [] } });
  });

  onVirtualClock("continuous DTMF reports live keys one DTMF tone apart, and none after it is stopped", async () => {
    const { id, serverCallId, media } = await connectedCall(h);
    await media.startContinuousDtmfRecognition(caller);
    await input(serverCallId, "dtmf", { tones: "123" });
    await h.waitForEvent("ContinuousDtmfRecognitionToneReceived", id, (d) => d.sequenceId === 3);
    const times = h.receiver
      .events()
      .filter((e) => e.type === "Microsoft.Communication.ContinuousDtmfRecognitionToneReceived")
      .map((e) => Date.parse(String(e.time).replace(/(\.\d{3})\d+/, "$1")));
    // ITU-T Q.24: a DTMF tone lasts at least 40 ms.
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(40);
    expect(times[2] - times[1]).toBe(times[1] - times[0]);
    await input(serverCallId, "dtmf", { tones: "45" });
    await media.stopContinuousDtmfRecognition(caller);
    await h.waitForEvent("ContinuousDtmfRecognitionStopped", id);
    await h.settle();
    expect(h.eventTypes(id).filter((type) => type === "ContinuousDtmfRecognitionToneReceived")).toHaveLength(3);
  });

  test("keys pressed live to a speech recognition are not heard by it", async () => {
    const { serverCallId, media } = await connectedCall(h);
    await media.startRecognizing(caller, { kind: "callMediaRecognizeSpeechOptions" });
    await due(h);
    expect((await input(serverCallId, "dtmf", { tones: "5" })).body).toEqual({ recognizedBy: [], continuousDtmfBy: [] });
  });

  test("continuous DTMF names each of the 16 keys by the spec's Tone", async () => {
    const { id, serverCallId, media } = await connectedCall(h);
    await media.startContinuousDtmfRecognition(caller);
    await input(serverCallId, "dtmf", { tones: "0123456789*#ABCD" });
    await h.waitForEvent("ContinuousDtmfRecognitionToneReceived", id, (d) => d.sequenceId === 16);
    const tones = h.receiver.events().filter((e) => e.type === "Microsoft.Communication.ContinuousDtmfRecognitionToneReceived").map((e) => e.data.tone);
    expect(tones).toEqual(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "asterisk", "pound", "a", "b", "c", "d"]);
  });

  test("answers 404 naming the call for keys pressed in a call that has ended", async () => {
    const { id, serverCallId, connection } = await connectedCall(h);
    await connection.hangUp(true);
    await h.waitForEvent("CallDisconnected", id);
    const keys = await input(serverCallId, "dtmf", { tones: "1" });
    expect(keys.status).toBe(404);
    expect(keys.body.error.message).toMatch(new RegExp(`^Call ${serverCallId} has ended`));
  });

  test.each([
    ["two kinds of input in one entry", [{ dtmf: "1", speech: "one" }], "input[0]"],
    ["an entry that is not an object", [{ silence: true }, null], "input[1]"],
    ["keys that are not DTMF", [{ dtmf: "1x" }], "input[0].dtmf"],
  ])("refuses scripted input with %s, naming the entry", async (_what, entries, target) => {
    const set = await h.control("PUT", `/emulator/parties/${encodeURIComponent(CALLER)}`, { input: entries });
    expect(set.status).toBe(400);
    expect(set.body.error.target).toBe(target);
  });

  test("refuses a scripted input entry that is none of dtmf, speech or silence, naming its index", async () => {
    const set = await h.control("PUT", `/emulator/parties/${encodeURIComponent(CALLER)}`, { input: [{ dtmf: "1" }, { speech: "" }] });
    expect(set.status).toBe(400);
    expect(set.body.error).toMatchObject({ target: "input[1]" });
    expect(set.body.error.message).toMatch(/^input\[1\] must be one of \{ "dtmf": "1#" \}/);
  });
});
