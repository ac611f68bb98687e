import { readFileSync } from "node:fs";
import { CallAutomationClient, type CallConnection } from "@azure/communication-call-automation";
import { afterAll, describe, expect, test } from "vitest";
import { createEmulator, type Emulator, type Variants } from "../../emulator/index.js";
import { compareRecording, type Aspect, type Finding, type Observed } from "../support/parity.js";
import { loadRecording, recordingNames } from "../support/recordings.js";

/*
 * Parity with real traffic: for each recording in contracts/recordings whose operations callsim
 * serves, run the operations of its C# test through the official SDK in-process and compare
 * what callsim sends with what the service sent (test/support/parity.ts says how). Every
 * difference is explained by a contracts/DEVIATIONS.md row, or is one of the known gaps below.
 */

/**
 * Aspects callsim is known to differ on while other work lands (issue 13 items 2-5: the
 * CallConnected/ParticipantsUpdated order, sequenceNumber as the call's roster version, hold
 * during play, IncomingCall for the app's own invitations). Their differences are printed as
 * "differs: …" and do not fail the suite. Empty this list to make them strict; with
 * "incomingCall" gone, the replays also answer and reject through IncomingCall as the C# tests do.
 */
export const KNOWN_ORDER_GAPS: Aspect[] = ["order", "sequence", "onHold", "incomingCall"];

const CALLBACK = "https://app.test/events";
const TARGET = "8:acs:6d889502-3d7a-41a8-befa-d21fd80e8767_00000028-0000-0000-0000-000000000002";
const THIRD = "8:acs:6d889502-3d7a-41a8-befa-d21fd80e8767_00000028-0000-0000-0000-000000000003";
const target = { communicationUserId: TARGET };
const FILE = "https://media.example.com/prompt.wav";
const INVALID_FILE = "https://media.example.com/invalid.mp3";
const file = (url: string) => ({ kind: "fileSource" as const, url });
const text = (value: string) => ({ kind: "textSource" as const, text: value, voiceName: "en-US-NancyNeural" });

/** The legs a replay made, by the part they play in the recording's test. */
type Role = "caller" | "callee" | "connect";

interface Run {
  emulator: Emulator;
  client: CallAutomationClient;
  legs: Partial<Record<Role, string>>;
  /** The C# tests' CreateAndAnswerCall: the app calls an ACS user, who answers. */
  call(options?: Parameters<CallAutomationClient["createCall"]>[2]): Promise<CallConnection>;
}

interface Replay {
  /** `Class/Test` in contracts/recordings. */
  recording: string;
  /** Recorded leg label → the part it plays. */
  roles: Record<string, Role>;
  variants?: Partial<Variants>;
  /** The C# test's operations, through the SDK. */
  run(run: Run): Promise<void>;
  /** Finding key (`aspect:detail`) or aspect → the DEVIATIONS.md row that explains it. */
  explained?: Record<string, number>;
}

const hangUpForEveryone = async (connection: CallConnection, emulator: Emulator) => {
  await connection.hangUp(true);
  await emulator.settle();
};
const mediaCall: Record<string, Role> = { A: "callee", B: "caller" };

const REPLAYS: Replay[] = [
  ...["", "Async"].map((twin): Replay => ({
    recording: `CallAutomationClientAutomatedLiveTests/CreateCallAndReject${twin}`,
    roles: { A: "caller" },
    // The same operations gave 200/5002 in one run and 603/0 in the other.
    variants: { decline: twin ? "603/0" : "200/5002" },
    async run(r) {
      if (!KNOWN_ORDER_GAPS.includes("incomingCall")) return void (await r.call());
      r.emulator.setParty(TARGET, { behavior: "decline" });
      await r.call();
    },
  })),
  ...["", "Async"].map((twin): Replay => ({
    recording: `CallAutomationClientAutomatedLiveTests/CreateCallToACSGetCallAndHangUpCallTest${twin}`,
    roles: { A: "caller" },
    async run(r) {
      const connection = await r.call();
      await connection.getCallConnectionProperties();
      await hangUpForEveryone(connection, r.emulator);
    },
  })),
  ...[
    // The creator's leg has no CallDisconnected in the sync recording (findings (f) 7).
    ["ForEveryoneTest", true, "7000", { roster: 81, "types:CallDisconnected": 75 }],
    ["ForEveryoneTestAsync", true, "5001", { roster: 81 }],
    ["Test", false, "7000", { roster: 81, "types:CallDisconnected": 80 }],
    ["TestAsync", false, "7000", { roster: 81, "types:CallDisconnected": 80 }],
  ].map(([name, forEveryone, terminate, explained]): Replay => ({
    recording: `CallAutomationClientAutomatedLiveTests/CreateCallToAcsConnectCallAndHangup${name}`,
    roles: { A: "caller", B: "connect" },
    variants: { terminate: terminate as Variants["terminate"] },
    explained: explained as Record<string, number>,
    async run(r) {
      const connection = await r.call();
      const { serverCallId } = await connection.getCallConnectionProperties();
      const connected = await r.client.connectCall({ kind: "serverCallLocator", id: serverCallId! }, CALLBACK);
      r.legs.connect = connected.callConnectionProperties.callConnectionId!;
      await r.emulator.settle();
      await connected.callConnection.getCallConnectionProperties();
      await connected.callConnection.hangUp(forEveryone as boolean);
      await r.emulator.settle();
    },
  })),
  ...["", "Async"].map((twin): Replay => ({
    recording: `CallConnectionAutomatedLiveTests/CancelAddParticipantTest${twin}`,
    roles: { A: "caller" },
    explained: { roster: 76 },
    async run(r) {
      r.emulator.setParty(THIRD, { behavior: "noAnswer" });
      const connection = await r.call();
      const added = await connection.addParticipant({ targetParticipant: { communicationUserId: THIRD } }, { invitationTimeoutInSeconds: 60, operationContext: "context" });
      r.emulator.advance(3_000);
      await connection.cancelAddParticipantOperation(added.invitationId!, { operationContext: "context" });
      await r.emulator.settle();
    },
  })),
  ...["", "Async"].map((twin): Replay => ({
    recording: `CallConnectionAutomatedLiveTests/MuteParticipantTest${twin}`,
    roles: { A: "caller" },
    async run(r) {
      const connection = await r.call();
      await connection.muteParticipant(target);
      await r.emulator.settle();
    },
  })),
  ...["", "Async"].map((twin): Replay => ({
    recording: `CallConnectionAutomatedLiveTests/RemoveAUserCallTest${twin}`,
    roles: { A: "caller" },
    variants: { removeLast: twin ? "5300" : "5002" },
    async run(r) {
      const connection = await r.call();
      await connection.getCallConnectionProperties();
      await connection.removeParticipant(target, { operationContext: "MyTestOperationcontext" });
      await r.emulator.settle();
    },
  })),
  {
    recording: "CallMediaAutomatedLiveTests/DtmfRecognizeWithMultipleTextSourcesTest",
    roles: mediaCall,
    async run(r) {
      const connection = await r.call();
      await connection.getCallMedia().startRecognizing(target, { kind: "callMediaRecognizeDtmfOptions", playPrompts: [text("Hi"), text("Press a key")], operationContext: "dtmfContext" });
      await r.emulator.settle();
      await hangUpForEveryone(connection, r.emulator);
    },
  },
  ...[
    ["DtmfRecognizeWithInvalidFileSourcesTest", [INVALID_FILE, INVALID_FILE], "5001", { "results:CallDisconnected": 77 }],
    ["DtmfRecognizeWithInvalidFileSourceWithValidSourceTest", [INVALID_FILE, FILE], "5002", {}],
  ].map(([name, prompts, terminate, explained]): Replay => ({
    recording: `CallMediaAutomatedLiveTests/${name}`,
    roles: mediaCall,
    variants: { terminate: terminate as Variants["terminate"] },
    explained: explained as Record<string, number>,
    async run(r) {
      const connection = await r.call();
      const playPrompts = (prompts as string[]).map(file);
      await connection.getCallMedia().startRecognizing(target, { kind: "callMediaRecognizeDtmfOptions", playPrompts, operationContext: "dtmfContext" });
      await r.emulator.settle();
      await hangUpForEveryone(connection, r.emulator);
    },
  })),
  ...[
    ["PlayMultipleFilesSourcesWithPlayMediaTest", FILE, "5001"],
    ["PlayInvalidFileSourceWithPlayMediaTest", INVALID_FILE, "5001"],
  ].map(([name, url, terminate]): Replay => ({
    recording: `CallMediaAutomatedLiveTests/${name}`,
    roles: mediaCall,
    variants: { terminate: terminate as Variants["terminate"] },
    async run(r) {
      const connection = await r.call();
      const sources = url === FILE ? [file(url), file(url), file(url)] : [file(url)];
      await connection.getCallMedia().play(sources, [target], { operationContext: "context" });
      await r.emulator.settle();
      await hangUpForEveryone(connection, r.emulator);
    },
  })),
  {
    recording: "CallMediaAutomatedLiveTests/PlayMultipleFilesSourcesWithPlayMediaAllTest",
    roles: mediaCall,
    explained: { "types:PlayStarted": 78 },
    async run(r) {
      const connection = await r.call();
      await connection.getCallMedia().playToAll([file(FILE), file(FILE), file(FILE)], { operationContext: "context" });
      await r.emulator.settle();
      await hangUpForEveryone(connection, r.emulator);
    },
  },
  {
    recording: "CallMediaAutomatedLiveTests/HoldUnholdParticipantInACallTest",
    roles: mediaCall,
    async run(r) {
      const connection = await r.call();
      await connection.getCallMedia().hold(target, { playSource: file(FILE) });
      await r.emulator.settle();
      await connection.getCallMedia().unhold(target);
      await r.emulator.settle();
      await hangUpForEveryone(connection, r.emulator);
    },
  },
  {
    recording: "CallMediaAutomatedLiveTests/CreateCallAndTranscriptionTest",
    roles: mediaCall,
    explained: { "results:CallDisconnected": 77, "keys:TranscriptionUpdated": 79 },
    async run(r) {
      const transcriptionOptions = { transportType: "websocket" as const, transportUrl: "wss://app.test/transcription", locale: "en-US", startTranscription: false };
      const connection = await r.call({ transcriptionOptions });
      const media = connection.getCallMedia();
      await media.startTranscription({ locale: "en-US", operationContext: "StartTranscription" });
      await r.emulator.settle();
      await media.updateTranscription("en-AU");
      await r.emulator.settle();
      await media.playToAll([text("Transcription is on")], { operationContext: "playalloptionduringtranscription" });
      await r.emulator.settle();
      await media.stopTranscription({ operationContext: "StopTranscription" });
      await r.emulator.settle();
      await hangUpForEveryone(connection, r.emulator);
    },
  },
  {
    recording: "CallMediaAutomatedLiveTests/CreateCallWithMediaStreamingTest",
    roles: mediaCall,
    explained: { "types:MediaStreamingStarted": 78, "keys:MediaStreamingStopped": 79 },
    async run(r) {
      const mediaStreamingOptions = { transportType: "websocket" as const, transportUrl: "wss://app.test/audio", contentType: "audio" as const, audioChannelType: "mixed" as const, startMediaStreaming: false };
      const connection = await r.call({ mediaStreamingOptions });
      await connection.getCallMedia().startMediaStreaming({ operationContext: "startMediaStreamingContext" });
      await r.emulator.settle();
      await connection.getCallMedia().stopMediaStreaming();
      await r.emulator.settle();
      await hangUpForEveryone(connection, r.emulator);
    },
  },
  {
    recording: "CallRecordingAutomatedLiveTests/RecordingOperationsTest",
    roles: { A: "caller" },
    explained: { roster: 76, "types:RecordingStateChanged": 75, "types:CallDisconnected": 75 },
    async run(r) {
      const connection = await r.call();
      const { serverCallId } = await connection.getCallConnectionProperties();
      const recording = r.client.getCallRecording();
      const started = await recording.start({ callLocator: { id: serverCallId!, kind: "serverCallLocator" } });
      await r.emulator.settle();
      await recording.pause(started.recordingId);
      await recording.resume(started.recordingId);
      await recording.stop(started.recordingId);
      await r.emulator.settle();
      await hangUpForEveryone(connection, r.emulator);
    },
  },
];

/** Recordings of operations callsim does not serve, with the DEVIATIONS row that says so. */
const NOT_SERVED: Record<string, number> = {
  "CallDialogAutomatedLiveTests/DialogOperationsTest": 74,
  "CallDialogAutomatedLiveTests/DialogOperationsTestAsync": 74,
};

async function replay(spec: Replay): Promise<Observed> {
  const emulator = createEmulator({ seed: 13, clock: "virtual", variants: spec.variants, selfCheck: "throw" });
  emulator.onCallback("https://app.test/", () => undefined);
  emulator.engine.eventGrid.subscribeValidated("https://app.test/eventgrid");
  const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
  const run: Run = {
    emulator,
    client,
    legs: {},
    async call(options) {
      const created = await client.createCall({ targetParticipant: target }, CALLBACK, options);
      run.legs.caller = created.callConnectionProperties.callConnectionId!;
      await emulator.settle();
      const offered = emulator.events({ type: "IncomingCall" }).find((e) => (e.event as any).data.to.rawId === TARGET);
      if (offered && !KNOWN_ORDER_GAPS.includes("incomingCall")) {
        const answered = await client.answerCall((offered.event as any).data.incomingCallContext, CALLBACK);
        run.legs.callee = answered.callConnectionProperties.callConnectionId!;
        await emulator.settle();
      }
      return created.callConnection;
    },
  };
  try {
    await spec.run(run);
    emulator.assertSelfCheck();
    const eventsOf = (id: string | undefined) =>
      id === undefined
        ? undefined
        : emulator.events({ callConnectionId: id }).map((e) => ({ type: e.type.replace("Microsoft.Communication.", ""), time: String(e.event.time), data: e.event.data as Record<string, any> }));
    const legs = Object.fromEntries(Object.entries(spec.roles).map(([label, role]) => [label, eventsOf(run.legs[role])]));
    const incomingCalls = emulator.events({ type: "IncomingCall" }).map((e) => (e.event as any).data).filter((d) => d.to.rawId === TARGET);
    return { legs, incomingCalls };
  } finally {
    await emulator.close();
  }
}

/** A table row: match, or each difference with the DEVIATIONS row that explains it, or "differs". */
interface Row {
  recording: string;
  verdict: string;
  unexplained: Finding[];
}

/** contracts/DEVIATIONS.md rows by number: what callsim does, cut short for the table. */
const DEVIATIONS = new Map(
  [...readFileSync(new URL("../../contracts/DEVIATIONS.md", import.meta.url), "utf8").matchAll(/^\| (\d+) \| ([^|]+)\|/gm)].map(([, n, what]) => [Number(n), what.trim().slice(0, 70)]),
);

function verdict(spec: Replay, findings: Finding[]): Row {
  const explainedBy = (f: Finding) => spec.explained?.[f.key] ?? spec.explained?.[f.aspect];
  const unexplained = findings.filter((f) => explainedBy(f) === undefined && !KNOWN_ORDER_GAPS.includes(f.aspect));
  const cite = (row: number) => `DEVIATIONS ${row} (${DEVIATIONS.get(row) ?? "NO SUCH ROW"})`;
  const parts = findings.map((f) => (explainedBy(f) !== undefined ? `${cite(explainedBy(f)!)}: ${f.what}` : KNOWN_ORDER_GAPS.includes(f.aspect) ? `differs: ${f.what}` : `UNEXPLAINED: ${f.what}`));
  return { recording: spec.recording, verdict: parts.length === 0 ? "match" : parts.join("; "), unexplained };
}

const rows: Row[] = [];

describe("parity with recorded traffic", () => {
  test("replays every recording whose operations callsim serves, and names the others", () => {
    const covered = new Set([...REPLAYS.map((r) => r.recording), ...Object.keys(NOT_SERVED)]);
    expect(recordingNames().filter((name) => !covered.has(name))).toEqual([]);
    const cited = [...REPLAYS.flatMap((r) => Object.values(r.explained ?? {})), ...Object.values(NOT_SERVED)];
    expect(cited.filter((row) => !DEVIATIONS.has(row))).toEqual([]);
  });

  test.each(REPLAYS.map((spec) => [spec.recording, spec] as const))("%s matches or every difference is explained", async (_, spec) => {
    const row = verdict(spec, compareRecording(loadRecording(spec.recording), await replay(spec)));
    rows.push(row);
    expect(row.unexplained.map((f) => f.what)).toEqual([]);
  });

  afterAll(() => {
    for (const [recording, row] of Object.entries(NOT_SERVED)) rows.push({ recording, verdict: `DEVIATIONS ${row} (${DEVIATIONS.get(row)}): not replayed`, unexplained: [] });
    const kinds = (r: Row) => ({ cites: r.verdict.includes("DEVIATIONS "), gaps: r.verdict.includes("differs:"), bad: r.unexplained.length > 0 });
    const count = (test: (k: ReturnType<typeof kinds>) => boolean) => rows.filter((r) => test(kinds(r))).length;
    const lines = rows.map((r) => `| ${r.recording} | ${r.verdict} |`);
    const totals =
      `${rows.length} recordings: ${count((k) => !k.cites && !k.gaps && !k.bad)} match, ` +
      `${count((k) => !k.cites && k.gaps && !k.bad)} match but for the known gaps (${KNOWN_ORDER_GAPS.join(", ")}), ` +
      `${count((k) => k.cites && !k.gaps && !k.bad)} explained by DEVIATIONS rows, ${count((k) => k.cites && k.gaps && !k.bad)} explained by DEVIATIONS rows and the known gaps, ` +
      `${count((k) => k.bad)} unexplained`;
    console.log(["| recording | parity |", "|---|---|", ...lines, "", totals].join("\n"));
  });
});
