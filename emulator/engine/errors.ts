/**
 * Typed engine errors. The engine says what went wrong in domain terms; only the HTTP route
 * table maps a kind to a status, an error code and the service's error body.
 */
export type EngineErrorKind =
  | "invalidArgument"
  | "notFound"
  | "callNotEstablished"
  | "invalidCallState"
  | "conflict"
  | "forbidden"
  | "duplicateRecording"
  | "recordingState"
  | "mediaConflict"
  | "mediaPrecondition"
  | "missingConfiguration"
  | "injected";

/** Base class of every error the engine raises on purpose. */
export class CallAutomationError extends Error {
  constructor(
    readonly kind: EngineErrorKind,
    message: string,
    /** The request field at fault, when there is one (`targets[0]`, `incomingCallContext`). */
    readonly target?: string,
  ) {
    super(message);
    this.name = "CallAutomationError";
  }
}

/** A request is well-formed JSON but asks for something invalid. */
export class InvalidArgumentError extends CallAutomationError {
  constructor(target: string, message: string) {
    super("invalidArgument", message, target);
  }
}

/** A call connection, participant or invitation does not exist (or no longer exists). */
export class NotFoundError extends CallAutomationError {
  constructor(message: string, target?: string) {
    super("notFound", message, target);
  }
}

/** The simulated world is not in a state that allows the request (409). */
export class ConflictError extends CallAutomationError {
  constructor(message: string, target?: string) {
    super("conflict", message, target);
  }
}

/** The call connection exists but is not connected yet. */
export class CallNotEstablishedError extends CallAutomationError {
  constructor(callConnectionId: string) {
    super(
      "callNotEstablished",
      `Call connection ${callConnectionId} is not established yet. Wait for the CallConnected event before acting on it.`,
    );
  }
}

/** The action is not valid in the call's current state. */
export class InvalidCallStateError extends CallAutomationError {
  constructor(message: string, target?: string) {
    super("invalidCallState", message, target);
  }
}

/** The call already has a recording that has not stopped (documented: 8559 on a duplicate StartRecording). */
export class DuplicateRecordingError extends CallAutomationError {
  constructor(serverCallId: string, recordingId: string) {
    super(
      "duplicateRecording",
      `Call ${serverCallId} is already being recorded (recordingId ${recordingId}). Check the recording state, or stop that recording before starting another.`,
    );
  }
}

/** A pause or resume that the recording's state does not allow. */
export class RecordingStateError extends CallAutomationError {
  constructor(message: string) {
    super("recordingState", message, "recordingId");
  }
}

/** A failure planted with the control plane's fault injection. */
export class InjectedFaultError extends CallAutomationError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super("injected", message);
  }
}

/** A media operation is already active for the target (400, 8500). */
export class MediaConflictError extends CallAutomationError {
  constructor(message: string, target?: string) {
    super("mediaConflict", message, target);
  }
}

/** Media operations running or queued do not allow this one (412, 8583). */
export class MediaPreconditionError extends CallAutomationError {
  constructor(message: string, target?: string) {
    super("mediaPrecondition", message, target);
  }
}

/** The call was not set up with the options this action needs (405, 8522). */
export class MissingConfigurationError extends CallAutomationError {
  constructor(message: string, target?: string) {
    super("missingConfiguration", message, target);
  }
}
