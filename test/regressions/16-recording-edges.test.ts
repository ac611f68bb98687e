import { describe, expect, test } from "vitest";
import { validateRequestBody } from "../../contracts/validator.js";
import { acsUser, callTo, subscribeEventGrid } from "../support/calls.js";
import { signedRequest } from "../support/directoryClients.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

// Issue 16: StartRecording edges no test reached: a call that ends in the instant its
// recording was asked for, before the recording began (the app hears no state change for a
// recording that never ran, unlike one it stopped itself, whose end is confirmed); a
// serverCallLocator that also carries a roomId (its kind says which call it names); a null
// callConnectionId beside a locator (read as none, as a null optional field is elsewhere).

const API = "api-version=2026-03-12";

describe.each(TRANSPORTS)("StartRecording edges over %s", (transport) => {
  const h = useHarness({ transport, selfCheck: true }, subscribeEventGrid);

  /** On the virtual clock nothing scheduled runs between two requests: a second one lands "at once". */
  const inProcess = test.skipIf(transport === "server");
  const recordingEvents = () => h.receiver.events().filter((e) => String(e.type ?? e.eventType).startsWith("Microsoft.Communication.Recording"));

  inProcess("a call that ends before its recording began sends the app no RecordingStateChanged; the recording is over", async () => {
    const { id, serverCallId } = await callTo(h, acsUser(1));
    // The other party hangs up, and in the same instant, before that lands, the app starts recording.
    const hungUp = await h.control("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(acsUser(1))}:hangUp`);
    expect(hungUp.status).toBe(204);
    const recorder = h.client.getCallRecording();
    const started = await recorder.start({ callConnectionId: id });
    expect(started.recordingState).toBe("inactive");
    await h.waitForEvent("CallDisconnected", id);
    await h.drain();
    expect(h.eventTypes(id).filter((t) => t.startsWith("Recording"))).toEqual([]);
    expect(recordingEvents().filter((e) => e.type === "Microsoft.Communication.RecordingStateChanged")).toEqual([]);
    const later = await recorder.getState(started.recordingId).catch((e) => e);
    expect(later.statusCode).toBe(404);
  });

  test("a serverCallLocator that also carries a roomId records the server call: the kind decides", async () => {
    const { id, serverCallId } = await callTo(h, acsUser(1));
    const body = { callLocator: { kind: "serverCallLocator", serverCallId, roomId: "99434917639286209" } };
    expect(validateRequestBody("CallRecording_StartRecording", body, { apiVersion: "2026-03-12" })).toEqual([]);
    const started = await signedRequest(h, "POST", `/calling/recordings?${API}`, body);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const active = await h.waitForEvent("RecordingStateChanged", id);
    expect(active).toMatchObject({ recordingId: started.body.recordingId, state: "active" });
  });

  test("a null callConnectionId beside a callLocator, which the spec check lets through, is read as none: the located call records", async () => {
    const { id, serverCallId } = await callTo(h, acsUser(1));
    const body = { callLocator: { kind: "serverCallLocator", serverCallId }, callConnectionId: null };
    expect(validateRequestBody("CallRecording_StartRecording", body, { apiVersion: "2026-03-12" })).toEqual([]);
    const started = await signedRequest(h, "POST", `/calling/recordings?${API}`, body);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const active = await h.waitForEvent("RecordingStateChanged", id);
    expect(active).toMatchObject({ recordingId: started.body.recordingId, state: "active" });
  });
});
