import type { CallAutomationClient, CallConnection } from "@azure/communication-call-automation";
import { expect } from "vitest";
import type { Emulator, Variants } from "../../emulator/index.js";

/*
 * The operations of the C# live tests behind contracts/recordings, through the JS SDK: one
 * replay per recording whose operations callsim serves (test/contracts/recordedParity.test.ts
 * runs and compares them). Each names the DEVIATIONS.md rows that explain its differences.
 */

export const CALLBACK = "https://app.test/events";
export const TARGET = "8:acs:6d889502-3d7a-41a8-befa-d21fd80e8767_00000028-0000-0000-0000-000000000002";
const THIRD = "8:acs:6d889502-3d7a-41a8-befa-d21fd80e8767_00000028-0000-0000-0000-000000000003";
export const target = { communicationUserId: TARGET };
const FILE = "https://media.example.com/prompt.wav";
const INVALID_FILE = "https://media.example.com/invalid.mp3";
const file = (url: string) => ({ kind: "fileSource" as const, url });
const text = (value: string) => ({ kind: "textSource" as const, text: value, voiceName: "en-US-NancyNeural" });


/** The legs a replay made, by the part they play in the recording's test. */
export type Role = "caller" | "callee" | "connect";

export interface Run {
  emulator: Emulator;
  client: CallAutomationClient;
  legs: Partial<Record<Role, string>>;
  /** Whether the app answers and rejects its own invitations through IncomingCall, as the C# tests do. */
  answersThroughIncomingCall: boolean;
  /** The C# tests' CreateAndAnswerCall: the app calls an ACS user, who answers (or rejects, through IncomingCall). */
  call(options?: Parameters<CallAutomationClient["createCall"]>[2], callee?: "answer" | "reject"): Promise<CallConnection>;
}

export interface Replay {
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

/** Runs the C# test's steps one after another, each given time to play out, as the test waits for its event. */
async function inTurn(emulator: Emulator, ...steps: Array<() => Promise<unknown>>): Promise<void> {
  for (const step of steps) {
    await step();
    await emulator.settle();
  }
}
const hangUpForEveryone = (connection: CallConnection, emulator: Emulator) => inTurn(emulator, () => connection.hangUp(true));
const mediaCall: Record<string, Role> = { A: "callee", B: "caller" };
/** Older runs that sent created and answered legs their first roster before CallConnected. */
const ROSTER_FIRST: Partial<Variants> = { createCallOrder: "rosterFirst", answerOrder: "rosterFirst" };

export const REPLAYS: Replay[] = [
  ...["", "Async"].map((twin): Replay => ({
    recording: `CallAutomationClientAutomatedLiveTests/CreateCallAndReject${twin}`,
    roles: { A: "caller" },
    // The same operations gave 200/5002 in one run and 603/0 in the other.
    variants: { decline: twin ? "603/0" : "200/5002" },
    async run(r) {
      if (r.answersThroughIncomingCall) return void (await r.call({}, "reject"));
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
    ["ForEveryoneTest", true, "7000", { "types:CallDisconnected": 103 }],
    ["ForEveryoneTestAsync", true, "5001", {}],
    ["Test", false, "7000", {}],
    // This 2025-06-17 run sent the created leg its roster before CallConnected.
    ["TestAsync", false, "7000", {}, "rosterFirst"],
  ].map(([name, forEveryone, terminate, explained, createCallOrder = "connectedFirst"]): Replay => ({
    recording: `CallAutomationClientAutomatedLiveTests/CreateCallToAcsConnectCallAndHangup${name}`,
    roles: { A: "caller", B: "connect" },
    variants: { terminate: terminate as Variants["terminate"], createCallOrder: createCallOrder as Variants["createCallOrder"] },
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
      // The C# test then hangs up the answered leg (a 404 once the call is over).
      await r.client.getCallConnection(r.legs.callee!).hangUp(forEveryone as boolean).catch((e) => expect(e.statusCode).toBe(404));
      await r.emulator.settle();
    },
  })),
  ...["", "Async"].map((twin): Replay => ({
    recording: `CallConnectionAutomatedLiveTests/CancelAddParticipantTest${twin}`,
    roles: { A: "caller" },
    // Both runs (2024-01-04, 2025-06-17) sent the created leg its roster before CallConnected.
    variants: { createCallOrder: "rosterFirst" },
    explained: { roster: 104 },
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
    // The Async run (2025-06-17) also sent the created leg its roster before CallConnected.
    variants: twin ? { removeLast: "5300", createCallOrder: "rosterFirst" } : { removeLast: "5002" },
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
    explained: { "types:CallDisconnected": 103 },
    async run(r) {
      const connection = await r.call();
      await connection.getCallMedia().startRecognizing(target, { kind: "callMediaRecognizeDtmfOptions", playPrompts: [text("Hi"), text("Press a key")], operationContext: "dtmfContext" });
      await r.emulator.settle();
      await hangUpForEveryone(connection, r.emulator);
    },
  },
  ...[
    // The 2025-05-16 run sent both legs their roster before CallConnected.
    ["DtmfRecognizeWithInvalidFileSourcesTest", [INVALID_FILE, INVALID_FILE], "5001", { "results:CallDisconnected": 105 }, ROSTER_FIRST],
    ["DtmfRecognizeWithInvalidFileSourceWithValidSourceTest", [INVALID_FILE, FILE], "5002", {}, {}],
  ].map(([name, prompts, terminate, explained, order]): Replay => ({
    recording: `CallMediaAutomatedLiveTests/${name}`,
    roles: mediaCall,
    variants: { terminate: terminate as Variants["terminate"], ...(order as Partial<Variants>) },
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
    explained: { "types:PlayStarted": 106 },
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
    explained: { "types:CallDisconnected": 103 },
    async run(r) {
      const connection = await r.call();
      const media = connection.getCallMedia();
      await inTurn(r.emulator, () => media.hold(target, { playSource: file(FILE) }), () => media.unhold(target), () => connection.hangUp(true));
    },
  },
  {
    recording: "CallMediaAutomatedLiveTests/CreateCallAndTranscriptionTest",
    roles: mediaCall,
    // The 2025-05-22 run sent both legs their roster before CallConnected.
    variants: ROSTER_FIRST,
    explained: { "results:CallDisconnected": 105, "keys:TranscriptionUpdated": 107 },
    async run(r) {
      const transcriptionOptions = { transportType: "websocket" as const, transportUrl: "wss://app.test/transcription", locale: "en-US", startTranscription: false };
      const connection = await r.call({ transcriptionOptions });
      const media = connection.getCallMedia();
      await inTurn(
        r.emulator,
        () => media.startTranscription({ locale: "en-US", operationContext: "StartTranscription" }),
        () => media.updateTranscription("en-AU"),
        () => media.playToAll([text("Transcription is on")], { operationContext: "playalloptionduringtranscription" }),
        () => media.stopTranscription({ operationContext: "StopTranscription" }),
        () => connection.hangUp(true),
      );
    },
  },
  {
    recording: "CallMediaAutomatedLiveTests/CreateCallWithMediaStreamingTest",
    roles: mediaCall,
    explained: { "types:MediaStreamingStarted": 106, "keys:MediaStreamingStopped": 107 },
    async run(r) {
      const mediaStreamingOptions = { transportType: "websocket" as const, transportUrl: "wss://app.test/audio", contentType: "audio" as const, audioChannelType: "mixed" as const, startMediaStreaming: false };
      const connection = await r.call({ mediaStreamingOptions });
      const media = connection.getCallMedia();
      await inTurn(r.emulator, () => media.startMediaStreaming({ operationContext: "startMediaStreamingContext" }), () => media.stopMediaStreaming(), () => connection.hangUp(true));
    },
  },
  {
    recording: "CallRecordingAutomatedLiveTests/RecordingOperationsTest",
    roles: { A: "caller" },
    explained: { roster: 104, "types:RecordingStateChanged": 103, "types:CallDisconnected": 103 },
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
export const NOT_SERVED: Record<string, number> = {
  "CallDialogAutomatedLiveTests/DialogOperationsTest": 102,
  "CallDialogAutomatedLiveTests/DialogOperationsTestAsync": 102,
};

