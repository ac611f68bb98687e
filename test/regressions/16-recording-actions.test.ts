import type { CallConnection } from "@azure/communication-call-automation";
import { beforeEach, describe, expect, test } from "vitest";
import { subscribeEventGrid } from "../support/calls.js";
import { signedRequest } from "../support/directoryClients.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";
import { collect } from "../support/recordingStorage.js";

// Issue 16: StartRecording's refusals were checked by a word of their message, the order of a
// recording's state changes only when each step waited for the one before, and the ids only
// for being strings. Here: each refusal whole (status, code, message, target), a stop or pause
// that lands before the recording began, and the ids' recorded shapes.

const user = (n: number) => `8:acs:16161616-1616-1616-1616-161616161616_0000000${n}-0000-0000-0000-000000000000`;
/** The service ends a Call Automation error's message with its status and subcode. */
const diag = (message: string, status: number, subCode: number) => `${message} DiagCode: ${status}#${subCode}.@`;

describe.each(TRANSPORTS)("recording actions over %s", (transport) => {
  const h = useHarness({ transport });

  const recording = () => h.client.getCallRecording();
  const startRaw = (body: unknown) => signedRequest(h, "POST", "/calling/recordings?api-version=2025-06-15", body);
  /**
   * On the virtual clock nothing scheduled runs between two requests, so a second request lands
   * "at once"; and time moves only when told. The server's real clock gives neither.
   */
  const inProcess = test.skipIf(transport === "server");

  async function connectedCall(...targets: string[]): Promise<{ id: string; serverCallId: string; connection: CallConnection }> {
    const all = targets.length ? targets : [user(1)];
    const result = await h.client.createGroupCall(all.map((communicationUserId) => ({ communicationUserId })), h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.length === all.length + 1);
    return { id, serverCallId: result.callConnectionProperties.serverCallId!, connection: result.callConnection };
  }
  /** The recording's RecordingStateChanged states at the app's callback, in arrival order. */
  const states = (recordingId: string) =>
    h.receiver.events().filter((e) => e.type === "Microsoft.Communication.RecordingStateChanged" && e.data.recordingId === recordingId).map((e) => e.data.state);

  describe("refusals", () => {
    test("content, channel and format that do not combine are refused whole, naming recordingFormatType and the combinations", async () => {
      const { id } = await connectedCall();
      const list = "audioVideo+mixed+mp4, audio+mixed+mp3, audio+mixed+wav, audio+unmixed+wav";
      for (const [content, channel, format] of [
        ["audio", "unmixed", "mp3"],
        ["audioVideo", "mixed", "wav"],
        ["audio", "mixed", "mp4"],
      ] as const) {
        const error = await recording().start({ callConnectionId: id, recordingContent: content, recordingChannel: channel, recordingFormat: format }).catch((e) => e);
        expect(error.statusCode, `${content} ${channel} ${format}`).toBe(400);
        expect(error.details.error).toMatchObject({
          message: expect.stringContaining(`Recording ${content} ${channel} as ${format} is not supported. Use one of: ${list}.`),
          target: "recordingFormatType",
        });
      }
      expect(await h.control("GET", "/emulator/calls").then((r) => r.body[0].recordings)).toEqual([]);
    });

    test("every documented combination starts", async () => {
      for (const [content, channel, format] of [
        ["audioVideo", "mixed", "mp4"],
        ["audio", "mixed", "mp3"],
        ["audio", "mixed", "wav"],
        ["audio", "unmixed", "wav"],
      ] as const) {
        const { id } = await connectedCall();
        const started = await recording().start({ callConnectionId: id, recordingContent: content, recordingChannel: channel, recordingFormat: format });
        expect(started.recordingState).toBe("inactive");
        await h.waitForEvent("RecordingStateChanged", id, (d) => d.recordingId === started.recordingId && d.state === "active");
      }
    });

    test("a recordingStateCallbackUri that is no URL is refused and names the field", async () => {
      const { id } = await connectedCall();
      const error = await recording().start({ callConnectionId: id, recordingStateCallbackEndpointUrl: "not a url" }).catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.details.error.target).toBe("recordingStateCallbackUri");
      const raw = await startRaw({ callConnectionId: id, recordingStateCallbackUri: 7 });
      expect(raw.status).toBe(400);
      expect(raw.body.error.target).toBe("recordingStateCallbackUri");
    });

    test("a call given both by locator and by callConnectionId is refused", async () => {
      const { id, serverCallId } = await connectedCall();
      const both = await startRaw({ callLocator: { kind: "serverCallLocator", serverCallId }, callConnectionId: id });
      expect(both.status).toBe(400);
      expect(both.body.error).toMatchObject({ message: expect.stringContaining("Give either callLocator or callConnectionId, not both."), target: "callConnectionId" });
      const none = await startRaw({});
      expect(none.status).toBe(400);
      expect(none.body.error).toMatchObject({ message: expect.stringContaining("callLocator or callConnectionId is required: say which call to record."), target: "callLocator" });
      const notString = await startRaw({ callConnectionId: 5 });
      expect(notString.status).toBe(400);
      expect(notString.body.error.target).toBe("callConnectionId");
    });

    test("a locator missing its id is refused naming the missing field; one without kind is a server call's, or a room's if it has roomId", async () => {
      const { id, serverCallId } = await connectedCall();
      const group = await startRaw({ callLocator: { kind: "groupCallLocator" } });
      expect(group.status).toBe(400);
      expect(group.body.error).toMatchObject({ message: expect.stringContaining("callLocator.groupCallId is required for a groupCallLocator."), target: "callLocator.groupCallId" });
      const server = await startRaw({ callLocator: { kind: "serverCallLocator" } });
      expect(server.status).toBe(400);
      expect(server.body.error).toMatchObject({ message: expect.stringContaining("callLocator.serverCallId is required for a serverCallLocator."), target: "callLocator.serverCallId" });
      const room = await startRaw({ callLocator: { roomId: "99434917639286209" } });
      expect(room.status).toBe(400);
      expect(room.body.error).toMatchObject({
        message: expect.stringContaining("A room locator is not supported for StartRecording. Use the call's serverCallId or a callConnectionId."),
        target: "callLocator.roomId",
      });
      const kindless = await startRaw({ callLocator: { serverCallId } });
      expect(kindless.status).toBe(202);
      await h.waitForEvent("RecordingStateChanged", id, (d) => d.recordingId === kindless.body.recordingId && d.state === "active");
    });

    test("an SDK room locator is refused naming callLocator.roomId", async () => {
      const error = await recording().start({ callLocator: { kind: "roomCallLocator", id: "99434917639286209" } }).catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.details.error).toMatchObject({
        message: expect.stringContaining("A room locator is not supported for StartRecording. Use the call's serverCallId or a callConnectionId."),
        target: "callLocator.roomId",
      });
    });

    test("a call recorded by locator while the app's leg still rings reports to no leg of the app", async () => {
      await h.control("PUT", `/emulator/parties/${encodeURIComponent(user(1))}`, { behavior: "answer", delayMs: 60_000 });
      const placed = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri);
      const { serverCallId } = placed.callConnectionProperties;
      const started = await recording().start({ callLocator: { kind: "serverCallLocator", id: serverCallId! }, recordingStateCallbackEndpointUrl: h.receiver.url("/recording") });
      const event = await h.receiver.waitFor((e) => e.type === "Microsoft.Communication.RecordingStateChanged" && e.data.recordingId === started.recordingId, "RecordingStateChanged");
      expect(event.data).toMatchObject({ state: "active", callConnectionId: "" });
    });

    test("a call that has ended is not recorded: 404 naming callLocator", async () => {
      const { serverCallId, connection } = await connectedCall();
      await connection.hangUp(true);
      await h.drain();
      const error = await recording().start({ callLocator: { kind: "serverCallLocator", id: serverCallId } }).catch((e) => e);
      expect(error.statusCode).toBe(404);
      expect(error.details.error).toMatchObject({
        message: diag("No live call matches callLocator. Record a call that is in progress (GET /emulator/calls lists them).", 404, 8522),
        target: "callLocator",
      });
    });

    test("channelAffinity refuses one channel given twice and a participant not in the call, naming the entry", async () => {
      const { id } = await connectedCall(user(1), user(2));
      const twice = await recording()
        .start({
          callConnectionId: id,
          recordingContent: "audio",
          recordingChannel: "unmixed",
          channelAffinity: [
            { channel: 1, targetParticipant: { communicationUserId: user(1) } },
            { channel: 1, targetParticipant: { communicationUserId: user(2) } },
          ],
        })
        .catch((e) => e);
      expect(twice.statusCode).toBe(400);
      expect(twice.details.error).toMatchObject({
        message: expect.stringContaining("Channel 1 is given to two participants; give each participant its own channel (0 to 4)."),
        target: "channelAffinity[1].channel",
      });
      const stranger = await recording()
        .start({ callConnectionId: id, recordingContent: "audio", recordingChannel: "unmixed", channelAffinity: [{ channel: 0, targetParticipant: { phoneNumber: "+19995550000" } }] })
        .catch((e) => e);
      expect(stranger.details.error).toMatchObject({
        message: expect.stringContaining("Participant 4:+19995550000 is not in the call; channelAffinity may only name the call's participants."),
        target: "channelAffinity[0].participant",
      });
      const badId = await startRaw({ callConnectionId: id, recordingContentType: "audio", recordingChannelType: "unmixed", channelAffinity: [{ channel: 0, participant: { kind: "communicationUser" } }] });
      expect(badId.status).toBe(400);
      expect(badId.body.error.target).toMatch(/^channelAffinity\[0\]\.participant/);
      const badOrdering = await startRaw({ callConnectionId: id, recordingContentType: "audio", recordingChannelType: "unmixed", audioChannelParticipantOrdering: [{ kind: "communicationUser" }] });
      expect(badOrdering.status).toBe(400);
      expect(badOrdering.body.error.target).toMatch(/^audioChannelParticipantOrdering\[0\]/);
    });

    test("resuming a recording that is not paused says so whole", async () => {
      const { id } = await connectedCall();
      const { recordingId } = await recording().start({ callConnectionId: id });
      const error = await recording().resume(recordingId).catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.message).toContain(`Recording ${recordingId} is not paused, so it cannot be resumed. Pause it first.`);
    });
  });

  describe("state changes in order", () => {
    inProcess("a recording stopped before it began confirms its end once and never becomes active", async () => {
      const { id } = await connectedCall();
      const { recordingId } = await recording().start({ callConnectionId: id });
      await recording().stop(recordingId);
      await h.drain();
      expect(states(recordingId)).toEqual(["inactive"]);
      expect(h.eventTypes(id).filter((t) => t.startsWith("Recording") || t.startsWith("StartRecording"))).toEqual(["RecordingStateChanged"]);
    });

    inProcess("a pause followed at once by a stop reports the stop alone", async () => {
      const { id } = await connectedCall();
      const { recordingId } = await recording().start({ callConnectionId: id });
      await h.waitForEvent("RecordingStateChanged", id, (d) => d.recordingId === recordingId && d.state === "active");
      await recording().pause(recordingId);
      await recording().stop(recordingId);
      await h.drain();
      expect(states(recordingId)).toEqual(["active", "inactive"]);
    });

    inProcess("a resume followed at once by a stop reports the stop alone", async () => {
      const { id } = await connectedCall();
      const { recordingId } = await recording().start({ callConnectionId: id, pauseOnStart: true });
      await h.waitForEvent("RecordingStateChanged", id, (d) => d.recordingId === recordingId);
      await recording().resume(recordingId);
      await recording().stop(recordingId);
      await h.drain();
      expect(states(recordingId)).toEqual(["inactive", "inactive"]);
    });
  });

  inProcess("each recording action says what it scheduled in the emulator's pending list", async () => {
    const { id } = await connectedCall();
    const labels = () => h.emulator.pending().map((task) => task.label);
    const { recordingId } = await recording().start({ callConnectionId: id });
    expect(labels()).toContain(`RecordingStateChanged ${recordingId}`);
    await h.settle();
    await recording().pause(recordingId);
    expect(labels()).toContain(`RecordingStateChanged ${recordingId}`);
    await h.settle();
    await recording().resume(recordingId);
    expect(labels()).toContain(`RecordingStateChanged ${recordingId}`);
    await h.settle();
    await recording().stop(recordingId);
    expect(labels()).toContain(`RecordingFileStatusUpdated ${recordingId}`);
    await h.drain();
    expect(states(recordingId)).toEqual(["active", "inactive", "active", "inactive"]);
  });

  describe("what the files say", () => {
    async function fileOf(recordingId: string) {
      await recording().stop(recordingId);
      await h.drain();
      const event = h.receiver.events().find((e) => e.eventType === "Microsoft.Communication.RecordingFileStatusUpdated" && e.subject.endsWith(`/recordingId/${recordingId}`))!;
      const [chunk] = event.data.recordingStorageInfo.recordingChunks;
      const metadata = JSON.parse((await collect(await recording().downloadStreaming(chunk.metadataLocation))).toString("utf8"));
      return { event, chunk, metadata };
    }
    beforeEach(() => subscribeEventGrid(h, "/eventgrid", ["Microsoft.Communication.RecordingFileStatusUpdated"]));

    test("a recordingId is base64 of the service's endpoint and resource ids, different for each recording", async () => {
      const { id } = await connectedCall();
      const first = await recording().start({ callConnectionId: id });
      await recording().stop(first.recordingId);
      const second = await recording().start({ callConnectionId: id });
      for (const { recordingId } of [first, second]) {
        const decoded = JSON.parse(Buffer.from(recordingId, "base64").toString("utf8"));
        expect(Object.keys(decoded)).toEqual(["PlatformEndpointId", "ResourceSpecificId"]);
        expect(decoded.PlatformEndpointId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(decoded.ResourceSpecificId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      }
      expect(second.recordingId).not.toBe(first.recordingId);
    });

    inProcess("a file's documentId has the recorded shape, and a recording started paused keeps only the time after its resume", async () => {
      const { id } = await connectedCall();
      const { recordingId } = await recording().start({ callConnectionId: id, recordingContent: "audio", recordingChannel: "mixed", recordingFormat: "wav", pauseOnStart: true });
      await h.settle();
      h.emulator.advance(2000);
      await recording().resume(recordingId);
      await h.settle();
      h.emulator.advance(1000);
      const { chunk, metadata } = await fileOf(recordingId);
      expect(chunk.documentId).toMatch(/^0-cs-d1-[0-9a-f]{32}$/);
      expect(metadata.pauseResumeIntervals).toEqual([{ startTime: metadata.chunkStartTime, duration: 2000 }]);
      expect(metadata.chunkDuration).toBe(1000);
    });

    inProcess("an unmixed recording gives its channels to channelAffinity, then audioChannelParticipantOrdering, then the rest", async () => {
      const { id } = await connectedCall(user(1), user(2), user(3));
      const { recordingId } = await recording().start({
        callConnectionId: id,
        recordingContent: "audio",
        recordingChannel: "unmixed",
        recordingFormat: "wav",
        channelAffinity: [{ channel: 0, targetParticipant: { communicationUserId: user(2) } }],
        audioChannelParticipantOrdering: [{ communicationUserId: user(3) }],
      });
      await h.settle();
      h.emulator.advance(1000);
      const { metadata } = await fileOf(recordingId);
      expect(metadata.participants.map((p: { participantId: string }) => p.participantId).slice(0, 3)).toEqual([user(2), user(3), expect.any(String)]);
    });
  });
});
