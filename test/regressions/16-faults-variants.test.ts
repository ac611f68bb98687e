import { describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/emulator.js";
import { acsUser } from "../support/calls.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

// Issue 16: planted faults and recorded variants were driven only on their happy path: which
// actions take a fault, how many times it fires, in what order two faults fire, and what the
// variants table keeps across a change and a reset went unasserted.

/** Every engine action a fault can target: the route table's operations. */
const ACTIONS = [
  "createCall", "answerCall", "redirectCall", "rejectCall", "connectCall", "getCall", "hangUp", "terminateCall",
  "transferToParticipant", "addParticipant", "removeParticipant", "cancelAddParticipant", "moveParticipants", "muteParticipants",
  "getParticipant", "getParticipants", "startRecording", "getRecordingState", "pauseRecording", "resumeRecording", "stopRecording",
  "play", "recognize", "cancelAllMediaOperations", "startContinuousDtmfRecognition", "stopContinuousDtmfRecognition", "sendDtmfTones",
  "hold", "unhold", "startTranscription", "stopTranscription", "updateTranscription", "startMediaStreaming", "stopMediaStreaming",
];
/** The actions that have a failure event (spec 2026-03-12), so can fail after being accepted, with their event. */
const FAILURE_EVENTS: Record<string, string> = {
  createCall: "CreateCallFailed",
  answerCall: "AnswerFailed",
  connectCall: "ConnectFailed",
  transferToParticipant: "CallTransferFailed",
  addParticipant: "AddParticipantFailed",
  removeParticipant: "RemoveParticipantFailed",
  cancelAddParticipant: "CancelAddParticipantFailed",
  moveParticipants: "MoveParticipantFailed",
  startRecording: "StartRecordingFailed",
  play: "PlayFailed",
  recognize: "RecognizeFailed",
  startContinuousDtmfRecognition: "ContinuousDtmfRecognitionToneFailed",
  sendDtmfTones: "SendDtmfTonesFailed",
  hold: "HoldFailed",
  startTranscription: "TranscriptionFailed",
  stopTranscription: "TranscriptionFailed",
  updateTranscription: "TranscriptionFailed",
  startMediaStreaming: "MediaStreamingFailed",
  stopMediaStreaming: "MediaStreamingFailed",
};

describe.each(TRANSPORTS)("planted faults over %s", (transport) => {
  const h = useHarness({ transport });

  const plant = (body: Record<string, unknown>) => h.control("POST", "/emulator/faults", body);
  const createCall = () =>
    h.client.createCall({ targetParticipant: { communicationUserId: acsUser(1) } }, h.callbackUri).then(
      () => 201,
      (error) => `${error.statusCode} ${error.code}`,
    );

  test("every action takes a fault, and the refusal of another names them all", async () => {
    const refused = await plant({ action: "dial" });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toEqual({ code: "8523", target: "action", message: `action must be one of ${ACTIONS.join(", ")}. DiagCode: 400#8523.@` });
    for (const action of ACTIONS) expect((await plant({ action })).status, action).toBe(201);
    expect((await h.control("GET", "/emulator/faults")).body.map((f: { action: string }) => f.action)).toEqual(ACTIONS);
  });

  test("an asynchronous fault is taken by exactly the actions with a failure event, and the refusal names them with their events", async () => {
    const listed = Object.entries(FAILURE_EVENTS).map(([action, event]) => `${action} (${event})`);
    for (const action of ACTIONS) {
      const planted = await plant({ action, async: true });
      if (FAILURE_EVENTS[action]) {
        expect(planted.status, action).toBe(201);
        continue;
      }
      expect(planted.body.error, action).toEqual({
        code: "8523",
        target: "async",
        message: `${action} has no failure event; asynchronous faults exist for ${listed.join(", ")}. DiagCode: 400#8523.@`,
      });
    }
    expect((await h.control("GET", "/emulator/faults")).body.map((f: { action: string }) => f.action)).toEqual(Object.keys(FAILURE_EVENTS));
  });

  test("a fault fires once by default, `times` times when asked, and only for its action", async () => {
    await plant({ action: "getCall", status: 500 });
    // Statuses the SDK does not retry: each request meets the fault once.
    await plant({ action: "createCall", status: 403, code: "7504", times: 2 });
    expect((await h.control("GET", "/emulator/faults")).body.map((f: { action: string; remaining: number }) => [f.action, f.remaining])).toEqual([
      ["getCall", 1],
      ["createCall", 2],
    ]);
    expect(await createCall()).toBe("403 7504");
    expect((await h.control("GET", "/emulator/faults")).body.map((f: { remaining: number }) => f.remaining)).toEqual([1, 1]);
    expect(await createCall()).toBe("403 7504");
    expect((await h.control("GET", "/emulator/faults")).body.map((f: { action: string }) => f.action)).toEqual(["getCall"]);
    expect(await createCall()).toBe(201);
  });

  test("two faults for one action fire in the order they were planted, each its own times", async () => {
    await plant({ action: "createCall", status: 409, code: "First" });
    await plant({ action: "createCall", status: 400, code: "Second", times: 2 });
    expect([await createCall(), await createCall(), await createCall(), await createCall()]).toEqual(["409 First", "400 Second", "400 Second", 201]);
    expect((await h.control("GET", "/emulator/faults")).body).toEqual([]);
  });

  test("a reset forgets the planted faults", async () => {
    await plant({ action: "createCall", times: 5 });
    await h.reset();
    expect((await h.control("GET", "/emulator/faults")).body).toEqual([]);
    expect(await createCall()).toBe(201);
  });
});

describe.each(TRANSPORTS)("variants over %s", (transport) => {
  const h = useHarness({ transport, variants: { removeLast: "5300" } });

  const put = (body: unknown) => h.control("PUT", "/emulator/variants", body);

  test("a change keeps the other variants, each recorded choice can be picked, and a reset goes back to the emulator's own", async () => {
    const own = { decline: "603/0", terminate: "7000", removeLast: "5300", createCallOrder: "connectedFirst", answerOrder: "connectedFirst", connectOrder: "rosterFirst" };
    expect((await h.control("GET", "/emulator/variants")).body).toEqual(own);
    expect(await put({ decline: "200/5002" })).toEqual({ status: 200, body: { ...own, decline: "200/5002" } });
    const others = { terminate: "5002", removeLast: "5002", createCallOrder: "rosterFirst", answerOrder: "rosterFirst", connectOrder: "connectedFirst" };
    expect(await put(others)).toEqual({ status: 200, body: { decline: "200/5002", ...others } });
    expect((await put({ terminate: "5001" })).body.terminate).toBe("5001");
    await h.reset();
    expect((await h.control("GET", "/emulator/variants")).body).toEqual(own);
  });

  test.each([
    [{ terminate: 5001 }, "terminate", 'terminate must be one of "7000", "5001", "5002".'],
    [{ removeLast: "5300", connectOrder: "first" }, "connectOrder", 'connectOrder must be one of "rosterFirst", "connectedFirst".'],
    [{ answerOrder: null }, "answerOrder", 'answerOrder must be one of "connectedFirst", "rosterFirst".'],
  ])("refuses %j, naming the variant and its choices, and changes nothing", async (body, target, message) => {
    expect((await put(body)).body.error).toEqual({ code: "8523", target, message: `${message} DiagCode: 400#8523.@` });
    expect((await h.control("GET", "/emulator/variants")).body.removeLast).toBe("5300");
  });
});

describe("variants given to createEmulator", () => {
  test.each([
    ["a list", ["200/5002"], "variants", "variants must be an object, e.g. { \"decline\": \"200/5002\" }."],
    ["a string", "200/5002", "variants", "variants must be an object, e.g. { \"decline\": \"200/5002\" }."],
    ["an unknown variant", { declined: "200/5002" }, "declined", "declined is not a variant; the variants are decline, terminate, removeLast, createCallOrder, answerOrder, connectOrder."],
  ])("are refused when %s, naming the field", (_what, variants, target, message) => {
    expect(() => createEmulator({ clock: "virtual", selfCheck: "throw", variants: variants as never })).toThrow(expect.objectContaining({ target, message }));
  });

  test("may be left out or null: the defaults hold", async () => {
    for (const variants of [undefined, null]) {
      const emulator = createEmulator({ clock: "virtual", selfCheck: "throw", variants: variants as never });
      const answer = await emulator.handle({ method: "GET", url: "/emulator/variants", headers: {}, rawBody: "", protocol: "http" });
      expect(JSON.parse(answer.body as string)).toEqual({ decline: "603/0", terminate: "7000", removeLast: "5002", createCallOrder: "connectedFirst", answerOrder: "connectedFirst", connectOrder: "rosterFirst" });
    }
  });
});
