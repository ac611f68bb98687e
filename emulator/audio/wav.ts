import type { AudioProbe } from "../engine/media/audio.js";

/** The WAV format Play accepts: PCM, mono, 16-bit, 16 kHz (ERROR-CODES.md §6). */
export const PLAYABLE_WAV = { channels: 1, sampleRate: 16_000, bitsPerSample: 16 } as const;

/**
 * Reads a WAV header (RIFF, `fmt `, then the `data` chunk's size) from the first bytes of a
 * file: its length, or why Play would refuse it. Only the header is needed, not the samples.
 */
export function probeWav(bytes: Uint8Array): AudioProbe {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") return { failure: "format", reason: "is not a WAV file (no RIFF/WAVE header)" };
  let format: { audioFormat: number; channels: number; sampleRate: number; byteRate: number; bitsPerSample: number } | undefined;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    if (id === "fmt " && at + 24 <= bytes.length) {
      format = {
        audioFormat: view.getUint16(at + 8, true),
        channels: view.getUint16(at + 10, true),
        sampleRate: view.getUint32(at + 12, true),
        byteRate: view.getUint32(at + 16, true),
        bitsPerSample: view.getUint16(at + 22, true),
      };
    }
    if (id === "data") {
      if (!format) return { failure: "format", reason: "has no fmt chunk before its data" };
      const { audioFormat, channels, sampleRate, bitsPerSample, byteRate } = format;
      if (audioFormat !== 1 || channels !== PLAYABLE_WAV.channels || sampleRate !== PLAYABLE_WAV.sampleRate || bitsPerSample !== PLAYABLE_WAV.bitsPerSample) {
        return { failure: "format", reason: `is ${audioFormat === 1 ? "PCM" : `format ${audioFormat}`}, ${channels} channel(s), ${bitsPerSample}-bit, ${sampleRate} Hz` };
      }
      return { durationMs: Math.round((size / byteRate) * 1000) };
    }
    at += 8 + size + (size % 2); // chunks are padded to an even size
  }
  return { failure: "format", reason: "has no data chunk in its first bytes" };
}

/** Builds a silent WAV file of `durationMs` (for tests and examples). */
export function silentWav(durationMs: number, format: { channels?: number; sampleRate?: number; bitsPerSample?: number } = {}): Uint8Array {
  const { channels = 1, sampleRate = 16_000, bitsPerSample = 16 } = format;
  const byteRate = (sampleRate * channels * bitsPerSample) / 8;
  const dataSize = Math.round((byteRate * durationMs) / 1000);
  const bytes = new Uint8Array(44 + dataSize);
  const view = new DataView(bytes.buffer);
  const write = (at: number, text: string) => [...text].forEach((c, i) => (bytes[at + i] = c.charCodeAt(0)));
  write(0, "RIFF");
  view.setUint32(4, 36 + dataSize, true);
  write(8, "WAVE");
  write(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, byteRate, true);
  view.setUint16(32, (channels * bitsPerSample) / 8, true);
  view.setUint16(34, bitsPerSample, true);
  write(36, "data");
  view.setUint32(40, dataSize, true);
  return bytes;
}
