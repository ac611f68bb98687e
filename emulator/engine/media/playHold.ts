import { emitParticipantsUpdated, MEDIA_STATE_VERSION_STEP, type EngineContext } from "../context.js";
import type { Participant, ServerCall } from "../model.js";

/**
 * Rule (REC-NET PlayMultipleFilesSourcesWithPlayMediaTest, recorded-events findings (f)5): a
 * play to specific participants puts them on hold in the roster while it lasts: a
 * ParticipantsUpdated with `isOnHold: true` before PlayStarted, and one with `false` after
 * PlayCompleted (here also after PlayCanceled), each moving the roster version by 2 (seq 1,
 * 3, 5). A play that fails holds them too, with `false` after PlayFailed
 * (PlayInvalidFileSourceWithPlayMediaTest). A play to everyone holds nobody; a recognition's prompt holds nobody either
 * (DtmfRecognizeWithMultipleTextSourcesTest: no roster change in 13 s of prompt and silence).
 * Participants already on hold stay as they are and are not taken off hold after.
 * @returns the participants this play put on hold
 */
export function holdForPlay(ctx: EngineContext, call: ServerCall, targets: string[]): Participant[] {
  const held = targets.map((rawId) => call.participants.get(rawId)).filter((p): p is Participant => !!p && !p.isOnHold);
  if (held.length === 0 || call.ended) return [];
  for (const participant of held) participant.isOnHold = true;
  emitParticipantsUpdated(ctx, call, { step: MEDIA_STATE_VERSION_STEP });
  return held;
}

/** Takes the participants a play held off hold again, with a roster for every leg. */
export function releaseAfterPlay(ctx: EngineContext, call: ServerCall, held: Participant[]): void {
  const still = held.filter((p) => call.participants.get(p.rawId) === p && p.isOnHold);
  if (still.length === 0 || call.ended) return;
  for (const participant of still) participant.isOnHold = false;
  emitParticipantsUpdated(ctx, call, { step: MEDIA_STATE_VERSION_STEP });
}
