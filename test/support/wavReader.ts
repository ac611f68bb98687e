/** A PCM WAV file as a reader that walks its RIFF chunks sees it. */
export interface WavFile {
  /** The RIFF size field: the file's length less 8. */
  riffSize: number;
  fmtSize: number;
  /** 1 for PCM. */
  audioFormat: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bitsPerSample: number;
  dataSize: number;
  /** The 16-bit samples of each channel, de-interleaved. */
  samples: Int16Array[];
}

/**
 * Reads a WAV the way a player does: checks RIFF/WAVE, then walks the chunks (each an id, a
 * little-endian size and a body padded to an even length) to "fmt " and "data", wherever they
 * are, and de-interleaves 16-bit PCM by the block align the header gives.
 */
export function readWav(bytes: Buffer): WavFile {
  if (bytes.toString("ascii", 0, 4) !== "RIFF" || bytes.toString("ascii", 8, 12) !== "WAVE") throw new Error("not a RIFF/WAVE file");
  const chunks = new Map<string, { size: number; body: Buffer }>();
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = bytes.toString("ascii", at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (at + 8 + size > bytes.length) throw new Error(`chunk "${id}" of ${size} bytes runs past the end of the file (${bytes.length} bytes)`);
    chunks.set(id, { size, body: bytes.subarray(at + 8, at + 8 + size) });
    at += 8 + size + (size % 2);
  }
  const fmt = chunks.get("fmt ");
  const data = chunks.get("data");
  if (!fmt || !data) throw new Error(`missing chunk: found ${[...chunks.keys()].join(", ")}`);
  const channels = fmt.body.readUInt16LE(2);
  const blockAlign = fmt.body.readUInt16LE(12);
  const frames = Math.floor(data.size / blockAlign);
  const samples = Array.from({ length: channels }, (_, channel) => Int16Array.from({ length: frames }, (_, frame) => data.body.readInt16LE(frame * blockAlign + channel * 2)));
  return {
    riffSize: bytes.readUInt32LE(4),
    fmtSize: fmt.size,
    audioFormat: fmt.body.readUInt16LE(0),
    channels,
    sampleRate: fmt.body.readUInt32LE(4),
    byteRate: fmt.body.readUInt32LE(8),
    blockAlign,
    bitsPerSample: fmt.body.readUInt16LE(14),
    dataSize: data.size,
    samples,
  };
}

/** Peak level of a channel as a fraction of 16-bit full scale. */
export function peakLevel(samples: Int16Array): number {
  let peak = 0;
  for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
  return peak / 0x7fff;
}

/** The frequency of a steady tone, in Hz: upward zero crossings per second. */
export function toneFrequency(samples: Int16Array, sampleRate: number): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1] < 0 && samples[i] >= 0) crossings++;
  return crossings / (samples.length / sampleRate);
}
