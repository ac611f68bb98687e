import { parseCallAutomationEvent } from "@azure/communication-call-automation";
import { afterEach, describe, expect, test } from "vitest";
import { validateCallbackEvent } from "../../contracts/validator.js";
import { callTo } from "../support/calls.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

describe.each(TRANSPORTS)("call recording over %s", (transport) => {
  const h = useHarness({ transport });
  afterEach(() => {
    // Every recording event a test produced matches its model in the spec.
    const recordingEvents = h.receiver.events().filter((e) => /Recording/.test(String(e.type)));
    for (const event of recordingEvents) expect(validateCallbackEvent(event), event.type).toEqual([]);
  });

  const alice = "8:acs:11111111-1111-1111-1111-111111111111_0000000a-0000-0000-0000-000000000000";
  const bob = "4:+14255550123";
  const recording = () => h.client.getCallRecording();

  const connectedCall = () => callTo(h, alice);

  const stateChanged = (id: string, recordingId: string, state: string) =>
    h.waitForEvent("RecordingStateChanged", id, (d) => d.recordingId === recordingId && d.state === state);

  describe("start", () => {
    test("starts by callConnectionId: 202 inactive, then RecordingStateChanged active", async () => {
      const { id, serverCallId } = await connectedCall();
      const started = await recording().start({ callConnectionId: id, recordingContent: "audio", recordingChannel: "mixed", recordingFormat: "wav" });
      expect(started.recordingId).toEqual(expect.any(String));
      expect(started.recordingState).toBe("inactive");
      expect(started.recordingKind).toBe("azureCommunicationServices");
      const active = await stateChanged(id, started.recordingId, "active");
      expect(active).toMatchObject({ kind: "RecordingStateChanged", recordingId: started.recordingId, state: "active", recordingKind: "azureCommunicationServices", serverCallId });
      expect(String(active.startDateTime)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00$/);
      expect(await recording().getState(started.recordingId)).toEqual({ recordingId: started.recordingId, recordingState: "active", recordingKind: "azureCommunicationServices" });
    });

    test("starts by server call locator and sends events to recordingStateCallbackUri", async () => {
      const { id, serverCallId } = await connectedCall();
      const started = await recording().start({ callLocator: { kind: "serverCallLocator", id: serverCallId }, recordingStateCallbackEndpointUrl: h.receiver.url("/recording") });
      const event = await h.receiver.waitFor((e) => e.type === "Microsoft.Communication.RecordingStateChanged" && e.data.recordingId === started.recordingId, "RecordingStateChanged");
      expect(h.receiver.events("/recording")).toContain(event);
      expect(event.data.callConnectionId).toBe(id);
      expect(parseCallAutomationEvent([event] as any)).toMatchObject({ kind: "RecordingStateChanged", state: "active" });
    });

    test("starts by group call locator a call the app is not in", async () => {
      const groupCallId = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
      await h.control("POST", "/emulator/calls", { participants: [alice, bob], groupCallId });
      const started = await recording().start({ callLocator: { kind: "groupCallLocator", id: groupCallId }, recordingStateCallbackEndpointUrl: h.receiver.url("/recording") });
      const event = await h.receiver.waitFor((e) => e.data?.recordingId === started.recordingId, "RecordingStateChanged");
      expect(event.data).toMatchObject({ state: "active", callConnectionId: "" });
      expect(event.source).toBe(`calling/recordings/${started.recordingId}`);
      const [call] = (await h.control("GET", "/emulator/calls")).body;
      expect(call.recordings).toEqual([expect.objectContaining({ recordingId: started.recordingId, recordingState: "active", content: "audioVideo", channel: "mixed", format: "mp4" })]);
    });

    test("starts paused with pauseOnStart and records once resumed", async () => {
      const { id } = await connectedCall();
      const started = await recording().start({ callConnectionId: id, pauseOnStart: true });
      const first = await h.waitForEvent("RecordingStateChanged", id);
      expect(first.state).toBe("inactive");
      expect((await recording().getState(started.recordingId)).recordingState).toBe("inactive");
      await recording().resume(started.recordingId);
      await stateChanged(id, started.recordingId, "active");
    });

    test("refuses a second recording of the same call with 400 (8559)", async () => {
      const { id, serverCallId } = await connectedCall();
      await recording().start({ callConnectionId: id });
      const error = await recording().start({ callLocator: { kind: "serverCallLocator", id: serverCallId } }).catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe("8559");
      expect(error.message).toMatch(/already being recorded/);
    });

    test("refuses content, channel and format that do not combine", async () => {
      const { id } = await connectedCall();
      const error = await recording().start({ callConnectionId: id, recordingContent: "audioVideo", recordingChannel: "unmixed", recordingFormat: "wav" }).catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.message).toMatch(/audio\+unmixed\+wav/);
    });

    test("refuses a room locator, which StartRecording does not support", async () => {
      const error = await recording().start({ callLocator: { kind: "roomCallLocator", id: "99434917639286209" } }).catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.message).toMatch(/room locator is not supported/);
    });

    test("answers 404 for a locator that names no live call", async () => {
      const error = await recording().start({ callLocator: { kind: "serverCallLocator", id: "bm9uZQ==" } }).catch((e) => e);
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe("8522");
    });

    test("refuses channelAffinity naming someone not in the call", async () => {
      const { id } = await connectedCall();
      const error = await recording()
        .start({ callConnectionId: id, recordingContent: "audio", recordingChannel: "unmixed", channelAffinity: [{ channel: 0, targetParticipant: { phoneNumber: "+19995550000" } }] })
        .catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.message).toMatch(/not in the call/);
    });

    test("sends StartRecordingFailed when the service cannot record (asynchronous fault)", async () => {
      const { id } = await connectedCall();
      await h.control("POST", "/emulator/faults", { action: "startRecording", async: true, status: 500, subCode: 8608, message: "Recording participant client error." });
      const started = await recording().start({ callConnectionId: id });
      const failed = await h.waitForEvent("StartRecordingFailed", id);
      expect(failed.recordingId).toBe(started.recordingId);
      expect(failed.resultInformation).toMatchObject({ code: 500, subCode: 8608 });
      expect((await recording().getState(started.recordingId).catch((e) => e)).statusCode).toBe(404);
    });
  });

  describe("pause, resume, stop", () => {
    test("pauses and resumes with RecordingStateChanged inactive then active", async () => {
      const { id } = await connectedCall();
      const { recordingId } = await recording().start({ callConnectionId: id });
      await stateChanged(id, recordingId, "active");
      await recording().pause(recordingId);
      await stateChanged(id, recordingId, "inactive");
      expect((await recording().getState(recordingId)).recordingState).toBe("inactive");
      await recording().resume(recordingId);
      const types = () => h.eventTypes(id).filter((t) => t === "RecordingStateChanged").length;
      await h.receiver.waitFor(() => types() === 3, "third RecordingStateChanged");
      expect((await recording().getState(recordingId)).recordingState).toBe("active");
    });

    test("refuses to pause a paused recording or resume an active one with 400 (8573)", async () => {
      const { id } = await connectedCall();
      const { recordingId } = await recording().start({ callConnectionId: id });
      const resumed = await recording().resume(recordingId).catch((e) => e);
      expect(resumed.statusCode).toBe(400);
      expect(resumed.code).toBe("8573");
      await recording().pause(recordingId);
      const paused = await recording().pause(recordingId).catch((e) => e);
      expect(paused.statusCode).toBe(400);
      expect(paused.message).toMatch(/already paused/);
    });

    test("stops with RecordingStateChanged inactive; the recording is then gone (404)", async () => {
      const { id } = await connectedCall();
      const { recordingId } = await recording().start({ callConnectionId: id });
      await stateChanged(id, recordingId, "active");
      await recording().stop(recordingId);
      await stateChanged(id, recordingId, "inactive");
      const error = await recording().getState(recordingId).catch((e) => e);
      expect(error.statusCode).toBe(404);
      expect(error.message).toMatch(/has stopped/);
    });

    test("answers 404 in the service's error shape for an unknown recordingId", async () => {
      for (const call of [() => recording().getState("bm9wZQ=="), () => recording().pause("bm9wZQ=="), () => recording().resume("bm9wZQ=="), () => recording().stop("bm9wZQ==")]) {
        const error = await call().catch((e) => e);
        expect(error.statusCode).toBe(404);
        expect(error.code).toBe("8522");
        expect(error.message).toMatch(/Recording bm9wZQ== was not found/);
      }
    });

    test("stops the recording when the call ends, before CallDisconnected", async () => {
      const { id, connection } = await connectedCall();
      const { recordingId } = await recording().start({ callConnectionId: id });
      await stateChanged(id, recordingId, "active");
      await connection.hangUp(true);
      await h.waitForEvent("CallDisconnected", id);
      const types = h.eventTypes(id);
      expect(types.lastIndexOf("RecordingStateChanged")).toBe(types.indexOf("CallDisconnected") - 1);
      expect((await recording().getState(recordingId).catch((e) => e)).statusCode).toBe(404);
    });
  });
});
