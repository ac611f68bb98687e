import { InvalidArgumentError } from "./errors.js";

/** Actions a fault can target: the operation names of the route table. */
export const FAULTABLE_ACTIONS = [
  "createCall",
  "answerCall",
  "redirectCall",
  "rejectCall",
  "connectCall",
  "getCall",
  "hangUp",
  "terminateCall",
  "transferToParticipant",
  "addParticipant",
  "removeParticipant",
  "cancelAddParticipant",
  "moveParticipants",
  "muteParticipants",
  "getParticipant",
  "getParticipants",
  "startRecording",
  "getRecordingState",
  "pauseRecording",
  "resumeRecording",
  "stopRecording",
  "play",
  "recognize",
  "cancelAllMediaOperations",
  "startContinuousDtmfRecognition",
  "stopContinuousDtmfRecognition",
  "sendDtmfTones",
  "hold",
  "unhold",
  "startTranscription",
  "stopTranscription",
  "updateTranscription",
  "startMediaStreaming",
  "stopMediaStreaming",
] as const;

export type FaultableAction = (typeof FAULTABLE_ACTIONS)[number];

/** A planted failure: the next `times` matching actions fail. */
export interface Fault {
  id: string;
  action: FaultableAction;
  /** HTTP status for a synchronous fault; resultInformation.code for an asynchronous one. */
  status: number;
  /** The error body's `code` for a synchronous fault. */
  code: string;
  subCode: number;
  message: string;
  /** When true the action is accepted and its failure event follows instead. */
  async: boolean;
  /** How many more matching actions it fails. */
  remaining: number;
}

/** Actions with a failure event, and so able to fail asynchronously; the event names the refusal of another. */
export const ASYNC_FAILURE_EVENTS: Partial<Record<FaultableAction, string>> = {
  createCall: "CreateCallFailed",
  answerCall: "AnswerFailed",
  connectCall: "ConnectFailed",
  transferToParticipant: "CallTransferFailed",
  addParticipant: "AddParticipantFailed",
  removeParticipant: "RemoveParticipantFailed",
  cancelAddParticipant: "CancelAddParticipantFailed",
  moveParticipants: "MoveParticipantFailed",
  startRecording: "StartRecordingFailed",
  play: "PlayFailed",
  recognize: "RecognizeFailed",
  startContinuousDtmfRecognition: "ContinuousDtmfRecognitionToneFailed",
  sendDtmfTones: "SendDtmfTonesFailed",
  hold: "HoldFailed",
  startTranscription: "TranscriptionFailed",
  stopTranscription: "TranscriptionFailed",
  updateTranscription: "TranscriptionFailed",
  startMediaStreaming: "MediaStreamingFailed",
  stopMediaStreaming: "MediaStreamingFailed",
};

/**
 * Checks that `action` names an action that can fail; before anything reads it, since a
 * control-plane body may hold any JSON there.
 * @throws InvalidArgumentError naming the actions that can fail
 */
export function checkFaultAction(action: unknown): asserts action is FaultableAction {
  if (!FAULTABLE_ACTIONS.includes(action as FaultableAction)) {
    throw new InvalidArgumentError("action", `action must be one of ${FAULTABLE_ACTIONS.join(", ")}.`);
  }
}

/** Planted faults, consumed in the order they were added. */
export class FaultTable {
  private faults: Fault[] = [];

  add(input: Omit<Fault, "remaining"> & { times?: number }): Fault {
    checkFaultAction(input.action);
    if (input.async && !ASYNC_FAILURE_EVENTS[input.action]) {
      throw new InvalidArgumentError(
        "async",
        `${input.action} has no failure event; asynchronous faults exist for ${Object.entries(ASYNC_FAILURE_EVENTS)
          .map(([action, event]) => `${action} (${event})`)
          .join(", ")}.`,
      );
    }
    const { times, ...rest } = input;
    const fault: Fault = { ...rest, remaining: times ?? 1 };
    this.faults.push(fault);
    return fault;
  }

  /** Takes the first planted fault for `action`, if any. */
  take(action: FaultableAction): Fault | undefined {
    // A fault leaves the table as its last time is used, so every fault here has times left.
    const fault = this.faults.find((f) => f.action === action);
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  list(): readonly Fault[] {
    return this.faults;
  }

  clear(): void {
    this.faults = [];
  }
}
