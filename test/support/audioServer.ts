import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import { silentWav } from "../../emulator/audio/wav.js";

/** The loopback file server of {@link useAudioServer}. */
export interface AudioServer {
  /** `http://127.0.0.1:<port>`, once the suite has started. */
  readonly base: string;
  /** Resolves when callsim next asks for /slow.wav. Call it before the action that asks. */
  slowAsked(): Promise<void>;
  /** Answers every /slow.wav request waiting so far (a 300 ms WAV). */
  releaseSlow(): void;
}

/**
 * A loopback file server for the audio an app asks callsim to play, started before the suite's
 * tests and closed after them: each of `files` by its path; /slow.wav answered only when the test
 * releases it (a file still being read); /dropped.wav cut off halfway; anything else 404.
 */
export function useAudioServer(files: Record<string, Uint8Array> = {}): AudioServer {
  let server: Server;
  let base = "";
  const waiting: Array<() => void> = [];
  let onSlowRequest = () => {};
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/slow.wav") {
        waiting.push(() => res.writeHead(200, { "content-type": "audio/wav" }).end(silentWav(300)));
        return void onSlowRequest();
      }
      if (req.url === "/dropped.wav") {
        res.writeHead(200, { "content-type": "audio/wav", "content-length": "4096" });
        return void res.write(silentWav(300).subarray(0, 64), () => res.destroy());
      }
      const body = files[req.url ?? ""];
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "audio/wav" }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    get base() {
      return base;
    },
    slowAsked: () => new Promise<void>((resolve) => (onSlowRequest = resolve)),
    releaseSlow: () => waiting.splice(0).forEach((answer) => answer()),
  };
}
