import { describe, expect, test } from "vitest";
import { callTo, subscribeEventGrid } from "../support/calls.js";
import { TRANSPORTS, useHarness } from "../support/harness.js";
import { collect, storageRequest } from "../support/recordingStorage.js";
import { peakLevel, readWav, toneFrequency } from "../support/wavReader.js";

// Issue 16: recordings were driven one call at a time and their files read only as far as the
// header's first fields. Here: which recording is a call's live one (a second after a stop,
// two calls at once, a reset), the errors' texts and targets, what follows the app's
// CallDisconnected, and the files as a WAV reader and a metadata reader see them.

/** The service ends a Call Automation error's message with its status and subcode. */
const notFound = (message: string) => `${message} DiagCode: 404#8522.@`;
const user = (n: number) => `8:acs:16161616-1616-1616-1616-161616161616_0000000${n}-0000-0000-0000-000000000000`;

describe.each(TRANSPORTS)("recordings over %s", (transport) => {
  const h = useHarness({ transport }, (h) => subscribeEventGrid(h, "/eventgrid", ["Microsoft.Communication.RecordingFileStatusUpdated"]));

  const recording = () => h.client.getCallRecording();
  /** Moves virtual time on (in-process transports); the server's real clock moves by itself. */
  const elapse = (ms: number) => (h.emulator.clock ? h.emulator.advance(ms) : undefined);
  // The SDK downloads only from *.asm.skype.com over https, which the plain-http server
  // transport is not (its downloads: test/http/recordingDownload.https.test.ts).
  const download = test.skipIf(transport === "server");

  const connectedCall = (target: string) => callTo(h, target);
  const stateChanged = (id: string, recordingId: string, state: string) =>
    h.waitForEvent("RecordingStateChanged", id, (d) => d.recordingId === recordingId && d.state === state);
  const fileEvent = (recordingId: string) =>
    h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.RecordingFileStatusUpdated" && e.subject.endsWith(`/recordingId/${recordingId}`), "RecordingFileStatusUpdated");
  const recordingsOf = async (serverCallId: string) =>
    ((await h.control("GET", "/emulator/calls")).body as any[]).find((c) => c.serverCallId === serverCallId).recordings.map((r: { recordingId: string }) => r.recordingId);

  describe("which recording is a call's", () => {
    test("a call whose recording stopped records again, and its end stops the new recording", async () => {
      const { id, serverCallId, connection } = await connectedCall(user(1));
      const first = await recording().start({ callConnectionId: id });
      await stateChanged(id, first.recordingId, "active");
      await recording().stop(first.recordingId);
      const second = await recording().start({ callConnectionId: id });
      expect(second.recordingId).not.toBe(first.recordingId);
      await stateChanged(id, second.recordingId, "active");
      expect((await recording().getState(second.recordingId)).recordingState).toBe("active");
      expect(await recordingsOf(serverCallId)).toEqual([first.recordingId, second.recordingId]);
      await connection.hangUp(true);
      expect((await fileEvent(second.recordingId)).data.sessionEndReason).toBe("CallEnded");
      expect((await fileEvent(first.recordingId)).data.sessionEndReason).toBe("RecordingStopped");
    });

    test("two calls record at once, each lists only its own recording, and ending one stops only its own", async () => {
      const a = await connectedCall(user(1));
      const b = await connectedCall(user(2));
      const onA = await recording().start({ callConnectionId: a.id });
      const onB = await recording().start({ callConnectionId: b.id });
      await stateChanged(a.id, onA.recordingId, "active");
      await stateChanged(b.id, onB.recordingId, "active");
      expect(await recordingsOf(a.serverCallId)).toEqual([onA.recordingId]);
      expect(await recordingsOf(b.serverCallId)).toEqual([onB.recordingId]);
      await b.connection.hangUp(true);
      expect((await fileEvent(onB.recordingId)).data.sessionEndReason).toBe("CallEnded");
      expect((await recording().getState(onA.recordingId)).recordingState).toBe("active");
      const stopped = await recording().getState(onB.recordingId).catch((e) => e);
      expect(stopped.statusCode).toBe(404);
    });

    test("a reset forgets every recording: one from before it is unknown, not merely stopped", async () => {
      const { id } = await connectedCall(user(1));
      const { recordingId } = await recording().start({ callConnectionId: id });
      await stateChanged(id, recordingId, "active");
      await h.reset();
      const error = await recording().getState(recordingId).catch((e) => e);
      expect(error.statusCode).toBe(404);
      expect(error.message).toBe(notFound(`Recording ${recordingId} was not found. Use the recordingId returned by StartRecording.`));
    });
  });

  test("an unknown or stopped recording is a 404 that says what to do and names recordingId", async () => {
    const unknown = await recording().getState("bm9wZQ==").catch((e) => e);
    expect(unknown.details.error).toMatchObject({ message: notFound("Recording bm9wZQ== was not found. Use the recordingId returned by StartRecording."), target: "recordingId" });
    const { id } = await connectedCall(user(1));
    const { recordingId } = await recording().start({ callConnectionId: id });
    await recording().stop(recordingId);
    const stopped = await recording().pause(recordingId).catch((e) => e);
    expect(stopped.statusCode).toBe(404);
    expect(stopped.details.error).toMatchObject({
      message: notFound(`Recording ${recordingId} has stopped. Start a new recording; its files are announced by RecordingFileStatusUpdated.`),
      target: "recordingId",
    });
  });

  describe("events after the app's CallDisconnected", () => {
    /** A group call the app leaves while alice and bob stay, recorded from the app's connection. */
    async function recordedCallTheAppLeaves(options: { recordingStateCallbackEndpointUrl?: string } = {}) {
      const created = await h.client.createGroupCall([{ communicationUserId: user(1) }, { communicationUserId: user(2) }], h.callbackUri);
      const id = created.callConnectionProperties.callConnectionId!;
      await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.length === 3);
      const { recordingId } = await recording().start({ callConnectionId: id, ...options });
      await h.receiver.waitFor((e) => e.type === "Microsoft.Communication.RecordingStateChanged" && e.data.state === "active", "RecordingStateChanged active");
      await created.callConnection.hangUp(false);
      await h.waitForEvent("CallDisconnected", id);
      const [call] = (await h.control("GET", "/emulator/calls")).body;
      expect(call.ended).toBe(false);
      await recording().stop(recordingId);
      expect((await fileEvent(recordingId)).data.sessionEndReason).toBe("RecordingStopped");
      return { id, recordingId };
    }

    test("a recording that goes on after the app left sends nothing to the app's callback once its CallDisconnected came", async () => {
      const { id } = await recordedCallTheAppLeaves();
      await h.drain();
      const types = h.eventTypes(id);
      expect(types.filter((t) => t === "RecordingStateChanged")).toHaveLength(1);
      expect(types[types.length - 1]).toBe("CallDisconnected");
    });

    test("a recording with its own recordingStateCallbackUri still reports its stop there", async () => {
      const { recordingId } = await recordedCallTheAppLeaves({ recordingStateCallbackEndpointUrl: h.receiver.url("/recording") });
      const inactive = await h.receiver.waitFor((e) => e.type === "Microsoft.Communication.RecordingStateChanged" && e.data.recordingId === recordingId && e.data.state === "inactive", "RecordingStateChanged inactive");
      expect(h.receiver.events("/recording")).toContain(inactive);
    });
  });

  describe("files", () => {
    async function stoppedRecording(start: () => Promise<{ recordingId: string }>, durationMs: number) {
      const { recordingId } = await start();
      await h.receiver.waitFor((e) => e.type === "Microsoft.Communication.RecordingStateChanged" && e.data.recordingId === recordingId && e.data.state === "active", "RecordingStateChanged active");
      elapse(durationMs);
      await recording().stop(recordingId);
      const event = await fileEvent(recordingId);
      const [chunk] = event.data.recordingStorageInfo.recordingChunks;
      const metadata = JSON.parse((await collect(await recording().downloadStreaming(chunk.metadataLocation))).toString("utf8"));
      const audio = await collect(await recording().downloadStreaming(chunk.contentLocation));
      return { event, chunk, metadata, audio };
    }

    /** Checks the WAV as a reader would and returns it, every channel a tone at about a tenth of full scale. */
    function checkedWav(audio: Buffer, durationMs: number, channels: number) {
      const wav = readWav(audio);
      expect(wav).toMatchObject({ riffSize: audio.length - 8, fmtSize: 16, audioFormat: 1, channels, sampleRate: 16000, bitsPerSample: 16, blockAlign: channels * 2 });
      expect(wav.byteRate).toBe(wav.sampleRate * wav.blockAlign);
      expect(wav.dataSize).toBe((durationMs / 1000) * wav.sampleRate * wav.blockAlign);
      for (const [channel, samples] of wav.samples.entries()) {
        expect(samples).toHaveLength((durationMs / 1000) * wav.sampleRate);
        expect(peakLevel(samples), `channel ${channel}`).toBeGreaterThan(0.09);
        expect(peakLevel(samples), `channel ${channel}`).toBeLessThan(0.11);
      }
      return wav;
    }

    /**
     * Channel n carries a tone of 440·(n+1) Hz (wav.ts), so a listener tells the channels apart;
     * checked by counting zero crossings.
     */
    function expectChannelTones(wav: ReturnType<typeof readWav>) {
      const tones = wav.samples.map((samples) => toneFrequency(samples, wav.sampleRate));
      tones.forEach((tone, channel) => expect(Math.abs(tone - 440 * (channel + 1)), `channel ${channel}: ${tone} Hz`).toBeLessThan(10));
    }

    download("an audio-and-video recording is stored at a video location, with a video configuration, and plays as one tone", async () => {
      const { id } = await connectedCall(user(1));
      const { event, chunk, metadata, audio } = await stoppedRecording(() => recording().start({ callConnectionId: id }), 1000);
      expect(event.data.recordingContentType).toBe("AudioVideo");
      expect(chunk.contentLocation).toBe(`https://callsim.asm.skype.com/v1/objects/${chunk.documentId}/content/video`);
      expect(metadata.recordingInfo).toMatchObject({ contentType: "audioVideo", channelType: "mixed", format: "mp4" });
      const video = metadata.recordingInfo.videoConfiguration;
      expect(video.longerSideLength).toBeGreaterThan(video.shorterSideLength);
      expect(video.shorterSideLength).toBeGreaterThan(0);
      expect(video.framerate).toBeGreaterThan(0);
      expect(video.bitRate).toBeGreaterThan(0);
      expect(metadata.recordingInfo.audioConfiguration).toEqual({ sampleRate: 16000, channels: 1, bitRate: 16000 * 16 });
      expectChannelTones(checkedWav(audio, 1000, 1));
    });

    download("a mixed audio recording has no video configuration, one channel, and participants without channels", async () => {
      const { id } = await connectedCall(user(1));
      const { chunk, metadata, audio } = await stoppedRecording(() => recording().start({ callConnectionId: id, recordingContent: "audio", recordingChannel: "mixed", recordingFormat: "wav" }), 1500);
      expect(chunk.contentLocation).toBe(`https://callsim.asm.skype.com/v1/objects/${chunk.documentId}/content/audio`);
      expect(Object.keys(metadata.recordingInfo)).not.toContain("videoConfiguration");
      expect(metadata.recordingInfo.audioConfiguration).toEqual({ sampleRate: 16000, channels: 1, bitRate: 16000 * 16 });
      expect(metadata.participants.length).toBeGreaterThanOrEqual(2);
      for (const participant of metadata.participants) expect(Object.keys(participant)).toEqual(["participantId"]);
      expect(metadata.participants.map((p: { participantId: string }) => p.participantId)).toContain(user(1));
      expectChannelTones(checkedWav(audio, 1500, 1));
      const stored = await storageRequest(h, "GET", chunk.metadataLocation);
      expect(stored.headers["content-type"]).toBe("application/json");
      expect((await storageRequest(h, "GET", chunk.contentLocation)).headers["content-type"]).toBe("audio/wav");
    });

    download("an unmixed recording gives each participant a channel of its own tone, and its bit rate counts every channel", async () => {
      const { id, connection } = await connectedCall(user(1));
      await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } });
      await h.waitForEvent("AddParticipantSucceeded", id);
      const { metadata, audio } = await stoppedRecording(() => recording().start({ callConnectionId: id, recordingContent: "audio", recordingChannel: "unmixed", recordingFormat: "wav" }), 1000);
      expect(metadata.participants.map((p: { channel: number }) => p.channel)).toEqual([0, 1, 2]);
      expect(metadata.recordingInfo.audioConfiguration).toEqual({ sampleRate: 16000, channels: 3, bitRate: 16000 * 16 * 3 });
      const wav = checkedWav(audio, 1000, 3);
      expectChannelTones(wav);
    });

    download("an unmixed recording of more participants than channels puts the ones past the fifth on the last channel", async () => {
      const participants = [1, 2, 3, 4, 5, 6].map(user);
      const groupCallId = "3f2504e0-4f89-41d3-9a0c-0305e82c3316";
      expect((await h.control("POST", "/emulator/calls", { participants, groupCallId })).status).toBe(201);
      const start = () =>
        recording().start({
          callLocator: { kind: "groupCallLocator", id: groupCallId },
          recordingStateCallbackEndpointUrl: h.receiver.url("/recording"),
          recordingContent: "audio",
          recordingChannel: "unmixed",
          recordingFormat: "wav",
        });
      const { metadata, audio } = await stoppedRecording(start, 1000);
      expect(metadata.participants).toEqual(participants.map((participantId, i) => ({ participantId, channel: Math.min(i, 4) })));
      expect(metadata.recordingInfo.audioConfiguration).toEqual({ sampleRate: 16000, channels: 5, bitRate: 16000 * 16 * 5 });
      expectChannelTones(checkedWav(audio, 1000, 5));
    });

    download("a file that was never stored, or was deleted, is a 404 that says which and names documentId", async () => {
      const { id } = await connectedCall(user(1));
      const { chunk } = await stoppedRecording(() => recording().start({ callConnectionId: id }), 500);
      const never = await storageRequest(h, "GET", "https://callsim.asm.skype.com/v1/objects/0-cs-d1-0000/content/audio");
      expect(never.status).toBe(404);
      expect(JSON.parse(String(never.body)).error).toMatchObject({
        message: notFound("Recording file 0-cs-d1-0000 was not found. Use a contentLocation or metadataLocation from a RecordingFileStatusUpdated event."),
        target: "documentId",
      });
      await recording().delete(chunk.deleteLocation);
      const deleted = await storageRequest(h, "GET", chunk.contentLocation);
      expect(deleted.status).toBe(404);
      expect(JSON.parse(String(deleted.body)).error).toMatchObject({ message: notFound(`Recording file ${chunk.documentId} was deleted.`), target: "documentId" });
    });
  });
});
