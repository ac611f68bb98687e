import type { CallConnection } from "@azure/communication-call-automation";
import { describe, expect, test } from "vitest";
import { acsUser as user, rawIdOf, refusal } from "../support/calls.js";
import { TRANSPORTS, useHarness, type Harness } from "../support/harness.js";

// Issue 16: moveParticipants' refusals (which field, which words), the participants its answer
// describes, and what happens when a call or a participant goes before the move runs; hangUp of
// a call still ringing out and of a second app leg sharing the first one's identity.

function harnessOver(transports: typeof TRANSPORTS, name: string, body: (h: () => Harness) => void, options: { phoneNumbers?: string[]; prepare?: (h: Harness) => Promise<unknown> } = {}) {
  describe.each(transports)(`${name} over %s`, (transport) => {
    const h = useHarness({ transport, phoneNumbers: options.phoneNumbers }, async (h) => {
      await options.prepare?.(h);
    });
    body(() => h);
  });
}

async function connectedCall(h: Harness, callee: string): Promise<{ id: string; connection: CallConnection; serverCallId: string }> {
  const result = await h.client.createCall({ targetParticipant: { communicationUserId: callee } }, h.callbackUri);
  const id = result.callConnectionProperties.callConnectionId!;
  await h.waitForEvent("ParticipantsUpdated", id);
  return { id, connection: result.callConnection, serverCallId: result.callConnectionProperties.serverCallId! };
}

/** A second app leg joined to the call of `first` with connectCall. */
async function secondLeg(h: Harness, serverCallId: string) {
  const second = await h.client.connectCall({ kind: "serverCallLocator", id: serverCallId }, h.callbackUri);
  const id = second.callConnectionProperties.callConnectionId!;
  await h.waitForEvent("CallConnected", id);
  return { id, connection: second.callConnection };
}

harnessOver(TRANSPORTS, "moveParticipants refusals and answers", (get) => {
  test("answers the moved participants as neither muted nor on hold", async () => {
    const h = get();
    const target = await connectedCall(h, user(1));
    const source = await connectedCall(h, user(2));
    const moved = await target.connection.moveParticipants([{ communicationUserId: user(2) }], source.id);
    expect(moved.participants).toEqual([expect.objectContaining({ identifier: { communicationUserId: user(2) }, isMuted: false, isOnHold: false })]);
  });

  test("refuses an empty fromCall with 400 naming it", async () => {
    const h = get();
    const target = await connectedCall(h, user(1));
    const refused = await refusal(target.connection.moveParticipants([{ communicationUserId: user(2) }], ""));
    expect(refused).toMatchObject({ status: 400, target: "fromCall" });
    expect(refused.message).toMatch(/^fromCall is required: the callConnectionId of the call to move the participants from\./);
  });

  test("refuses fromCall naming this call connection with 400, saying to name another call's", async () => {
    const h = get();
    const target = await connectedCall(h, user(1));
    const refused = await refusal(target.connection.moveParticipants([{ communicationUserId: user(1) }], target.id));
    expect(refused).toMatchObject({ status: 400, target: "fromCall" });
    expect(refused.message).toMatch(/^fromCall is this call connection; name the call connection of another call/);
  });

  test("refuses fromCall naming another app leg in this same call with 400, and nobody moves", async () => {
    const h = get();
    const first = await connectedCall(h, user(1));
    const second = await secondLeg(h, first.serverCallId);
    const refused = await refusal(first.connection.moveParticipants([{ communicationUserId: user(1) }], second.id));
    expect(refused).toMatchObject({ status: 400, target: "fromCall" });
    expect(refused.message).toMatch(new RegExp(`^Call connection ${second.id} is in this same call; its participants are already here\\.`));
    await h.settle();
    expect(h.eventTypes(first.id).filter((t) => t.startsWith("MoveParticipant"))).toEqual([]);
  });

  test("refuses an empty targetParticipants with 400 naming it", async () => {
    const h = get();
    const target = await connectedCall(h, user(1));
    const source = await connectedCall(h, user(2));
    const refused = await refusal(target.connection.moveParticipants([], source.id));
    expect(refused).toMatchObject({ status: 400, target: "targetParticipants" });
    expect(refused.message).toMatch(/^targetParticipants must list at least one participant of the fromCall call to move\./);
  });

  test("refuses to move the app's own leg of the fromCall call, saying to hang it up", async () => {
    const h = get();
    const target = await connectedCall(h, user(1));
    const source = await connectedCall(h, user(2));
    const { values } = await source.connection.listParticipants();
    const app = values!.map((p) => rawIdOf(p.identifier)).find((rawId) => rawId !== user(2))!;
    const refused = await refusal(target.connection.moveParticipants([{ communicationUserId: app }], source.id));
    expect(refused).toMatchObject({ status: 400, target: "targetParticipants[0]" });
    expect(refused.message).toMatch(new RegExp(`^${app} is the app's own leg in the fromCall call; it cannot be moved\\.`));
  });

  test("refuses someone who is in both calls with 400 naming the entry", async () => {
    const h = get();
    const target = await connectedCall(h, user(1));
    const source = await connectedCall(h, user(2));
    await source.connection.addParticipant({ targetParticipant: { communicationUserId: user(1) } });
    await h.waitForEvent("AddParticipantSucceeded", source.id);
    const refused = await refusal(target.connection.moveParticipants([{ communicationUserId: user(2) }, { communicationUserId: user(1) }], source.id));
    expect(refused).toMatchObject({ status: 400, target: "targetParticipants[1]" });
    expect(refused.message).toMatch(new RegExp(`^${user(1)} is already in this call\\.`));
  });

  test("answers 404 naming the entry of someone not in the fromCall call", async () => {
    const h = get();
    const target = await connectedCall(h, user(1));
    const source = await connectedCall(h, user(2));
    const refused = await refusal(target.connection.moveParticipants([{ communicationUserId: user(2) }, { communicationUserId: user(3) }], source.id));
    expect(refused).toMatchObject({ status: 404, target: "targetParticipants[1]" });
  });

  test("refuses an operationCallbackUri that is no http(s) URL, naming it", async () => {
    const h = get();
    const target = await connectedCall(h, user(1));
    const source = await connectedCall(h, user(2));
    const refused = await refusal(target.connection.moveParticipants([{ communicationUserId: user(2) }], source.id, { operationCallbackUrl: "ftp://example.com/x" }));
    expect(refused).toMatchObject({ status: 400, target: "operationCallbackUri" });
  });
});

harnessOver(TRANSPORTS, "hangUp", (get) => {
  test("hanging up a call still ringing out cancels it: CallDisconnected 7000, the invitation withdrawn, never CallConnected", async () => {
    const h = get();
    await h.control("PUT", `/emulator/parties/${encodeURIComponent(user(1))}`, { behavior: "noAnswer" });
    const created = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri);
    const id = created.callConnectionProperties.callConnectionId!;
    await created.callConnection.hangUp(false);
    const disconnected = await h.waitForEvent("CallDisconnected", id);
    expect(disconnected.resultInformation).toMatchObject({ code: 200, subCode: 7000 });
    await h.drain();
    const calls = (await h.control("GET", "/emulator/calls")).body as any[];
    expect(calls[0].ended).toBe(true);
    expect(calls[0].invitations.map((i: any) => i.state)).toEqual(["canceled"]);
    expect(h.eventTypes(id)).toEqual(["CallDisconnected"]);
  });

  test("hanging up a call still ringing out ends it for the app's connectCall leg as a terminate does (7000), not as a leg left alone (5010)", async () => {
    const h = get();
    await h.control("PUT", `/emulator/parties/${encodeURIComponent(user(1))}`, { behavior: "noAnswer" });
    const created = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri);
    const id = created.callConnectionProperties.callConnectionId!;
    const second = await secondLeg(h, created.callConnectionProperties.serverCallId!);
    await created.callConnection.hangUp(false);
    expect((await h.waitForEvent("CallDisconnected", id)).resultInformation).toMatchObject({ code: 200, subCode: 7000 });
    expect((await h.waitForEvent("CallDisconnected", second.id)).resultInformation).toMatchObject({ code: 200, subCode: 7000 });
    expect(h.eventTypes(id)).toEqual(["CallDisconnected"]);
  });

  test("a connectCall leg sharing the app's identity hangs up alone: the first leg keeps the call and hears no roster", async () => {
    const h = get();
    const first = await connectedCall(h, user(1));
    const second = await secondLeg(h, first.serverCallId);
    await h.waitForEvent("ParticipantsUpdated", second.id, (d) => d.sequenceNumber === 3);
    await second.connection.hangUp(false);
    expect((await h.waitForEvent("CallDisconnected", second.id)).resultInformation).toMatchObject({ code: 200, subCode: 7000 });
    await h.drain();
    expect(h.eventTypes(first.id)).toEqual(["CallConnected", "ParticipantsUpdated"]);
    const { values } = await first.connection.listParticipants();
    expect(values!.map((p) => rawIdOf(p.identifier))).toContain(user(1));
    expect(values).toHaveLength(2);
  });
});

// The asynchronous half of a move runs on the next turn of the clock; only the virtual clock
// lets the test act in between (on the real one it runs before the next request arrives).
harnessOver(
  TRANSPORTS.filter((t) => t !== "server"),
  "moves overtaken by a hang-up",
  (get) => {
    test("moving the same participant twice before either runs: the second finds them gone, MoveParticipantFailed 404/8522", async () => {
      const h = get();
      const target = await connectedCall(h, user(1));
      const group = await h.client.createGroupCall([{ communicationUserId: user(2) }, { communicationUserId: user(3) }], h.callbackUri);
      const sourceId = group.callConnectionProperties.callConnectionId!;
      await h.waitForEvent("ParticipantsUpdated", sourceId, (d) => d.participants.length === 3);
      await target.connection.moveParticipants([{ communicationUserId: user(2) }], sourceId, { operationContext: "first" });
      await target.connection.moveParticipants([{ communicationUserId: user(2) }], sourceId, { operationContext: "again" });
      const failed = await h.waitForEvent("MoveParticipantFailed", target.id);
      expect(failed.operationContext).toBe("again");
      expect(failed.participant).toEqual({ communicationUserId: user(2) });
      expect((failed as any).fromCall).toBe(sourceId);
      expect(failed.resultInformation).toEqual({
        code: 404,
        subCode: 8522,
        message: `moveParticipants failed for participant ${user(2)}: it is no longer in the call of ${sourceId}. DiagCode: 404#8522.@`,
      });
      await h.drain();
      const moves = h.receiver.events().filter((e) => e.type.includes("MoveParticipant"));
      expect(moves.map((e) => [e.type.replace("Microsoft.Communication.", ""), e.data.operationContext])).toEqual([
        ["MoveParticipantSucceeded", "first"],
        ["MoveParticipantFailed", "again"],
      ]);
      expect((await target.connection.listParticipants()).values).toHaveLength(3);
      expect((await group.callConnection.listParticipants()).values!.map((p) => rawIdOf(p.identifier))).toContain(user(3));
    });

    test("a move into a call the app hangs up before it runs moves nobody and sends nothing", async () => {
      const h = get();
      const target = await connectedCall(h, user(1));
      const source = await connectedCall(h, user(2));
      await target.connection.moveParticipants([{ communicationUserId: user(2) }], source.id);
      await target.connection.hangUp(false);
      await h.waitForEvent("CallDisconnected", target.id);
      await h.drain();
      expect(h.eventTypes(target.id).filter((t) => t.startsWith("MoveParticipant"))).toEqual([]);
      expect((await source.connection.listParticipants()).values!.map((p) => rawIdOf(p.identifier))).toContain(user(2));
    });
  },
);

const inbound = "+18005550100";
const outbound = "+18005550111";
const caller = "+14255550123";
/** The app owns `inbound`; calls to ACS users are not offered to it: their own clients answer them. */
const ownNumbers = {
  phoneNumbers: [inbound],
  prepare: (h: Harness) =>
    h.control("POST", "/emulator/subscriptions", {
      endpoint: h.receiver.url("/eventgrid"),
      filter: { advancedFilters: [{ operatorType: "StringNotBeginsWith", key: "data.to.rawid", values: ["8"] }] },
    }),
};
harnessOver(
  TRANSPORTS,
  "the app's own numbers",
  (get) => {
    const incomingCall = (h: Harness, to: string) => h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall" && e.data.to.rawId === to, `IncomingCall to ${to}`);

    test("addParticipant to the app's own number offers the call from the caller id it was given", async () => {
      const h = get();
      const agentCall = await connectedCall(h, user(2));
      await agentCall.connection.addParticipant({ targetParticipant: { phoneNumber: inbound }, sourceCallIdNumber: { phoneNumber: caller } });
      const offered = await incomingCall(h, `4:${inbound}`);
      expect(offered.data.from).toMatchObject({ rawId: `4:${caller}`, phoneNumber: { value: caller } });
    });

    test("the number the app called stands for the user who answered it only in that call, not in another call that user is in", async () => {
      // The multiple dial-out sample's shape: call 1 answered by the app, call 2 to its other number redirected to an agent.
      const h = get();
      const agent = user(2);
      await h.control("PUT", `/emulator/phone-numbers/${encodeURIComponent(outbound)}`);
      await h.client.createCall({ targetParticipant: { phoneNumber: inbound }, sourceCallIdNumber: { phoneNumber: caller } }, h.callbackUri);
      const answered = await h.client.answerCall((await incomingCall(h, `4:${inbound}`)).data.incomingCallContext, h.callbackUri);
      const hereId = answered.callConnectionProperties.callConnectionId!;
      await h.waitForEvent("CallConnected", hereId);
      const redirected = await h.client.createCall({ targetParticipant: { phoneNumber: outbound }, sourceCallIdNumber: { phoneNumber: inbound } }, h.callbackUri);
      await h.client.redirectCall((await incomingCall(h, `4:${outbound}`)).data.incomingCallContext, { targetParticipant: { communicationUserId: agent } });
      await h.waitForEvent("CallConnected", redirected.callConnectionProperties.callConnectionId!);
      // A third call the agent is in directly, with no redirect behind them.
      const direct = await connectedCall(h, agent);

      const refused = await refusal(answered.callConnection.moveParticipants([{ phoneNumber: outbound }], direct.id));
      expect(refused).toMatchObject({ status: 404, target: "targetParticipants[0]" });
      expect(refused.message).toMatch(new RegExp(`^Participant 4:\\${outbound} is not in the fromCall call\\.`));
      expect((await direct.connection.listParticipants()).values!.map((p) => rawIdOf(p.identifier))).toContain(agent);
    });
  },
  ownNumbers,
);

harnessOver(
  TRANSPORTS.filter((t) => t !== "server"),
  "redirects that did not connect",
  (get) => {
    test("a redirect the user declined does not make the number stand for them, though they joined the call later", async () => {
      const h = get();
      const agent = user(2);
      const party = (behavior: string) => h.control("PUT", `/emulator/parties/${encodeURIComponent(agent)}`, { behavior });
      await h.control("PUT", `/emulator/phone-numbers/${encodeURIComponent(outbound)}`);
      const here = await connectedCall(h, user(1));
      const group = await h.client.createGroupCall([{ communicationUserId: user(3) }, { phoneNumber: outbound }], h.callbackUri, { sourceCallIdNumber: { phoneNumber: inbound } });
      const groupId = group.callConnectionProperties.callConnectionId!;
      await h.waitForEvent("CallConnected", groupId);
      await party("decline");
      const offered = await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall" && e.data.to.rawId === `4:${outbound}`, "IncomingCall to the app's number");
      await h.client.redirectCall(offered.data.incomingCallContext, { targetParticipant: { communicationUserId: agent } });
      await h.settle();
      const declined = ((await h.control("GET", "/emulator/calls")).body as any[]).flatMap((c) => c.invitations).filter((i: any) => i.target === agent);
      expect(declined.map((i: any) => i.state)).toEqual(["failed"]);
      await party("answer");
      await group.callConnection.addParticipant({ targetParticipant: { communicationUserId: agent } });
      await h.waitForEvent("AddParticipantSucceeded", groupId);

      const refused = await refusal(here.connection.moveParticipants([{ phoneNumber: outbound }], groupId));
      expect(refused).toMatchObject({ status: 404, target: "targetParticipants[0]" });
      expect((await group.callConnection.listParticipants()).values!.map((p) => rawIdOf(p.identifier))).toContain(agent);
    });
  },
  ownNumbers,
);
