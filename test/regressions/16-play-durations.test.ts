import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { TRANSPORTS } from "../support/harness.js";
import { connectedCall, elapsed, file, text, useMediaHarness } from "../support/media.js";

// Issue 16: play durations were checked against the very constants that set them, so any
// value passed. These expectations come from elsewhere: a WAV file built here byte by byte,
// the documented 1 s default for files, and what a plausible speaking rate is.

/** A mono 16-bit 16 kHz PCM WAV of `ms` milliseconds, written from the RIFF layout itself. */
function handMadeWav(ms: number): Buffer {
  const dataBytes = (16_000 * ms) / 1000 * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write("RIFF", 0, "ascii");
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write("WAVEfmt ", 8, "ascii");
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(16_000, 24); // samples a second
  wav.writeUInt32LE(32_000, 28); // bytes a second
  wav.writeUInt16LE(2, 32); // bytes a frame
  wav.writeUInt16LE(16, 34); // bits a sample
  wav.write("data", 36, "ascii");
  wav.writeUInt32LE(dataBytes, 40);
  return wav;
}

let server: Server;
let base: string;
beforeAll(async () => {
  const wav = handMadeWav(750);
  server = createServer((_req, res) => res.writeHead(200, { "content-type": "audio/wav" }).end(wav));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

// Durations are read on the virtual clock, where event times are exact.
const VIRTUAL = TRANSPORTS.filter((t) => t !== "server");

describe.skipIf(VIRTUAL.length === 0).each(VIRTUAL)("play durations over %s", (transport) => {
  const h = useMediaHarness({ transport });

  async function playTime(source: Parameters<typeof text>[0] | { ssml: string } | { url: string }): Promise<number> {
    const { id, media } = await connectedCall(h);
    const playSource = typeof source === "string" ? text(source) : "ssml" in source ? { kind: "ssmlSource" as const, ssmlText: source.ssml } : file(source.url);
    await media.playToAll([playSource]);
    await h.waitForEvent("PlayCompleted", id);
    return elapsed(h, id, "PlayStarted", "PlayCompleted");
  }

  test("speech lasts in proportion to its text, at a human speaking rate", async () => {
    const short = await playTime("Your call matters");
    await h.reset();
    const long = await playTime("Your call matters".repeat(4));
    expect(long).toBe(4 * short);
    // 17 characters: between 5 and 40 characters a second is any voice's range.
    expect(short).toBeGreaterThanOrEqual((17 / 40) * 1000);
    expect(short).toBeLessThanOrEqual((17 / 5) * 1000);
  });

  test("SSML lasts as long as its spoken text alone", async () => {
    const plain = await playTime("Press one");
    await h.reset();
    const marked = await playTime({ ssml: '<speak version="1.0" xml:lang="en-US"><voice name="en-US-JennyNeural">Press one</voice></speak>' });
    expect(marked).toBe(plain);
  });

  test("a file plays for the documented default of 1 s when callsim does not fetch audio", async () => {
    expect(await playTime({ url: "https://media.example.com/menu.wav" })).toBe(1_000);
  });
});

describe.skipIf(VIRTUAL.length === 0).each(VIRTUAL)("fetched file durations over %s", (transport) => {
  const h = useMediaHarness({ transport, fetchAudio: true });

  test("a fetched WAV file plays for the length its header and data give", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([file(`${base}/hand-made.wav`)]);
    await h.waitForEvent("PlayCompleted", id);
    expect(elapsed(h, id, "PlayStarted", "PlayCompleted")).toBe(750);
  });
});
