import { CallAutomationClient } from "@azure/communication-call-automation";
import { afterEach, describe, expect, test } from "vitest";
import type { CallbackReply, CallbackRequest } from "../../emulator/delivery/inProcessSink.js";
import { createEmulator, type Emulator } from "../../emulator/index.js";
import { DEFAULT_RING_MS } from "../../emulator/engine/world.js";

// Forgetting the oldest ended calls (endedCallRetention) forgets their invitations and incoming
// calls only: a call still ringing, and a live call's invitation still ringing, stay usable.
const CALLBACK = "https://app.test/events";
const WEBHOOK = "https://app.test/eventgrid";
const CALLER = "4:+14255550123";
const APP_NUMBER = "4:+18005550100";
const user = (n: number) => `8:acs:17171717-1717-1717-1717-171717171717_0000002${n}-0000-0000-0000-000000000000`;

let emulator: Emulator;
afterEach(async () => {
  await emulator.close();
});

describe("ended calls forgotten past the retention", () => {
  test("leave a ringing incoming call answerable and a live call's ringing invitation cancellable", async () => {
    emulator = createEmulator({ selfCheck: true, seed: 17, clock: "virtual", endedCallRetention: 1 });
    const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
    const heard: string[] = [];
    emulator.onCallback(WEBHOOK, (request: CallbackRequest): CallbackReply =>
      request.headers["aeg-event-type"] === "SubscriptionValidation" ? { status: 200, body: { validationResponse: request.events[0].data.validationCode } } : { status: 200 },
    );
    emulator.onCallback(CALLBACK, (request: CallbackRequest): CallbackReply => {
      for (const event of request.events) heard.push(String(event.type).replace("Microsoft.Communication.", ""));
      return { status: 200 };
    });
    await emulator.subscribe(WEBHOOK, ["IncomingCall"]);
    // Each step moves time by a few rings only: far less than an incoming call or an invitation rings.
    const ring = async () => {
      emulator.advance(5 * DEFAULT_RING_MS);
      await emulator.engine.outbox.whenIdle();
    };

    const incoming = emulator.placeIncomingCall({ from: CALLER, to: APP_NUMBER });
    const live = await client.createCall({ targetParticipant: { communicationUserId: user(0) } }, CALLBACK);
    await ring();
    emulator.setParty(user(1), { behavior: "noAnswer" });
    const { invitationId } = await live.callConnection.addParticipant({ targetParticipant: { communicationUserId: user(1) } });
    for (let n = 2; n < 5; n++) {
      const ended = await client.createCall({ targetParticipant: { communicationUserId: user(n) } }, CALLBACK);
      await ring();
      await ended.callConnection.hangUp(true);
      await ring();
    }
    expect(emulator.engine.context.store.counts()).toMatchObject({ ended: 1, forgotten: 2 });

    await live.callConnection.cancelAddParticipantOperation(invitationId!);
    const answered = await client.answerCall(incoming.incomingCallContext, CALLBACK);
    await ring();
    expect(heard).toContain("CancelAddParticipantSucceeded");
    expect(answered.callConnectionProperties.callConnectionState).toBeDefined();
    expect(heard.filter((type) => type === "CallConnected")).toHaveLength(5);
  });
});
