import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { validateEventGridEvent } from "../../contracts/validator.js";
import { startHarness, TRANSPORTS, type Harness } from "../support/harness.js";
import { collect } from "../support/recordingStorage.js";

/** The parts of a canonical PCM WAV header a player relies on. */
function readWav(bytes: Buffer) {
  return {
    riff: bytes.toString("ascii", 0, 4),
    riffSize: bytes.readUInt32LE(4),
    wave: bytes.toString("ascii", 8, 12),
    fmt: bytes.toString("ascii", 12, 16),
    format: bytes.readUInt16LE(20),
    channels: bytes.readUInt16LE(22),
    sampleRate: bytes.readUInt32LE(24),
    bitsPerSample: bytes.readUInt16LE(34),
    data: bytes.toString("ascii", 36, 40),
    dataSize: bytes.readUInt32LE(40),
  };
}

describe.each(TRANSPORTS)("recording files over %s", (transport) => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await startHarness({ transport });
    dir = await mkdtemp(join(tmpdir(), "callsim-recording-"));
  });
  afterAll(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await h.reset();
    const subscribed = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid"), eventTypes: ["Microsoft.Communication.RecordingFileStatusUpdated"] });
    expect(subscribed.body.state).toBe("active");
  });

  const alice = "8:acs:11111111-1111-1111-1111-111111111111_0000000a-0000-0000-0000-000000000000";
  const bob = "8:acs:11111111-1111-1111-1111-111111111111_0000000b-0000-0000-0000-000000000000";
  const recording = () => h.client.getCallRecording();
  /** Moves virtual time on (in-process transports); the server's real clock moves by itself. */
  const elapse = (ms: number) => (h.emulator.clock ? h.emulator.advance(ms) : undefined);

  async function recordedCall(options: Record<string, unknown> = {}) {
    const created = await h.client.createCall({ targetParticipant: { communicationUserId: alice } }, h.callbackUri);
    const id = created.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("ParticipantsUpdated", id);
    const { recordingId } = await recording().start({ callConnectionId: id, recordingContent: "audio", recordingChannel: "mixed", recordingFormat: "wav", ...options });
    await h.waitForEvent("RecordingStateChanged", id, (d) => d.state === "active" || options.pauseOnStart === true);
    return { id, recordingId, connection: created.callConnection, serverCallId: created.callConnectionProperties.serverCallId! };
  }

  // The SDK downloads only from *.asm.skype.com over https; the plain-http server transport
  // cannot be reached that way, so its downloads are proven through --https and the CONNECT
  // tunnel (test/http/recordingDownload.https.test.ts).
  const download = test.skipIf(transport === "server");

  const fileEvent = (recordingId: string) =>
    h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.RecordingFileStatusUpdated" && e.subject.endsWith(`/recordingId/${recordingId}`), "RecordingFileStatusUpdated");

  test("announces the files through Event Grid when the recording stops", async () => {
    const { recordingId, serverCallId } = await recordedCall();
    elapse(3000);
    await recording().stop(recordingId);
    const event = await fileEvent(recordingId);
    expect(event).toMatchObject({ topic: expect.stringContaining("/communicationServices/"), dataVersion: "1.0", metadataVersion: "1" });
    expect(event.subject).toContain(`/serverCallId/${serverCallId}/`);
    expect(event.data).toMatchObject({ recordingContentType: "Audio", recordingChannelType: "Mixed", recordingFormatType: "Wav", sessionEndReason: "RecordingStopped" });
    const [chunk] = event.data.recordingStorageInfo.recordingChunks;
    expect(chunk).toMatchObject({ index: 0, endReason: "SessionEnded" });
    expect(chunk.contentLocation).toBe(`https://callsim.asm.skype.com/v1/objects/${chunk.documentId}/content/audio`);
    expect(chunk.metadataLocation).toBe(`https://callsim.asm.skype.com/v1/objects/${chunk.documentId}/content/acsmetadata`);
    expect(chunk.deleteLocation).toBe(`https://callsim.asm.skype.com/v1/objects/${chunk.documentId}`);
    if (h.emulator.clock) expect(event.data.recordingDurationMs).toBe(3000);
    expect(validateEventGridEvent(event)).toEqual([]);
    const post = h.receiver.received.find((r) => r.body.includes(event))!;
    expect(post.headers["aeg-event-type"]).toBe("Notification");
  });

  download("downloads a valid WAV as long as the recording, and its metadata", async () => {
    const { recordingId, serverCallId } = await recordedCall();
    elapse(2000);
    await recording().pause(recordingId);
    elapse(500);
    await recording().resume(recordingId);
    elapse(1000);
    await recording().stop(recordingId);
    const event = await fileEvent(recordingId);
    const [chunk] = event.data.recordingStorageInfo.recordingChunks;
    const duration: number = event.data.recordingDurationMs;
    if (h.emulator.clock) expect(duration).toBe(3000);

    const audio = await collect(await recording().downloadStreaming(chunk.contentLocation));
    const wav = readWav(audio);
    expect(wav).toMatchObject({ riff: "RIFF", wave: "WAVE", fmt: "fmt ", format: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16, data: "data" });
    expect(wav.dataSize).toBe(Math.round((duration * 16000) / 1000) * 2);
    expect(audio.length).toBe(44 + wav.dataSize);
    expect(wav.riffSize).toBe(audio.length - 8);

    const metadata = JSON.parse((await collect(await recording().downloadStreaming(chunk.metadataLocation))).toString("utf8"));
    expect(metadata).toMatchObject({
      chunkDocumentId: chunk.documentId,
      chunkIndex: 0,
      chunkDuration: duration,
      recordingInfo: { contentType: "audio", channelType: "mixed", format: "wav", audioConfiguration: { sampleRate: 16000, channels: 1 } },
    });
    expect(metadata.pauseResumeIntervals).toHaveLength(1);
    if (h.emulator.clock) expect(metadata.pauseResumeIntervals[0].duration).toBe(500);
    expect(metadata.participants.map((p: { participantId: string }) => p.participantId)).toContain(alice);
    expect(metadata.callId).toBe((await h.control("GET", "/emulator/calls")).body.find((c: any) => c.serverCallId === serverCallId).correlationId);
  });

  download("downloads to a path and to a stream, and a byte range", async () => {
    const { recordingId } = await recordedCall();
    elapse(1000);
    await recording().stop(recordingId);
    const [chunk] = (await fileEvent(recordingId)).data.recordingStorageInfo.recordingChunks;
    const path = join(dir, `${transport}.wav`);
    await recording().downloadToPath(chunk.contentLocation, path);
    const file = await readFile(path);
    expect(readWav(file).riff).toBe("RIFF");
    const sink = new PassThrough();
    const streamed = collect(sink);
    await recording().downloadToStream(chunk.contentLocation, sink);
    expect((await streamed).equals(file)).toBe(true);
    const head = await collect(await recording().downloadStreaming(chunk.contentLocation, { offset: 8, length: 4 }));
    expect(head.toString("ascii")).toBe("WAVE");
  });

  download("writes one channel per participant for an unmixed recording: pinned channels first, then the lowest free ones", async () => {
    const { id, recordingId, connection } = await recordedCall({ recordingChannel: "unmixed", channelAffinity: [{ channel: 2, targetParticipant: { communicationUserId: alice } }] });
    await connection.addParticipant({ targetParticipant: { communicationUserId: bob } });
    await h.waitForEvent("AddParticipantSucceeded", id);
    elapse(500);
    await recording().stop(recordingId);
    const [chunk] = (await fileEvent(recordingId)).data.recordingStorageInfo.recordingChunks;
    const metadata = JSON.parse((await collect(await recording().downloadStreaming(chunk.metadataLocation))).toString("utf8"));
    expect(metadata.participants[0]).toEqual({ participantId: alice, channel: 2 });
    expect(metadata.participants.map((p: { channel: number }) => p.channel)).toEqual([2, 0, 1]);
    expect(metadata.participants[2].participantId).toBe(bob);
    expect(metadata.recordingInfo.audioConfiguration.channels).toBe(3);
    const wav = readWav(await collect(await recording().downloadStreaming(chunk.contentLocation)));
    expect(wav.channels).toBe(3);
  });

  download("deletes the files; a later download is a 404", async () => {
    const { recordingId } = await recordedCall();
    await recording().stop(recordingId);
    const [chunk] = (await fileEvent(recordingId)).data.recordingStorageInfo.recordingChunks;
    await recording().delete(chunk.deleteLocation);
    const error = await recording().downloadStreaming(chunk.contentLocation).catch((e) => e);
    expect(error).toMatchObject({ status: 404, message: expect.stringMatching(/was deleted/) });
    const again = await recording().delete(chunk.deleteLocation).catch((e) => e);
    expect(again.status).toBe(404);
  });

  test("announces the files of a recording its call's end stopped", async () => {
    const { recordingId, connection } = await recordedCall();
    elapse(1500);
    await connection.hangUp(true);
    const event = await fileEvent(recordingId);
    expect(event.data.sessionEndReason).toBe("CallEnded");
    if (h.emulator.clock) expect(event.data.recordingDurationMs).toBe(1500);
  });

  test("refuses a download that is not signed with the access key (401)", async () => {
    const { recordingId } = await recordedCall();
    await recording().stop(recordingId);
    const [chunk] = (await fileEvent(recordingId)).data.recordingStorageInfo.recordingChunks;
    const path = new URL(chunk.contentLocation).pathname;
    const response = await h.emulator.handle({ method: "GET", url: path, headers: { host: "callsim.asm.skype.com" }, rawBody: "", protocol: "https" });
    expect(response.status).toBe(401);
    expect(JSON.parse(String(response.body)).error.code).toBe("Denied");
  });
});
