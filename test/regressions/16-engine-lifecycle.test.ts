import { describe, expect, test } from "vitest";
import { DEFAULT_INVITATION_TIMEOUT_MS } from "../../emulator/engine/invitations.js";
import { DEFAULT_RING_MS } from "../../emulator/engine/world.js";
import { DtmfTone } from "@azure/communication-call-automation";
import { DTMF_TONE_MS } from "../../emulator/engine/media/recognitionRules.js";
import { caller, connectedCall as pstnCall } from "../support/media.js";
import { startHarness, useHarness, TRANSPORTS } from "../support/harness.js";

// Issue 16: the engine's invitation timers on the virtual clock, the ended calls it keeps, and a
// leg's first and last events.
describe.each(TRANSPORTS.filter((transport) => transport !== "server"))("engine timers over %s", (transport) => {
  const h = useHarness({ transport });

  const user = (n: number) => `8:acs:16161616-1616-1616-1616-161616161616_0000000${n}-0000-0000-0000-000000000000`;
  async function connectedCall() {
    const result = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallConnected", id);
    return { id, connection: result.callConnection };
  }

  describe("invitation timers (virtual clock)", () => {
    const party = (n: number, settings: { behavior: string; delayMs?: number }) => h.control("PUT", `/emulator/parties/${encodeURIComponent(user(n))}`, settings);
    const labels = () => h.emulator.pending().map((task) => task.label);

    test("a ringing invitation waits for its party and for its timeout, each named; once settled, neither is left", async () => {
      await party(3, { behavior: "decline", delayMs: 200 });
      const { id, connection } = await connectedCall();
      await connection.addParticipant({ targetParticipant: { communicationUserId: user(3) } });
      expect(labels()).toEqual(expect.arrayContaining([`decline ${user(3)}`, `timedOut ${user(3)}`]));
      await h.waitForEvent("AddParticipantFailed", id);
      expect(labels().filter((label) => label?.endsWith(user(3)))).toEqual([]);
    });

    test("an answered call leaves no timeout behind: settling does not run the clock to the invitation's timeout", async () => {
      const start = h.emulator.now();
      await connectedCall();
      await h.settle();
      expect(h.emulator.now() - start).toBeLessThan(DEFAULT_INVITATION_TIMEOUT_MS);
    });

    test("a party left to apps, or that never answers, only times out; one whose phone rings out also stops ringing", async () => {
      await party(3, { behavior: "leftToApps", delayMs: 5 });
      await party(4, { behavior: "noAnswer" });
      await party(5, { behavior: "noAnswer", delayMs: 300 });
      const { connection } = await connectedCall();
      for (const n of [3, 4, 5]) await connection.addParticipant({ targetParticipant: { communicationUserId: user(n) } });
      const mine = (n: number) => labels().filter((label) => label?.endsWith(user(n)));
      expect(mine(3)).toEqual([`timedOut ${user(3)}`]);
      expect(mine(4)).toEqual([`timedOut ${user(4)}`]);
      expect(mine(5)).toEqual([`timedOut ${user(5)}`, `timedOut ${user(5)}`]);
    });

    test("a party with no delay rings for the default ring time; an invitation's own timeout counts from when it was sent", async () => {
      const start = h.emulator.now();
      const { id, connection } = await connectedCall();
      const connected = h.emulator.now();
      expect(connected - start).toBe(DEFAULT_RING_MS);
      await party(3, { behavior: "noAnswer" });
      await connection.addParticipant({ targetParticipant: { communicationUserId: user(3) } }, { invitationTimeoutInSeconds: 2 });
      await h.waitForEvent("AddParticipantFailed", id);
      expect(h.emulator.now() - connected).toBe(2_000);
    });

    test("a party that declines or is busy with no delay of its own does so after the default ring", async () => {
      await party(3, { behavior: "busy" });
      const { id, connection } = await connectedCall();
      const sent = h.emulator.now();
      await connection.addParticipant({ targetParticipant: { communicationUserId: user(3) } });
      await h.waitForEvent("AddParticipantFailed", id);
      expect(h.emulator.now() - sent).toBe(DEFAULT_RING_MS);
    });

    test("a call the world places to the app rings until the app answers: no party answers it", async () => {
      await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid") });
      const placed = await h.control("POST", "/emulator/incoming-calls", { from: "4:+14255550123", to: user(1) });
      await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall", "IncomingCall");
      // An incoming call rings for 30 s before it times out; a party answers after 10 ms.
      h.emulator.advance(20_000);
      const [call] = (await h.control("GET", "/emulator/calls")).body;
      expect(call.serverCallId).toBe(placed.body.serverCallId);
      expect(call.invitations).toEqual([expect.objectContaining({ purpose: "incoming", state: "ringing" })]);
      const answered = await h.client.answerCall(placed.body.incomingCallContext, h.callbackUri);
      await h.waitForEvent("CallConnected", answered.callConnectionProperties.callConnectionId!);
    });

    test("what the service does after a delay happens that long after the request: DTMF tones take their time", async () => {
      const { id, media } = await pstnCall(h);
      const sent = h.emulator.now();
      await media.sendDtmfTones([DtmfTone.One, DtmfTone.Two, DtmfTone.Pound], caller);
      await h.waitForEvent("SendDtmfTonesCompleted", id);
      expect(h.emulator.now() - sent).toBe(3 * DTMF_TONE_MS);
    });

    test("a call that ends withdraws the timers of its invitations still ringing", async () => {
      await party(3, { behavior: "noAnswer" });
      const { id, connection } = await connectedCall();
      await connection.addParticipant({ targetParticipant: { communicationUserId: user(3) } });
      await connection.hangUp(true);
      await h.waitForEvent("CallDisconnected", id);
      expect(labels().filter((label) => label?.endsWith(user(3)))).toEqual([]);
    });
  });
});

describe("ended calls kept (endedCallRetention)", () => {
  test("past the retention plus a tenth (at least one), the oldest ended calls are forgotten down to the retention, with their connections and invitations", async () => {
    const h = await startHarness({ transport: "direct", endedCallRetention: 2 });
    try {
      const user = (n: number) => `8:acs:16161616-1616-1616-1616-161616161616_0000001${n}-0000-0000-0000-000000000000`;
      const ids: string[] = [];
      const counts: unknown[] = [];
      for (let n = 0; n < 5; n++) {
        const result = await h.client.createCall({ targetParticipant: { communicationUserId: user(n) } }, h.callbackUri);
        const id = result.callConnectionProperties.callConnectionId!;
        await h.waitForEvent("CallConnected", id);
        await result.callConnection.hangUp(true);
        await h.waitForEvent("CallDisconnected", id);
        ids.push(id);
        counts.push((await h.control("GET", "/emulator/info")).body.calls);
      }
      expect(counts).toEqual([
        { live: 0, ended: 1, forgotten: 0 },
        { live: 0, ended: 2, forgotten: 0 },
        { live: 0, ended: 3, forgotten: 0 },
        { live: 0, ended: 2, forgotten: 2 },
        { live: 0, ended: 3, forgotten: 2 },
      ]);
      const store = h.emulator.engine.context.store;
      expect(store.calls.size).toBe(3);
      expect(store.connections.size).toBe(3);
      expect([...store.invitations.values()].every((i) => store.calls.has(i.serverCallId))).toBe(true);
      expect([...store.incoming.values()].every((i) => store.calls.has(i.serverCallId))).toBe(true);
      expect(store.invitations.size).toBeGreaterThan(0);
      // A forgotten connection is unknown; one kept has ended.
      const gone = await h.control("GET", "/emulator/calls");
      expect(gone.body.map((c: { connections: { callConnectionId: string }[] }) => c.connections[0].callConnectionId)).toEqual(ids.slice(2));
      // After a reset nothing is kept and nothing counts as forgotten.
      await h.reset();
      expect((await h.control("GET", "/emulator/info")).body.calls).toEqual({ live: 0, ended: 0, forgotten: 0 });
    } finally {
      await h.close();
    }
  });
});

describe.each(TRANSPORTS)("a leg's first and last events over %s", (transport) => {
  const h = useHarness({ transport });

  const user = (n: number) => `8:acs:16161616-1616-1616-1616-161616161616_0000002${n}-0000-0000-0000-000000000000`;

  test("CallConnected carries the call's operationContext and a plain 200/0 with no message", async () => {
    const result = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri, { operationContext: "first-call" });
    const connected = await h.waitForEvent("CallConnected", result.callConnectionProperties.callConnectionId!);
    expect(connected.operationContext).toBe("first-call");
    expect(connected.resultInformation).toEqual({ code: 200, subCode: 0, message: "" });
  });

  test("a connectCall leg names no targets: it called nobody", async () => {
    const started = await h.control("POST", "/emulator/calls", { participants: [user(1), user(2)] });
    const joined = await h.client.connectCall({ kind: "serverCallLocator", id: started.body.serverCallId }, h.callbackUri);
    await h.waitForEvent("CallConnected", joined.callConnectionProperties.callConnectionId!);
    expect((await joined.callConnection.getCallConnectionProperties()).targetParticipants ?? []).toEqual([]);
  });

  test("a leg that leaves a group call hears no roster after it left: its CallDisconnected is its last word", async () => {
    const result = await h.client.createGroupCall([{ communicationUserId: user(1) }, { communicationUserId: user(2) }], h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.length === 3);
    await h.drain();
    const before = h.eventTypes(id).length;
    await result.callConnection.hangUp(false);
    await h.waitForEvent("CallDisconnected", id);
    await h.drain();
    expect(h.eventTypes(id).slice(before)).toEqual(["CallDisconnected"]);
  });
});
