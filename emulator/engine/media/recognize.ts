import { takeFault, type EngineContext } from "../context.js";
import { InvalidArgumentError } from "../errors.js";
import { resultInformation, type ResultInformation } from "../events.js";
import { optionalString, resultDestination } from "../validation.js";
import type { PartyInput } from "../world.js";
import { INITIAL_SILENCE_TIMEOUT, OPERATION_CANCELED, PLAY_PROMPT_FAILED } from "./mediaResults.js";
import { emitMedia, enqueue, finish } from "./mediaQueue.js";
import type { HeardInput, MediaOperation } from "./mediaState.js";
import { mediaConnection, otherParticipant } from "./mediaTargets.js";
import { prepareSources } from "./audio.js";
import { readPlaySources } from "./playSources.js";
import { reportTones } from "./callerInput.js";
import { createRecognizer, type Outcome } from "./recognizer.js";
import { readRecognitionRules } from "./recognitionRules.js";
import { tonesFromKeys } from "./tones.js";

/** The RecognizeRequest fields callsim acts on. */
export interface RecognizeRequest {
  recognizeInputType: unknown;
  recognizeOptions: Record<string, any>;
  playPrompt?: unknown;
  playPrompts?: unknown;
  interruptCallMediaOperation?: boolean;
  operationContext?: string;
  operationCallbackUri?: string;
}

/**
 * Listens to one participant for key presses, speech or a choice, after an optional prompt:
 * RecognizeCompleted with its result, RecognizeFailed (silence, no match, a bad prompt) or
 * RecognizeCanceled. What the participant says comes from its scripted input
 * (`PUT /emulator/parties/{rawId}`), taken in order, or live from the control plane.
 * @see CallMedia_Recognize
 */
export function recognize(ctx: EngineContext, callConnectionId: string, request: RecognizeRequest): void {
  const connection = mediaConnection(ctx, callConnectionId);
  const options = request.recognizeOptions;
  // Missing, refused by the spec's request validation first, or null, which it lets through.
  const refused = () => new InvalidArgumentError("recognizeOptions", "recognizeOptions is required, with the targetParticipant to listen to.");
  if (!options) throw refused();
  // Stryker disable next-line ConditionalExpression: recognizeOptions that are no object (and not null) are refused by the spec's request validation with 400, naming them, before the engine reads them (16-recognition-requests)
  if (typeof options !== "object") throw refused();
  const target = otherParticipant(ctx, connection, options.targetParticipant, "recognizeOptions.targetParticipant").rawId;
  const rules = readRecognitionRules(request.recognizeInputType, options);
  const prompts = [...readPlaySources(request.playPrompt, "playPrompt", false), ...readPlaySources(request.playPrompts, "playPrompts", false)];
  // Stryker disable next-line StringLiteral: the spec's request validation refuses this body before the engine reads it (test/regressions/16-media-requests.test.ts, 16-recognition-requests.test.ts)
  const operationContext = optionalString(request.operationContext, "operationContext");
  const callbackUri = resultDestination(request);
  const fault = takeFault(ctx, "recognize");
  const fields = { operationContext };
  const send = (name: "RecognizeCompleted" | "RecognizeFailed", extra: Record<string, unknown>) => emitMedia(ctx, connection, name, { ...fields, ...extra }, callbackUri);
  const end = (outcome: Outcome | { failed: ResultInformation; failedPlaySourceIndex?: number }) => {
    finish(ctx, connection, operation);
    if ("failed" in outcome) send("RecognizeFailed", { resultInformation: outcome.failed, failedPlaySourceIndex: outcome.failedPlaySourceIndex });
    else send("RecognizeCompleted", { ...outcome });
  };
  let phase: "prompt" | "listening" = "prompt";
  // Stryker disable next-line StringLiteral: a timer's label names it in clock.pending() for people reading a stuck run; no behaviour reads it
  const schedule = (ms: number, task: () => void) => operation.timers.push(ctx.clock.schedule(ms, task, `recognize ${callConnectionId}`));
  const clearTimers = () => operation.timers.splice(0).forEach((timer) => ctx.clock.cancel(timer));
  const recognizer = createRecognizer(rules, { schedule, clearTimers, end });

  const listen = (scripted: boolean) => {
    phase = "listening";
    clearTimers();
    const next = scripted ? nextScriptedInput(ctx, target) : undefined;
    if (next && !("silence" in next)) {
      const input = heard(next);
      // The party keys now: continuous DTMF recognitions on it hear the same keys.
      if ("dtmf" in input) reportTones(ctx, connection.serverCallId, target, input.dtmf);
      if (!recognizer.hear(input)) schedule(rules.initialSilenceMs, () => end({ failed: INITIAL_SILENCE_TIMEOUT() }));
      return;
    }
    schedule(rules.initialSilenceMs, () => end({ failed: INITIAL_SILENCE_TIMEOUT() }));
  };

  const operation: MediaOperation = {
    kind: "recognize",
    operationContext,
    callbackUri,
    targets: [target],
    state: "queued",
    timers: [],
    start: () => {
      if (fault) return end({ failed: resultInformation(fault.status, fault.subCode, fault.message) });
      prepareSources(prompts, ctx.audio, (prompt) => {
        if (operation.state !== "running" || phase !== "prompt") return; // canceled, or barged into, while its files were read
        if ("result" in prompt) return end({ failed: PLAY_PROMPT_FAILED(prompt.result), failedPlaySourceIndex: prompt.index });
        // Barge-in: a party with input ready interrupts a prompt that allows it.
        if (prompt.durationMs === 0 || (rules.interruptPrompt && ctx.world.party(target).input.length > 0)) listen(true);
        else schedule(prompt.durationMs, () => listen(true));
      });
    },
    canceled: () => emitMedia(ctx, connection, "RecognizeCanceled", { ...fields, resultInformation: OPERATION_CANCELED() }, callbackUri),
    listener: {
      target,
      hear: (input) => {
        if (operation.state !== "running" || !recognizer.accepts(input)) return false;
        // Rule (assumed): input during the prompt is heard only when interruptPrompt is set.
        if (phase === "prompt" && !rules.interruptPrompt) return false;
        phase = "listening";
        clearTimers(); // the prompt's rest, or the silence timeout
        return recognizer.hear(input);
      },
    },
  };
  enqueue(ctx, connection, operation, request.interruptCallMediaOperation === true);
}

/** Takes the next scripted input of `rawId`, if any. */
function nextScriptedInput(ctx: EngineContext, rawId: string): PartyInput | undefined {
  return ctx.world.party(rawId).input.shift();
}

function heard(input: Exclude<PartyInput, { silence: true }>): HeardInput {
  // Stryker disable next-line StringLiteral: scripted input is checked when it is set (checkPartyInput, 400 naming input[i].dtmf), so this never throws
  return "dtmf" in input ? { dtmf: tonesFromKeys(input.dtmf, "input.dtmf") } : { speech: input.speech };
}

