import { resultInformation, withNote, type ResultInformation } from "../events.js";

/*
 * resultInformation of media events, messages verbatim and without a DiagCode: recorded media
 * events carry none, failures included (RecognizeFailed 400/8510 in
 * DtmfRecognizeWithMultipleTextSourcesTest, 500/8511 in DtmfRecognizeWithInvalidFileSourcesTest,
 * PlayFailed 400/8535 in PlayInvalidFileSourceWithPlayMediaTest). Other messages are the
 * Learn pages' ("recognize action" event codes, troubleshooting codes) or the SDK teams'
 * unit-test literals. Where a subcode's pairing with an outcome is not documented it is
 * marked "assumed". Explanations for the user go to the event log's note, not the message.
 */

const ok = (subCode: number, message: string): ResultInformation => resultInformation(200, subCode, message, false);
const failed = (code: number, subCode: number, message: string): ResultInformation => resultInformation(code, subCode, message, false);

/** PlayStarted, PlayCompleted, SendDtmfTonesCompleted, ToneReceived, the *Started/*Stopped/*Updated events. */
export const ACTION_COMPLETED = () => ok(0, "Action completed successfully.");
/** RecognizeCompleted (DTMF) when maxTonesToCollect tones were collected (8531, assumed pairing). */
export const MAX_DIGITS_RECEIVED = () => ok(8531, "Action completed, max digits received.");
/** RecognizeCompleted (DTMF) when a stop tone was pressed (8514; Learn "recognize action" event codes). */
export const STOP_TONE_DETECTED = () => ok(8514, "Action completed as stop tone was detected.");
/**
 * RecognizeFailed when the caller paused longer than interToneTimeoutInSeconds (8532). No
 * recording presses keys; the SDKs' RecognizeFailed reasons list it ("InterDigitTimeout"
 * beside InitialSilenceTimeout and PlayPromptFailed, .NET `RecognizeFailureReason`), one
 * version of the Learn table lists it under RecognizeFailed, and the public apps retry it in
 * their RecognizeFailed handler beside 8510.
 */
export const INTER_DIGIT_TIMEOUT = () => failed(400, 8532, "Action failed, inter-digit silence timeout reached.");
/** RecognizeCompleted (choices, by tone): Java unit-test literal. */
export const DTMF_OPTION_MATCHED = () => ok(8533, "Action completed, DTMF option matched.");
/** RecognizeCompleted (choices, by phrase): Java unit-test literal. */
export const SPEECH_OPTION_MATCHED = () => ok(8545, "Action completed, Recognized phrase matches a valid option.");
/** RecognizeCompleted (speech) (8569, assumed pairing). */
export const SPEECH_RECOGNIZED = () => ok(8569, "Action completed, Speech recognized.");

/** RecognizeFailed when nothing was heard in initialSilenceTimeoutInSeconds (DtmfRecognizeWithMultipleTextSourcesTest). */
export const INITIAL_SILENCE_TIMEOUT = () => failed(400, 8510, "Action failed, initial silence timeout reached.");
/** RecognizeFailed when what was said matches no choice. */
export const SPEECH_OPTION_NOT_MATCHED = () => failed(400, 8547, "Action failed, speech option not matched.");
/** RecognizeFailed when the tone pressed matches no choice. */
export const INCORRECT_TONE = () => failed(400, 8534, "Action failed, incorrect tone entered.");
/** PlayCanceled / RecognizeCanceled after cancelAllMediaOperations or an interrupting operation (8508; Learn "recognize action" event codes). */
export const OPERATION_CANCELED = () => failed(400, 8508, "Action failed, the operation was canceled.");
/**
 * PlayFailed / HoldFailed for a file that is not a WAV (8535, PlayInvalidFileSourceWithPlayMediaTest);
 * which file and why goes to the event log's note.
 */
export const INVALID_FILE_FORMAT = (uri: string, reason = "is not a WAV file") =>
  withNote(failed(400, 8535, "Action failed, file format is invalid."), `${uri} ${reason}; play supports WAV, mono, 16-bit, 16 kHz.`);
/** PlayFailed for a text or SSML source with nothing in it (8582). */
export const PLAY_SOURCE_EMPTY = () => failed(400, 8582, "Action failed, play source text or SSML is empty.");
/**
 * RecognizeFailed when a prompt cannot be played, whatever the reason, with failedPlaySourceIndex
 * (500/8511: DtmfRecognizeWithInvalidFileSourcesTest, DtmfRecognizeWithInvalidFileSourceWithValidSourceTest).
 * The play failure's own message goes to the note.
 */
export const PLAY_PROMPT_FAILED = (cause: ResultInformation) =>
  withNote(failed(500, 8511, "Action failed, encountered failure while trying to play the prompt."), `The prompt failed with ${cause.code}/${cause.subCode} "${cause.message}".`);
