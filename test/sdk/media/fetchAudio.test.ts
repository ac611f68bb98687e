import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { silentWav } from "../../../emulator/audio/wav.js";
import { startHarness, TRANSPORTS, type Harness } from "../../support/harness.js";
import { caller, connectedCall, elapsed, expectEventsMatchSpec, file } from "../../support/media.js";

/** A file server on loopback: the audio the app asks callsim to play. */
const files: Record<string, Uint8Array> = {
  "/menu.wav": silentWav(300),
  "/stereo.wav": silentWav(300, { channels: 2, sampleRate: 44_100 }),
  "/notes.txt": new TextEncoder().encode("not audio"),
};
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const body = files[req.url ?? ""];
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "audio/wav" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe.each(TRANSPORTS)("CallMedia with fetchAudio over %s", (transport) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ transport, fetchAudio: true });
  });
  afterAll(() => h.close());
  afterEach(() => expectEventsMatchSpec(h));
  beforeEach(() => h.reset());

  test("plays a WAV file for its length", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([file(`${base}/menu.wav`)]);
    await h.waitForEvent("PlayCompleted", id);
    const took = elapsed(h, id, "PlayStarted", "PlayCompleted");
    if (transport === "server") expect(took).toBeGreaterThanOrEqual(295);
    else expect(took).toBe(300);
  });

  test("fails a file that cannot be downloaded with PlayFailed 400/8536", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([file(`${base}/missing.wav`)]);
    const failed = await h.waitForEvent("PlayFailed", id);
    expect(failed).toMatchObject({ failedPlaySourceIndex: 0, resultInformation: { code: 400, subCode: 8536 } });
    expect(failed.resultInformation?.message).toMatch(/HTTP 404/);
  });

  test("fails a WAV that is not mono 16-bit 16 kHz, and a file that is not WAV, with 400/8535", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([file(`${base}/stereo.wav`)], { operationContext: "stereo" });
    const stereo = await h.waitForEvent("PlayFailed", id, (d) => d.operationContext === "stereo");
    expect(stereo.resultInformation?.message).toMatch(/2 channel\(s\), 16-bit, 44100 Hz/);
    await media.playToAll([file(`${base}/notes.txt`)], { operationContext: "text" });
    expect((await h.waitForEvent("PlayFailed", id, (d) => d.operationContext === "text")).resultInformation).toMatchObject({ code: 400, subCode: 8535 });
  });

  test("fails a recognize prompt that cannot be downloaded with RecognizeFailed 400/8536", async () => {
    const { id, media } = await connectedCall(h, [{ dtmf: "1" }]);
    await media.startRecognizing(caller, { kind: "callMediaRecognizeDtmfOptions", playPrompt: file(`${base}/missing.wav`) });
    expect((await h.waitForEvent("RecognizeFailed", id)).resultInformation).toMatchObject({ code: 400, subCode: 8536 });
  });

  test("sends HoldFailed for hold music that cannot be downloaded", async () => {
    const { id, media } = await connectedCall(h);
    await media.hold(caller, { playSource: file(`${base}/missing.wav`) });
    expect((await h.waitForEvent("HoldFailed", id)).resultInformation).toMatchObject({ subCode: 8536 });
  });
});
