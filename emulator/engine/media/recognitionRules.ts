import { InvalidArgumentError } from "../errors.js";
import { readToneNames } from "./tones.js";

/** RecognizeInputType of the spec. */
export type RecognizeInputType = "dtmf" | "speech" | "speechOrDtmf" | "choices";

/** A choice of a `choices` recognition. */
export interface Choice {
  label: string;
  phrases: string[];
  tone?: string;
}

/** What a recognition listens for, read from RecognizeOptions. */
export interface RecognitionRules {
  inputType: RecognizeInputType;
  initialSilenceMs: number;
  interToneMs: number;
  maxTones: number;
  stopTones: string[];
  choices: Choice[];
  interruptPrompt: boolean;
}

/** Rule (assumed): initialSilenceTimeoutInSeconds defaults to 5 s, as the SDKs send it. */
export const DEFAULT_INITIAL_SILENCE_S = 5;
/** Rule (assumed): interToneTimeoutInSeconds defaults to 2 s, as the SDKs send it. */
export const DEFAULT_INTER_TONE_S = 2;
/** Rule (assumed): maxTonesToCollect defaults to 1 (one key press, a menu choice). */
export const DEFAULT_MAX_TONES = 1;
/** Rule (assumed): a key press takes 100 ms; tones are heard that far apart. */
export const DTMF_TONE_MS = 100;
/** Rule (assumed): recognized speech and choices carry this confidence. */
export const RECOGNITION_CONFIDENCE = 0.95;

const INPUT_TYPES: readonly RecognizeInputType[] = ["dtmf", "speech", "speechOrDtmf", "choices"];

/** Reads and checks the recognition's options. */
export function readRecognitionRules(inputType: unknown, options: Record<string, any>): RecognitionRules {
  // A recognizeInputType of null passes the spec's request validation: callsim answers for it.
  if (!INPUT_TYPES.includes(inputType as RecognizeInputType)) {
    throw new InvalidArgumentError("recognizeInputType", `recognizeInputType must be one of ${INPUT_TYPES.join(", ")}.`);
  }
  const dtmf = (options.dtmfOptions ?? {}) as Record<string, unknown>;
  const seconds = (value: unknown, field: string, min: number, max: number, fallback: number) => {
    if (value === undefined || value === null) return fallback * 1000;
    // Stryker disable next-line StringLiteral,ConditionalExpression,LogicalOperator: the spec's request validation refuses this body before the engine reads it (test/regressions/16-media-requests.test.ts, 16-recognition-requests.test.ts)
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) throw new InvalidArgumentError(field, `${field} must be a whole number of seconds from ${min} to ${max}.`);
    return (value as number) * 1000;
  };
  const maxTones = dtmf.maxTonesToCollect ?? DEFAULT_MAX_TONES;
  if (!Number.isInteger(maxTones) || (maxTones as number) < 1) throw new InvalidArgumentError("recognizeOptions.dtmfOptions.maxTonesToCollect", "recognizeOptions.dtmfOptions.maxTonesToCollect must be a whole number, 1 or more.");
  const choices = readChoices(options.choices, inputType === "choices");
  return {
    inputType: inputType as RecognizeInputType,
    // Stryker disable next-line StringLiteral: the spec's request validation refuses this body before the engine reads it (test/regressions/16-media-requests.test.ts, 16-recognition-requests.test.ts): the field is named only for a timeout out of range
    initialSilenceMs: seconds(options.initialSilenceTimeoutInSeconds, "recognizeOptions.initialSilenceTimeoutInSeconds", 0, 300, DEFAULT_INITIAL_SILENCE_S),
    // Stryker disable next-line StringLiteral: the spec's request validation refuses this body before the engine reads it (test/regressions/16-media-requests.test.ts, 16-recognition-requests.test.ts): the field is named only for a timeout out of range
    interToneMs: seconds(dtmf.interToneTimeoutInSeconds, "recognizeOptions.dtmfOptions.interToneTimeoutInSeconds", 1, 60, DEFAULT_INTER_TONE_S),
    maxTones: maxTones as number,
    // Stryker disable next-line StringLiteral: the spec's request validation refuses this body before the engine reads it (test/regressions/16-media-requests.test.ts, 16-recognition-requests.test.ts): the field is named only for stop tones that are not a list of known tones
    stopTones: readToneNames(dtmf.stopTones, "recognizeOptions.dtmfOptions.stopTones"),
    choices,
    interruptPrompt: options.interruptPrompt === true,
  };
}

/** Whether the recognition hears key presses. */
export const hearsDtmf = (rules: RecognitionRules) => rules.inputType !== "speech";
/** Whether the recognition hears speech. */
export const hearsSpeech = (rules: RecognitionRules) => rules.inputType !== "dtmf";

/**
 * The choice `said` picks. Rule (assumed): a phrase matches when, ignoring case and
 * punctuation, it is what was said or appears in it as whole words ("talk to an agent" picks
 * the phrase "agent"); choices and phrases are tried in the order given.
 */
export function choiceBySpeech(choices: Choice[], said: string): { choice: Choice; phrase: string } | undefined {
  const spoken = ` ${normalize(said)} `;
  for (const exact of [true, false]) {
    for (const choice of choices) {
      for (const phrase of choice.phrases) {
        const p = normalize(phrase);
        if (p && (exact ? spoken.trim() === p : spoken.includes(` ${p} `))) return { choice, phrase };
      }
    }
  }
  return undefined;
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, " ").replace(/\s+/g, " ").trim();
}

function readChoices(value: unknown, required: boolean): Choice[] {
  if (value === undefined || value === null) {
    if (required) throw new InvalidArgumentError("recognizeOptions.choices", "recognizeOptions.choices is required for a choices recognition: list each choice's label and phrases.");
    return [];
  }
  if (!Array.isArray(value) || (required && value.length === 0)) throw new InvalidArgumentError("recognizeOptions.choices", "recognizeOptions.choices must list at least one choice.");
  return value.map((c, i) => {
    const field = `recognizeOptions.choices[${i}]`;
    const refused = () => new InvalidArgumentError(field, `${field} needs a label and a list of phrases.`);
    // A label or phrases of null pass the spec's request validation: callsim answers for them.
    if (!c || typeof c.label !== "string" || !Array.isArray(c.phrases)) throw refused();
    // Stryker disable next-line ConditionalExpression,ArrowFunction: the spec's request validation refuses this body before the engine reads it (test/regressions/16-media-requests.test.ts, 16-recognition-requests.test.ts)
    if (c.phrases.some((p: unknown) => typeof p !== "string")) throw refused();
    // Stryker disable next-line StringLiteral: the spec's request validation refuses this body before the engine reads it (test/regressions/16-media-requests.test.ts, 16-recognition-requests.test.ts): the tone's field is named only for a tone the spec refuses
    const tone = c.tone === undefined || c.tone === null ? undefined : readToneNames([c.tone], `${field}.tone`)[0];
    return { label: c.label, phrases: c.phrases, tone };
  });
}
