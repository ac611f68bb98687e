import { resultInformation, withNote, type ResultInformation } from "../events.js";
import { INVALID_FILE_FORMAT } from "./mediaResults.js";
import { playDurationMs, unplayableSource, type PlaySource } from "./playSources.js";

/** What reading a play file's audio found: its length, or why the service could not play it. */
export type AudioProbe = { durationMs: number } | { failure: "download" | "format"; reason: string };

/**
 * Reads the audio of a file play source. The engine does no I/O itself: the emulator hands it
 * one (fetching the file over HTTP) when fetching is enabled.
 */
export type AudioSource = (uri: string) => Promise<AudioProbe>;

/** The sources' total length, or the first one that cannot be played and why. */
export type SourcesOutcome = { durationMs: number } | { index: number; result: ResultInformation };

/**
 * PlayFailed / RecognizeFailed / HoldFailed for a file that could not be downloaded (8536,
 * the troubleshooting page's message); why goes to the event log's note.
 */
export const FILE_DOWNLOAD_FAILED = (uri: string, reason: string) =>
  withNote(resultInformation(400, 8536, "Action failed, file could not be downloaded.", false), `${uri} could not be downloaded (${reason}); the URL must be reachable by the service.`);

/**
 * Works out how long `sources` play, reading file lengths through `audio` when one is given
 * (else the documented rule, FILE_PLAY_MS), and calls `done` with it: at once when nothing
 * has to be fetched, else once the files were read.
 */
export function prepareSources(sources: PlaySource[], audio: AudioSource | undefined, done: (outcome: SourcesOutcome) => void): void {
  const unplayable = unplayableSource(sources);
  if (unplayable) return done(unplayable);
  const files = sources.flatMap((source, index) => (source.kind === "file" ? [{ uri: source.uri, index }] : []));
  if (!audio || files.length === 0) return done({ durationMs: total(sources) });
  const probes = files.map(({ uri }) => audio(uri).catch((error: unknown): AudioProbe => ({ failure: "download", reason: error instanceof Error ? error.message : String(error) })));
  void Promise.all(probes).then((results) => {
    const lengths = new Map<number, number>();
    for (const [i, probe] of results.entries()) {
      const { uri, index } = files[i];
      if ("failure" in probe) {
        const result = probe.failure === "download" ? FILE_DOWNLOAD_FAILED(uri, probe.reason) : INVALID_FILE_FORMAT(uri, probe.reason);
        return done({ index, result });
      }
      lengths.set(index, probe.durationMs);
    }
    done({ durationMs: sources.reduce((sum, source, index) => sum + (lengths.get(index) ?? playDurationMs(source)), 0) });
  });
}

function total(sources: PlaySource[]): number {
  return sources.reduce((sum, source) => sum + playDurationMs(source), 0);
}
