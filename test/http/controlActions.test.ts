import { describe, expect, test } from "vitest";
import { TRANSPORTS } from "../support/harness.js";
import { CALLER, caller, connectedCall, due, useMediaHarness } from "../support/media.js";

// What the control plane's world actions do, seen by the test that drives them: a phone number
// removed is gone, a party's live keys and speech reach the app's running recognition, a hang-up
// takes no body, a party that is no rawId is refused naming `rawId`, and a subscription's
// endpoint must be a URL string.
describe.each(TRANSPORTS)("control-plane actions over %s", (transport) => {
  const h = useMediaHarness({ transport });

  const partyAction = (serverCallId: string, party: string, action: "hangUp" | "dtmf" | "speak", body?: unknown) =>
    h.control("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(party)}:${action}`, body);
  const participantsOf = async (serverCallId: string) =>
    ((await h.control("GET", "/emulator/calls")).body as Array<{ serverCallId: string; participants: Array<{ rawId: string }> }>)
      .find((call) => call.serverCallId === serverCallId)!
      .participants.map((p) => p.rawId);

  test("a phone number removed is no longer one of the resource's", async () => {
    expect((await h.control("PUT", "/emulator/phone-numbers/%2B18005550199")).status).toBe(200);
    expect((await h.control("GET", "/emulator/phone-numbers")).body).toContain("+18005550199");
    expect((await h.control("DELETE", "/emulator/phone-numbers/%2B18005550199")).status).toBe(204);
    expect((await h.control("GET", "/emulator/phone-numbers")).body).not.toContain("+18005550199");
  });

  test("keys a party presses live are the running DTMF recognition's result", async () => {
    const { id, serverCallId, media } = await connectedCall(h);
    await media.startRecognizing(caller, { kind: "callMediaRecognizeDtmfOptions", maxTonesToCollect: 2 });
    await due(h);
    expect(await partyAction(serverCallId, CALLER, "dtmf", { tones: "42" })).toEqual({ status: 200, body: { recognizedBy: [id], continuousDtmfBy: [] } });
    expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ dtmfResult: { tones: ["four", "two"] } });
  });

  test("what a party says live is the running speech recognition's result", async () => {
    const { id, serverCallId, media } = await connectedCall(h);
    await media.startRecognizing(caller, { kind: "callMediaRecognizeSpeechOptions" });
    await due(h);
    expect(await partyAction(serverCallId, CALLER, "speak", { text: "talk to an agent" })).toEqual({ status: 200, body: { recognizedBy: [id], continuousDtmfBy: [] } });
    expect(await h.waitForEvent("RecognizeCompleted", id)).toMatchObject({ speechResult: { speech: "talk to an agent" } });
  });

  test("a hang-up takes no body: one is refused and the party stays in the call", async () => {
    const { serverCallId } = await connectedCall(h);
    const refused = await partyAction(serverCallId, CALLER, "hangUp", { reason: "done" });
    expect(refused.status).toBe(400);
    expect(refused.body.error.target).toBe("reason");
    expect(refused.body.error.message).toMatch(/:hangUp does not take "reason"\. It takes no body\./);
    await h.settle();
    expect(await participantsOf(serverCallId)).toContain(CALLER);
  });

  test.each(["hangUp", "dtmf", "speak"] as const)("a party to %s that is no rawId is refused naming rawId", async (action) => {
    const { serverCallId } = await connectedCall(h);
    const body = { hangUp: undefined, dtmf: { tones: "1" }, speak: { text: "yes" } }[action];
    const refused = await partyAction(serverCallId, "nobody", action, body);
    expect(refused.status).toBe(400);
    expect(refused.body.error.target).toBe("rawId");
    expect(refused.body.error.message).toMatch(/^rawId "nobody" is not an identifier the service knows/);
  });

  test("a subscription's endpoint is a URL string: a list holding one is refused, saying what to send", async () => {
    const refused = await h.control("POST", "/emulator/subscriptions", { endpoint: [h.receiver.url("/eventgrid")] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.target).toBe("endpoint");
    expect(refused.body.error.message).toMatch(/^endpoint is required: the http\(s\) URL of your Event Grid webhook\./);
    expect((await h.control("GET", "/emulator/subscriptions")).body).toEqual([]);
  });

  test("a validationUrl visited without its code is refused naming code, also for a subscription taken as validated", async () => {
    // A subscription taken as validated (the explorer's) has no code to match: a visit without one validates nothing.
    const taken = h.emulator.engine.eventGrid.subscribeValidated(h.receiver.url("/taken"));
    const created = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid") });
    for (const id of [taken.id, created.body.id as string]) {
      const refused = await h.control("GET", `/emulator/subscriptions/${id}:validate`);
      expect(refused.status, id).toBe(400);
      expect(refused.body.error.target, id).toBe("code");
    }
  });
});
