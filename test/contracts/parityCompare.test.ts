import { describe, expect, test } from "vitest";
import { compareRecording, keyPaths, type Observed } from "../support/parity.js";
import { loadRecording } from "../support/recordings.js";

/** A recording's own events, as if callsim had sent exactly them. */
function echo(name: string): Observed {
  const recording = loadRecording(name);
  const legs: Observed["legs"] = {};
  for (const e of recording.events.filter((e) => !e.foreign)) (legs[e.leg] ??= []).push({ type: e.type, time: e.time, data: structuredClone(e.data) });
  return { legs, incomingCalls: recording.incomingCalls.map((d) => ({ ...d })) };
}

describe("the parity comparison", () => {
  const name = "CallMediaAutomatedLiveTests/PlayMultipleFilesSourcesWithPlayMediaTest";

  test("finds nothing when callsim sends what the recording holds", () => {
    expect(compareRecording(loadRecording(name), echo(name))).toEqual([]);
  });

  test("reports another code, a missing key, a lost event, a reordered leg and numbers that do not increase", () => {
    const observed = echo(name);
    const b = observed.legs.B!;
    b.find((e) => e.type === "CallDisconnected")!.data.resultInformation = { code: 200, subCode: 5001, message: "This conversation has ended.. DiagCode: 0#5001.@" };
    delete b.find((e) => e.type === "PlayCompleted")!.data.operationContext;
    observed.legs.A = observed.legs.A!.filter((e) => e.type !== "CallDisconnected");
    const connected = b.find((e) => e.type === "CallConnected")!;
    const started = b.find((e) => e.type === "PlayStarted")!;
    [connected.time, started.time] = [started.time, connected.time];
    for (const e of b.filter((e) => e.type === "ParticipantsUpdated")) e.data.sequenceNumber = 1;
    const keys = compareRecording(loadRecording(name), observed).map((f) => f.key);
    expect(keys).toEqual(
      expect.arrayContaining(["results:CallDisconnected", "keys:PlayCompleted", "types:CallDisconnected", "order:events B", "sequence:increasing B", "sequence:shared"]),
    );
  });

  test("tells a leg callsim has no counterpart for, a roster without the hold, and a missing IncomingCall", () => {
    const observed = echo(name);
    observed.legs.A = undefined;
    observed.legs.B = observed.legs.B!.filter((e) => !(e.type === "ParticipantsUpdated" && e.data.sequenceNumber > 1));
    observed.incomingCalls = [];
    const findings = compareRecording(loadRecording(name), observed);
    expect(findings.map((f) => f.key)).toEqual(expect.arrayContaining(["incomingCall:leg A", "onHold:B", "incomingCall:count"]));
    expect(findings.map((f) => f.key)).not.toContain("roster:B");
  });

  test("reads the keys of event data one level deep, leaving identifiers closed", () => {
    expect(keyPaths({ participants: [{ identifier: { rawId: "x" }, isMuted: false }], participant: { rawId: "x" }, resultInformation: { code: 200 } })).toEqual([
      "participant",
      "participants",
      "participants[].identifier",
      "participants[].isMuted",
      "resultInformation",
      "resultInformation.code",
    ]);
  });
});
