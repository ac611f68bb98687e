import { resultInformation, type ResultInformation } from "../events.js";

/*
 * resultInformation of media events. Success messages are the literals of the SDK teams' unit
 * tests (ERROR-CODES.md §5), without a DiagCode; failures carry the documented subcodes
 * (ERROR-CODES.md §4) with a DiagCode like every recorded failure. Where a subcode's pairing
 * with an outcome is not documented it is marked "assumed".
 */

const ok = (subCode: number, message: string): ResultInformation => resultInformation(200, subCode, message, false);

/** PlayStarted, PlayCompleted, SendDtmfTonesCompleted, ToneReceived, the *Started/*Stopped/*Updated events. */
export const ACTION_COMPLETED = () => ok(0, "Action completed successfully.");
/** RecognizeCompleted (DTMF) when maxTonesToCollect tones were collected (8531, assumed pairing). */
export const MAX_DIGITS_RECEIVED = () => ok(8531, "Action completed, max digits received.");
/** RecognizeCompleted (DTMF) when a stop tone was pressed (8514, assumed pairing). */
export const STOP_TONE_DETECTED = () => ok(8514, "Action completed, stop tone detected.");
/** RecognizeCompleted (DTMF) when the caller paused longer than interToneTimeoutInSeconds (8532, assumed pairing). */
export const INTER_DIGIT_TIMEOUT = () => ok(8532, "Action completed, inter-digit timeout reached.");
/** RecognizeCompleted (choices, by tone): Java unit-test literal. */
export const DTMF_OPTION_MATCHED = () => ok(8533, "Action completed, DTMF option matched.");
/** RecognizeCompleted (choices, by phrase): Java unit-test literal. */
export const SPEECH_OPTION_MATCHED = () => ok(8545, "Action completed, Recognized phrase matches a valid option.");
/** RecognizeCompleted (speech) (8569, assumed pairing). */
export const SPEECH_RECOGNIZED = () => ok(8569, "Action completed, Speech recognized.");

/** RecognizeFailed when nothing was heard in initialSilenceTimeoutInSeconds. */
export const INITIAL_SILENCE_TIMEOUT = () => resultInformation(400, 8510, "Action failed, initial silence timeout reached.");
/** RecognizeFailed when what was said matches no choice. */
export const SPEECH_OPTION_NOT_MATCHED = () => resultInformation(400, 8547, "Action failed, speech option not matched.");
/** RecognizeFailed when the tone pressed matches no choice. */
export const INCORRECT_TONE = () => resultInformation(400, 8534, "Action failed, incorrect tone entered.");
/** PlayCanceled / RecognizeCanceled after cancelAllMediaOperations or an interrupting operation (8508, assumed pairing). */
export const OPERATION_CANCELED = () => resultInformation(400, 8508, "Action failed, the operation was cancelled.");
/** PlayFailed / RecognizeFailed / HoldFailed for a file that is not a WAV (8535). */
export const INVALID_FILE_FORMAT = (uri: string, reason = "is not a WAV file") =>
  resultInformation(400, 8535, `Action failed, file format is invalid: ${uri} ${reason}. Play supports WAV, mono, 16-bit, 16 kHz.`);
/** PlayFailed / RecognizeFailed for a text or SSML source with nothing in it (8582). */
export const PLAY_SOURCE_EMPTY = () => resultInformation(400, 8582, "Action failed, play source text or SSML is empty.");
