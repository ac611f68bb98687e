import { after, type EngineContext } from "../context.js";
import { InvalidArgumentError, NotFoundError } from "../errors.js";
import { ACTION_COMPLETED } from "./mediaResults.js";
import { emitMedia } from "./mediaQueue.js";
import { mediaOf, type HeardInput } from "./mediaState.js";
import { DTMF_TONE_MS } from "./recognitionRules.js";
import { tonesFromKeys } from "./tones.js";
import type { PartyInput } from "../world.js";

/** Who heard a party's live input. */
export interface InputHeard {
  /** callConnectionIds whose running recognition took the input. */
  recognizedBy: string[];
  /** callConnectionIds whose continuous DTMF recognition reported the tones. */
  continuousDtmfBy: string[];
}

/**
 * A participant presses keys now (`POST /emulator/calls/{serverCallId}/participants/{rawId}:dtmf`):
 * every running recognition listening to it hears them, and every continuous DTMF recognition
 * on it reports each tone (both, for the same key, as the service does).
 */
export function partyPressesKeys(ctx: EngineContext, serverCallId: string, rawId: string, keys: unknown): InputHeard {
  const tones = tonesFromKeys(keys, "tones");
  const heard = deliver(ctx, serverCallId, rawId, { dtmf: tones });
  heard.continuousDtmfBy = reportTones(ctx, serverCallId, rawId, tones);
  return heard;
}

/**
 * Reports keys `rawId` presses to every continuous DTMF recognition on it, one
 * ContinuousDtmfRecognitionToneReceived a key, DTMF_TONE_MS apart; answers which call
 * connections report them.
 */
export function reportTones(ctx: EngineContext, serverCallId: string, rawId: string, tones: string[]): string[] {
  const reportedBy: string[] = [];
  for (const connection of liveConnections(ctx, serverCallId)) {
    const subscription = mediaOf(connection).continuousDtmf.get(rawId);
    if (!subscription) continue;
    reportedBy.push(connection.callConnectionId);
    tones.forEach((tone, i) =>
      after(ctx, (i + 1) * DTMF_TONE_MS, () => {
        if (mediaOf(connection).continuousDtmf.get(rawId) !== subscription) return;
        subscription.sequenceId += 1;
        emitMedia(
          ctx,
          connection,
          "ContinuousDtmfRecognitionToneReceived",
          { tone, sequenceId: subscription.sequenceId, operationContext: subscription.operationContext, resultInformation: ACTION_COMPLETED() },
          subscription.callbackUri,
        );
      }),
    );
  }
  return reportedBy;
}

/** A participant says `text` now (`…:speak`): running recognitions listening to it hear it. */
export function partySpeaks(ctx: EngineContext, serverCallId: string, rawId: string, text: unknown): InputHeard {
  if (typeof text !== "string" || text.trim() === "") throw new InvalidArgumentError("text", "text is required: what the participant says, e.g. \"talk to an agent\".");
  return deliver(ctx, serverCallId, rawId, { speech: text });
}

function deliver(ctx: EngineContext, serverCallId: string, rawId: string, input: HeardInput): InputHeard {
  const call = ctx.store.call(serverCallId);
  if (call.ended) throw new NotFoundError(`Call ${serverCallId} has ended.`, "serverCallId");
  if (!call.participants.has(rawId)) throw new NotFoundError(`${rawId} is not in call ${serverCallId}. GET /emulator/calls lists who is.`, "rawId");
  const heard: InputHeard = { recognizedBy: [], continuousDtmfBy: [] };
  for (const connection of liveConnections(ctx, serverCallId)) {
    const running = mediaOf(connection).queue[0];
    if (running?.listener?.target === rawId && running.listener.hear(input)) heard.recognizedBy.push(connection.callConnectionId);
  }
  return heard;
}

function liveConnections(ctx: EngineContext, serverCallId: string) {
  return ctx.store.liveConnections(ctx.store.call(serverCallId)).filter((c) => c.state === "connected");
}

/** Checks a party's scripted input: `{ dtmf: "1#" }`, `{ speech: "…" }` or `{ silence: true }` entries. */
export function checkPartyInput(input: unknown[]): PartyInput[] {
  return input.map((entry, i) => {
    const field = `input[${i}]`;
    const e = entry as Record<string, unknown> | null;
    if (e && typeof e === "object" && Object.keys(e).length === 1) {
      if ("dtmf" in e) {
        tonesFromKeys(e.dtmf, `${field}.dtmf`);
        return { dtmf: e.dtmf as string };
      }
      if ("speech" in e && typeof e.speech === "string" && e.speech.trim() !== "") return { speech: e.speech };
      if (e.silence === true) return { silence: true };
    }
    throw new InvalidArgumentError(field, `${field} must be one of { "dtmf": "1#" }, { "speech": "talk to an agent" } or { "silence": true }.`);
  });
}
