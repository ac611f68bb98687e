import { takeFault, type EngineContext } from "../context.js";
import { InvalidArgumentError } from "../errors.js";
import { resultInformation } from "../events.js";
import { rawIdFromModel } from "../identifiers.js";
import type { Participant } from "../model.js";
import { optionalString, resultDestination } from "../validation.js";
import { mediaConnection } from "./mediaTargets.js";
import { ACTION_COMPLETED, OPERATION_CANCELED } from "./mediaResults.js";
import { emitMedia, enqueue, finish } from "./mediaQueue.js";
import type { MediaOperation } from "./mediaState.js";
import { prepareSources, type SourcesOutcome } from "./audio.js";
import { readPlaySources } from "./playSources.js";
import { holdForPlay, releaseAfterPlay } from "./playHold.js";

/** The PlayRequest fields callsim acts on. */
export interface PlayRequest {
  playSources: unknown;
  playTo?: unknown[];
  interruptCallMediaOperation?: boolean;
  playOptions?: { loop?: boolean };
  operationContext?: string;
  operationCallbackUri?: string;
}

/**
 * Plays audio to everyone (empty `playTo`) or to some participants: PlayStarted, then
 * PlayCompleted after the sources' durations, or PlayFailed; a looped play runs until it is
 * canceled. Participants played to are on hold in the roster meanwhile (holdForPlay).
 * @see CallMedia_Play
 */
export function play(ctx: EngineContext, callConnectionId: string, request: PlayRequest): void {
  const connection = mediaConnection(ctx, callConnectionId);
  const sources = readPlaySources(request.playSources, "playSources", true);
  const call = ctx.store.callOf(connection);
  // null gets past the spec's request validation (a playTo that is not a list does not).
  if (request.playTo !== undefined && !Array.isArray(request.playTo)) throw new InvalidArgumentError("playTo", "playTo must be a list of participants; leave it empty to play to everyone.");
  const targets = (request.playTo ?? []).map((model, i) => ctx.store.participant(call, rawIdFromModel(model, `playTo[${i}]`), `playTo[${i}]`).rawId);
  // Stryker disable next-line StringLiteral: the spec's request validation refuses an operationContext that is not a string before the engine reads it (test/regressions/16-media-null-fields.test.ts)
  const operationContext = optionalString(request.operationContext, "operationContext");
  const callbackUri = resultDestination(request);
  const loop = request.playOptions?.loop === true;
  const fault = takeFault(ctx, "play");
  const fields = { operationContext };
  let held: Participant[] = [];
  const operation: MediaOperation = {
    kind: "play",
    operationContext,
    callbackUri,
    targets,
    state: "queued",
    timers: [],
    start: () => {
      if (fault) return playing({ index: 0, result: resultInformation(fault.status, fault.subCode, fault.message) });
      prepareSources(sources, ctx.audio, playing);
    },
    canceled: () => {
      emitMedia(ctx, connection, "PlayCanceled", { ...fields, resultInformation: OPERATION_CANCELED() }, callbackUri);
      releaseAfterPlay(ctx, call, held);
    },
    stopped: () => releaseAfterPlay(ctx, call, held),
  };
  const playing = (outcome: SourcesOutcome) => {
    if (operation.state !== "running") return; // canceled while its files were read
    // A failed play holds its targets too, until it has failed (PlayInvalidFileSourceWithPlayMediaTest).
    held = holdForPlay(ctx, call, targets);
    if ("result" in outcome) {
      emitMedia(ctx, connection, "PlayFailed", { ...fields, resultInformation: outcome.result, failedPlaySourceIndex: outcome.index }, callbackUri);
      finish(ctx, connection, operation);
      releaseAfterPlay(ctx, call, held);
      return;
    }
    emitMedia(ctx, connection, "PlayStarted", { ...fields, resultInformation: ACTION_COMPLETED() }, callbackUri);
    if (loop) return; // runs until canceled, interrupted or the call ends
    const completed = () => {
      finish(ctx, connection, operation);
      emitMedia(ctx, connection, "PlayCompleted", { ...fields, resultInformation: ACTION_COMPLETED() }, callbackUri);
      releaseAfterPlay(ctx, call, held);
    };
    // Stryker disable next-line StringLiteral: a timer's label names it in clock.pending() for people reading a stuck run; no behaviour reads it
    operation.timers.push(ctx.clock.schedule(outcome.durationMs, completed, `PlayCompleted ${callConnectionId}`));
  };
  enqueue(ctx, connection, operation, request.interruptCallMediaOperation === true);
}

