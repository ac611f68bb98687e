import { describe, expect, test } from "vitest";
import {
  CallAutomationError,
  CallNotEstablishedError,
  ConflictError,
  DuplicateRecordingError,
  InjectedFaultError,
  InvalidArgumentError,
  InvalidCallStateError,
  MediaConflictError,
  MediaPreconditionError,
  MissingConfigurationError,
  NotFoundError,
  RecordingStateError,
} from "../../emulator/engine/errors.js";
import { errorResponse } from "../../emulator/http/errors.js";

// The engine says what went wrong by the type of its error; the route table alone turns the
// type into the service's status and code (reference/callautomation/ERROR-CODES.md §3). Each
// engine error must reach the answer documented for its failure, its field and its text intact.

describe("each engine error is answered with the service's status and code", () => {
  test.each([
    ["InvalidArgumentError", new InvalidArgumentError("targets[0]", "targets[0] is wrong."), 400, "8523", "targets[0]"],
    ["NotFoundError", new NotFoundError("Call connection c1 does not exist.", "callConnectionId"), 404, "8522", "callConnectionId"],
    ["ConflictError", new ConflictError("A call for group g is already going on.", "groupCallId"), 409, "8519", "groupCallId"],
    ["InvalidCallStateError", new InvalidCallStateError("The call has ended.", "callConnectionId"), 400, "8585", "callConnectionId"],
    ["MediaConflictError", new MediaConflictError("A recognize is already running.", "targetParticipant"), 400, "8500", "targetParticipant"],
    ["MediaPreconditionError", new MediaPreconditionError("Media operations are queued.", "playSources"), 412, "8583", "playSources"],
    ["MissingConfigurationError", new MissingConfigurationError("The call has no media streaming options.", "mediaStreamingOptions"), 405, "8522", "mediaStreamingOptions"],
    ["a forbidden CallAutomationError", new CallAutomationError("forbidden", "Not in the room.", "roomId"), 403, "7504", "roomId"],
  ])("%s", (_name, error, status, code, target) => {
    expect(error).toBeInstanceOf(CallAutomationError);
    expect(errorResponse(error)).toEqual({ status, body: { error: { code, message: `${error.message} DiagCode: ${status}#${code}.@`, target } }, headers: undefined });
  });

  test("NotFoundError and the others without a field leave the target out", () => {
    for (const error of [new NotFoundError("Gone."), new ConflictError("Busy."), new InvalidCallStateError("Ended."), new MediaConflictError("Running."), new MediaPreconditionError("Queued."), new MissingConfigurationError("Not set up.")]) {
      expect(errorResponse(error).body.error, error.constructor.name).not.toHaveProperty("target");
    }
  });

  test("a call not yet established: 400 8501, naming the connection and what to wait for", () => {
    const error = new CallNotEstablishedError("conn-1");
    expect(errorResponse(error)).toEqual({
      status: 400,
      body: { error: { code: "8501", message: "Call connection conn-1 is not established yet. Wait for the CallConnected event before acting on it. DiagCode: 400#8501.@" } },
      headers: undefined,
    });
  });

  test("a second recording: 400 8559, naming the call, the recording and what to do", () => {
    const error = new DuplicateRecordingError("server-call-1", "rec-1");
    expect(errorResponse(error)).toEqual({
      status: 400,
      body: {
        error: {
          code: "8559",
          message: "Call server-call-1 is already being recorded (recordingId rec-1). Check the recording state, or stop that recording before starting another. DiagCode: 400#8559.@",
        },
      },
      headers: undefined,
    });
  });

  test("a pause or resume the recording's state does not allow: 400 8573, naming recordingId", () => {
    expect(errorResponse(new RecordingStateError("The recording is not paused."))).toEqual({
      status: 400,
      body: { error: { code: "8573", message: "The recording is not paused. DiagCode: 400#8573.@", target: "recordingId" } },
      headers: undefined,
    });
  });

  test("a planted fault: its own status, code and message, nothing added", () => {
    const error = new InjectedFaultError(503, "ServiceUnavailable", "Injected failure of createCall.");
    expect(error.kind).toBe("injected");
    expect(errorResponse(error)).toEqual({ status: 503, body: { error: { code: "ServiceUnavailable", message: "Injected failure of createCall." } } });
  });

  test("an engine error prints as what it is in a stack trace", () => {
    const error = new NotFoundError("Call connection c1 does not exist.");
    expect(String(error)).toBe("CallAutomationError: Call connection c1 does not exist.");
    expect(error.stack).toMatch(/^CallAutomationError: Call connection c1 does not exist\./);
  });
});
