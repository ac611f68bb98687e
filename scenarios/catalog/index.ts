import type { Scenario } from "../scenario.js";
import { connectFailed, connectGroupCall, connectRoomCall, connectServerCall } from "./connect.js";
import { groupCall } from "./groupCall.js";
import { hangUpForEveryone, hangUpSelf, otherPartyHangsUp } from "./hangUp.js";
import { answerIncoming, answerIncomingFromUser, redirectIncoming, rejectIncoming } from "./incomingCall.js";
import { outboundAnswered } from "./outboundAnswered.js";
import { outboundBusy, outboundDeclined, outboundNoAnswer, outboundUnreachable } from "./outboundFailed.js";
import { addParticipantFailed, addParticipantSucceeded, addParticipantTimedOut, cancelAddParticipant, removeLastOther, removeParticipant } from "./participants.js";
import { playToParticipant } from "./playToParticipant.js";
import { transferInGroup, transferOneToOne } from "./transfer.js";

/** Every documented sequence callsim runs, success and failure. */
export const SCENARIOS: readonly Scenario[] = [
  outboundAnswered,
  outboundDeclined,
  outboundBusy,
  outboundNoAnswer,
  outboundUnreachable,
  groupCall,
  connectServerCall,
  connectGroupCall,
  connectRoomCall,
  connectFailed,
  answerIncoming,
  answerIncomingFromUser,
  rejectIncoming,
  redirectIncoming,
  transferOneToOne,
  transferInGroup,
  addParticipantSucceeded,
  addParticipantFailed,
  addParticipantTimedOut,
  cancelAddParticipant,
  removeParticipant,
  removeLastOther,
  hangUpSelf,
  hangUpForEveryone,
  otherPartyHangsUp,
  playToParticipant,
];
