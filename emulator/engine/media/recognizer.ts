import type { ResultInformation } from "../events.js";
import {
  DTMF_OPTION_MATCHED,
  INCORRECT_TONE,
  INTER_DIGIT_TIMEOUT,
  MAX_DIGITS_RECEIVED,
  SPEECH_OPTION_MATCHED,
  SPEECH_OPTION_NOT_MATCHED,
  SPEECH_RECOGNIZED,
  STOP_TONE_DETECTED,
} from "./mediaResults.js";
import type { HeardInput } from "./mediaState.js";
import { SPEECH_MS_PER_CHARACTER } from "./playSources.js";
import { choiceBySpeech, DTMF_TONE_MS, hearsDtmf, hearsSpeech, RECOGNITION_CONFIDENCE, type RecognitionRules } from "./recognitionRules.js";

/** The fields of RecognizeCompleted beyond operationContext. */
export interface Outcome {
  resultInformation: ResultInformation;
  recognitionType: "dtmf" | "speech" | "choices";
  dtmfResult?: { tones: string[] };
  choiceResult?: { label: string; recognizedPhrase?: string; confidence?: number };
  speechResult?: { speech: string; confidence: number };
}

/** What a recognizer needs from its operation. */
export interface RecognizerHost {
  schedule(ms: number, task: () => void): void;
  clearTimers(): void;
  end(outcome: Outcome | { failed: ResultInformation }): void;
}

/**
 * Turns what a participant keys or says into a recognition result, following the
 * recognition's rules: max tones, stop tones, inter-tone timeout, choices by tone or phrase.
 * Tones already collected are kept across live inputs.
 */
export function createRecognizer(rules: RecognitionRules, host: RecognizerHost) {
  const collected: string[] = [];
  let settled = false;
  const settle = (afterMs: number, outcome: Outcome | { failed: ResultInformation }) => {
    settled = true;
    host.clearTimers();
    host.schedule(afterMs, () => host.end(outcome));
  };
  const dtmfOutcome = (result: ResultInformation): Outcome => ({ resultInformation: result, recognitionType: "dtmf", dtmfResult: { tones: [...collected] } });

  const hearTones = (tones: string[]) => {
    for (const [i, tone] of tones.entries()) {
      const at = (i + 1) * DTMF_TONE_MS;
      if (rules.inputType === "choices") {
        const choice = rules.choices.find((c) => c.tone === tone);
        return settle(at, choice ? { resultInformation: DTMF_OPTION_MATCHED(), recognitionType: "choices", choiceResult: { label: choice.label } } : { failed: INCORRECT_TONE() });
      }
      if (rules.stopTones.includes(tone)) return settle(at, dtmfOutcome(STOP_TONE_DETECTED()));
      collected.push(tone);
      if (collected.length >= rules.maxTones) return settle(at, dtmfOutcome(MAX_DIGITS_RECEIVED()));
    }
    // Ending the operation is enough: nothing reaches a recognizer once its operation is done.
    host.schedule(tones.length * DTMF_TONE_MS + rules.interToneMs, () => host.end({ failed: INTER_DIGIT_TIMEOUT() }));
  };

  const hearSpeech = (speech: string) => {
    const at = speech.length * SPEECH_MS_PER_CHARACTER;
    if (rules.inputType !== "choices") {
      return settle(at, { resultInformation: SPEECH_RECOGNIZED(), recognitionType: "speech", speechResult: { speech, confidence: RECOGNITION_CONFIDENCE } });
    }
    const match = choiceBySpeech(rules.choices, speech);
    settle(
      at,
      match
        ? { resultInformation: SPEECH_OPTION_MATCHED(), recognitionType: "choices", choiceResult: { label: match.choice.label, recognizedPhrase: match.phrase, confidence: RECOGNITION_CONFIDENCE } }
        : { failed: SPEECH_OPTION_NOT_MATCHED() },
    );
  };

  // Keys and speech are never empty: live input and scripted input are checked where they come in
  // (tonesFromKeys, partySpeaks, checkPartyInput).
  const accepts = (input: HeardInput) => !settled && ("dtmf" in input ? hearsDtmf(rules) : hearsSpeech(rules));
  return {
    accepts,
    /** Hears input; false when the recognition cannot hear it (speech in a DTMF recognition, …). */
    hear(input: HeardInput): boolean {
      if (!accepts(input)) return false;
      if ("dtmf" in input) hearTones(input.dtmf);
      else hearSpeech(input.speech);
      return true;
    },
  };
}
