import { CallAutomationClient } from "@azure/communication-call-automation";
import { describe, expect, test } from "vitest";
import { clientOptionsFor, TRANSPORTS } from "../support/harness.js";
import { connectedCall, useMediaHarness } from "../support/media.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(TRANSPORTS)("getCallConnectionProperties over %s", (transport) => {
  const h = useMediaHarness({ transport });
  const transcriptionOptions = { transportType: "websocket" as const, transportUrl: "wss://app.example.com/transcripts", locale: "en-US" };
  const mediaStreamingOptions = { transportType: "websocket" as const, transportUrl: "wss://app.example.com/audio", audioChannelType: "mixed" as const, contentType: "audio" as const };

  test("shows the transcription and media streaming subscriptions a call was set up with, and their state as it changes", async () => {
    const { connection, media } = await connectedCall(h, [], { transcriptionOptions, mediaStreamingOptions });
    const before = await connection.getCallConnectionProperties();
    expect(before.transcriptionSubscription).toEqual({ id: expect.stringMatching(UUID), state: "inactive", subscribedResultStates: ["final"], locale: "en-US" });
    expect(before.mediaStreamingSubscription).toEqual({ id: expect.stringMatching(UUID), state: "inactive", subscribedContentTypes: ["audio"] });

    await media.startTranscription();
    await media.startMediaStreaming();
    await media.updateTranscription("fr-FR");
    const running = await connection.getCallConnectionProperties();
    expect(running.transcriptionSubscription).toEqual({ ...before.transcriptionSubscription, state: "active", locale: "fr-FR" });
    expect(running.mediaStreamingSubscription).toEqual({ ...before.mediaStreamingSubscription, state: "active" });

    await media.stopTranscription();
    expect((await connection.getCallConnectionProperties()).transcriptionSubscription?.state).toBe("inactive");
  });

  // The SDK names the wire's subscribedResultTypes "subscribedResultStates".
  test("subscribes to intermediate results when the options enable them", async () => {
    const { connection } = await connectedCall(h, [], { transcriptionOptions: { ...transcriptionOptions, enableIntermediateResults: true } });
    expect((await connection.getCallConnectionProperties()).transcriptionSubscription?.subscribedResultStates).toEqual(["final", "intermediate"]);
  });

  test("has no subscription for what the call was not set up with", async () => {
    const { connection } = await connectedCall(h);
    const properties = await connection.getCallConnectionProperties();
    expect(properties.transcriptionSubscription).toBeUndefined();
    expect(properties.mediaStreamingSubscription).toBeUndefined();
  });

  // What the live-transcription quickstart reads: on CallConnected, and before it stops transcription.
  test("names who answered (the client's sourceIdentity) and the number the call was for; transcription started with the call reads active", async () => {
    const agent = "8:acs:11111111-1111-1111-1111-111111111111_00000009-0000-0000-0000-000000000000";
    await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid") });
    const placed = await h.control("POST", "/emulator/incoming-calls", { from: "4:+14255550123", to: "4:+18005550100" });
    const incoming = await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall" && e.data.serverCallId === placed.body.serverCallId, "IncomingCall");
    const client = new CallAutomationClient(h.connectionString, { ...clientOptionsFor(h), sourceIdentity: { communicationUserId: agent } });
    const answered = await client.answerCall(incoming.data.incomingCallContext, h.callbackUri, { transcriptionOptions: { ...transcriptionOptions, startTranscription: true } });
    expect(answered.callConnectionProperties.answeredby).toEqual({ communicationUserId: agent });
    expect(answered.callConnectionProperties.answeredFor).toEqual({ phoneNumber: "+18005550100" });
    const id = answered.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallConnected", id);
    const properties = await client.getCallConnection(id).getCallConnectionProperties();
    expect(properties).toMatchObject({ answeredby: { communicationUserId: agent }, answeredFor: { phoneNumber: "+18005550100" }, transcriptionSubscription: { state: "active" } });
  });
});
