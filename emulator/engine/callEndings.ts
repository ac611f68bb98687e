import { resultInformation, type ResultInformation } from "./events.js";
import type { VariantTable } from "./variants.js";

/*
 * CallDisconnected (and CreateCallFailed) resultInformation, each verbatim as the service
 * sends it, DiagCode suffix included (resultInformation adds it). Sources: the recordings in
 * contracts/recordings/ (Azure/azure-sdk-for-net live tests), named on each.
 */

/**
 * The leg whose API call ended the call or left it (hang up, terminate). Every hang-up
 * recording, 2024-09 to 2026-02 (CreateCallToACSGetCallAndHangUpCallTest, …).
 */
export const ENDED_BY_API = (): ResultInformation =>
  resultInformation(200, 7000, "Call was ended by Azure Communication Service Call Automation API or a server bot.");

/** 5001, sic with two dots (CreateCallToAcsConnectCallAndHangupForEveryoneTestAsync, PlayMultipleFilesSourcesWithPlayMediaTest). */
export const THIS_CONVERSATION_ENDED = (): ResultInformation => resultInformation(200, 5001, "This conversation has ended..");

/** 5002 (RemoveAUserCallTest, CreateCallAndReject, DtmfRecognizeWithInvalidFileSourceWithValidSourceTest). */
export const CONVERSATION_ENDED = (): ResultInformation => resultInformation(200, 5002, "The conversation has ended.");

/**
 * 5010: the call dropped to one participant because someone else left
 * (CreateCallToAcsConnectCallAndHangupTest and its Async twin: the creator's leg when the
 * connect leg hangs up).
 */
export const ONLY_ONE_PARTICIPANT_REMAINING = (): ResultInformation =>
  resultInformation(200, 5010, "This conversation has ended as only one participant was remaining in the conversation.");

/** 5300: this leg was removed by another participant (RemoveAUserCallTestAsync). */
export const REMOVED_BY_PARTICIPANT = (): ResultInformation =>
  resultInformation(200, 5300, "Call ended for this participant as it was removed from the conversation by another participant.");

/** 603/0: the callee declined (CreateCallAndRejectAsync: CreateCallFailed and CallDisconnected). */
export const DECLINED_BY_CALLEE = (): ResultInformation => resultInformation(603, 0, "Call ended successfully as it was declined from callee.");

/** What the app's other legs hear when one of its legs terminates the call (variant `terminate`). */
export function terminatedByOtherLeg(variants: VariantTable): ResultInformation {
  const choice = variants.get("terminate");
  return choice === "5001" ? THIS_CONVERSATION_ENDED() : choice === "5002" ? CONVERSATION_ENDED() : ENDED_BY_API();
}

/** What the app's leg hears when it removed the last other participant (variant `removeLast`). */
export function removedLastParticipant(variants: VariantTable): ResultInformation {
  return variants.get("removeLast") === "5300" ? REMOVED_BY_PARTICIPANT() : CONVERSATION_ENDED();
}

/** CreateCallFailed and CallDisconnected when the callee declines (variant `decline`). */
export function declinedCall(variants: VariantTable): ResultInformation {
  return variants.get("decline") === "200/5002" ? CONVERSATION_ENDED() : DECLINED_BY_CALLEE();
}
