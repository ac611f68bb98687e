import type { AudioProbe, AudioSource } from "../engine/media/audio.js";
import { probeWav } from "./wav.js";

/** Rule (assumed): a play file that has not answered in 10 s cannot be downloaded. */
export const AUDIO_FETCH_TIMEOUT_MS = 10_000;
/** Only the header is read: the first 64 KiB hold it for any ordinary WAV file. */
const HEADER_BYTES = 64 * 1024;

/**
 * An AudioSource that fetches a play file's first bytes over HTTP and reads its WAV header:
 * a file that cannot be fetched fails as "file download failed" (8536), one that is not a
 * mono 16-bit 16 kHz WAV as "invalid file format" (8535).
 */
export function createFetchAudioSource(fetchImpl: typeof fetch = fetch): AudioSource {
  return async (uri: string): Promise<AudioProbe> => {
    let response: Response;
    try {
      response = await fetchImpl(uri, { headers: { range: `bytes=0-${HEADER_BYTES - 1}` }, signal: AbortSignal.timeout(AUDIO_FETCH_TIMEOUT_MS) });
    } catch (error) {
      return { failure: "download", reason: (error as Error).message };
    }
    if (!response.ok) {
      await response.body?.cancel();
      return { failure: "download", reason: `HTTP ${response.status}` };
    }
    return probeWav(await firstBytes(response, HEADER_BYTES));
  };
}

async function firstBytes(response: Response, limit: number): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  await reader.cancel().catch(() => undefined);
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes.subarray(0, Math.min(length, limit));
}
