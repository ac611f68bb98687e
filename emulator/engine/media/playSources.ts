import { InvalidArgumentError } from "../errors.js";
import type { ResultInformation } from "../events.js";
import { INVALID_FILE_FORMAT, PLAY_SOURCE_EMPTY } from "./mediaResults.js";

/** A PlaySource as callsim reads it. */
export type PlaySource = { kind: "file"; uri: string } | { kind: "text"; text: string } | { kind: "ssml"; ssmlText: string };

/**
 * Rule (assumed): text and SSML are spoken at 60 ms per character of text (about 16
 * characters a second, a usual text-to-speech rate); the docs give no duration.
 */
export const SPEECH_MS_PER_CHARACTER = 60;

/**
 * Rule (assumed): a file plays for 1 s. callsim does not fetch audio, so it cannot read the
 * file's length.
 */
export const FILE_PLAY_MS = 1_000;

/**
 * Rule (assumed): a file URI whose path ends in an audio extension other than .wav is not a
 * WAV file and fails with 8535; a path with no extension is taken as WAV. Play supports WAV
 * only (ERROR-CODES.md §6).
 */
export const NOT_WAV = /\.(mp3|mp4|m4a|aac|ogg|oga|opus|flac|wma|webm|amr|aiff?)$/i;

/** Reads `PlaySource[]` (play's playSources, recognize's playPrompts) or one PlaySource. */
export function readPlaySources(value: unknown, field: string, required: boolean): PlaySource[] {
  if (value === undefined || value === null) {
    if (required) throw new InvalidArgumentError(field, `${field} is required: give at least one play source (file, text or ssml).`);
    return [];
  }
  if (!Array.isArray(value)) return [readPlaySource(value, field)];
  if (required && value.length === 0) throw new InvalidArgumentError(field, `${field} must list at least one play source.`);
  return value.map((source, i) => readPlaySource(source, `${field}[${i}]`));
}

/** Reads one PlaySource, checking that the member its kind names is there. */
export function readPlaySource(value: unknown, field: string): PlaySource {
  const source = value as { kind?: unknown; file?: { uri?: unknown }; text?: { text?: unknown }; ssml?: { ssmlText?: unknown } } | null;
  // Stryker disable next-line StringLiteral,ConditionalExpression: the spec's request validation refuses a play source that is not an object before the engine reads it (test/regressions/16-media-requests.test.ts, 16-media-null-fields.test.ts)
  if (!source || typeof source !== "object") throw new InvalidArgumentError(field, `${field} must be a play source object with a kind.`);
  switch (source.kind) {
    case "file": {
      const uri = source.file?.uri;
      if (typeof uri !== "string" || !/^https?:\/\//.test(uri)) throw new InvalidArgumentError(`${field}.file.uri`, `${field}.file.uri must be the http(s) URL of a WAV file.`);
      return { kind: "file", uri };
    }
    case "text": {
      const text = source.text?.text;
      if (typeof text !== "string") throw new InvalidArgumentError(`${field}.text.text`, `${field}.text.text is required: the text to speak.`);
      return { kind: "text", text };
    }
    case "ssml": {
      const ssmlText = source.ssml?.ssmlText;
      if (typeof ssmlText !== "string") throw new InvalidArgumentError(`${field}.ssml.ssmlText`, `${field}.ssml.ssmlText is required: the SSML document to speak.`);
      return { kind: "ssml", ssmlText };
    }
    // A kind of null passes the spec's request validation and lands here (16-spec-gaps).
    default:
      throw new InvalidArgumentError(`${field}.kind`, `${field}.kind must be file, text or ssml.`);
  }
}

/** How long a source plays. */
export function playDurationMs(source: PlaySource): number {
  if (source.kind === "file") return FILE_PLAY_MS;
  return spokenText(source).length * SPEECH_MS_PER_CHARACTER;
}

/** The first source that cannot be played, with the failure to report, if any. */
export function unplayableSource(sources: PlaySource[]): { index: number; result: ResultInformation } | undefined {
  for (const [index, source] of sources.entries()) {
    if (source.kind === "file") {
      const path = source.uri.split(/[?#]/)[0];
      if (NOT_WAV.test(path)) return { index, result: INVALID_FILE_FORMAT(source.uri) };
    } else if (spokenText(source).trim() === "") {
      return { index, result: PLAY_SOURCE_EMPTY() };
    }
  }
  return undefined;
}

function spokenText(source: Exclude<PlaySource, { kind: "file" }>): string {
  return source.kind === "text" ? source.text : source.ssmlText.replace(/<[^>]*>/g, "");
}
