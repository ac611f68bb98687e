/**
 * Rule (assumed): recordings are 16 kHz, 16-bit PCM, the audio configuration real recording
 * metadata reports (`sampleRate: 16000`); callsim cannot know what was said, so each channel
 * carries a quiet steady tone.
 */
export const RECORDING_SAMPLE_RATE = 16_000;
const BITS_PER_SAMPLE = 16;
const TONE_HZ = 440;
const TONE_AMPLITUDE = 0.1 * 0x7fff;
const HEADER_BYTES = 44;

/**
 * A canonical RIFF/WAVE file (PCM, 16 kHz, 16-bit) of `durationMs`: channel `n` holds a tone
 * of 440·(n+1) Hz, so unmixed channels can be told apart.
 */
export function encodeWav(durationMs: number, channels: number): Uint8Array {
  const frames = Math.round((durationMs * RECORDING_SAMPLE_RATE) / 1000);
  const blockAlign = channels * (BITS_PER_SAMPLE / 8);
  const dataBytes = frames * blockAlign;
  const bytes = new Uint8Array(HEADER_BYTES + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => bytes.set(new TextEncoder().encode(text), offset);
  ascii(0, "RIFF");
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true); // fmt chunk size for PCM
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, channels, true);
  view.setUint32(24, RECORDING_SAMPLE_RATE, true);
  view.setUint32(28, RECORDING_SAMPLE_RATE * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, BITS_PER_SAMPLE, true);
  ascii(36, "data");
  view.setUint32(40, dataBytes, true);
  for (let frame = 0; frame < frames; frame++) {
    for (let channel = 0; channel < channels; channel++) {
      const sample = Math.round(TONE_AMPLITUDE * Math.sin((2 * Math.PI * TONE_HZ * (channel + 1) * frame) / RECORDING_SAMPLE_RATE));
      view.setInt16(HEADER_BYTES + frame * blockAlign + channel * 2, sample, true);
    }
  }
  return bytes;
}
