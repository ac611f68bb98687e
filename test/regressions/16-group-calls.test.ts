import type { CallParticipant } from "@azure/communication-call-automation";
import { describe, expect, test } from "vitest";
import { useHarness, TRANSPORTS } from "../support/harness.js";

// Issue 16: group-call rules no test could break. A group transfer that kept the transferee,
// a group call failed by one declining target while another still rang, and events sent to
// a leg after its CallDisconnected all passed the suite.
describe.each(TRANSPORTS)("group calls over %s", (transport) => {
  const h = useHarness({ transport });

  const user = (n: number) => `8:acs:16161616-1616-1616-1616-161616161616_0000000${n}-0000-0000-0000-000000000000`;
  const ids = (participants: CallParticipant[]) => participants.map((p) => (p.identifier as { communicationUserId?: string } | undefined)?.communicationUserId);
  const party = (n: number, settings: { behavior: string; delayMs?: number }) => h.control("PUT", `/emulator/parties/${encodeURIComponent(user(n))}`, settings);

  /** Highest roster version the leg has heard so far. */
  const lastSequence = (id: string) =>
    Math.max(0, ...h.receiver.events().filter((e) => e.type === "Microsoft.Communication.ParticipantsUpdated" && e.data.callConnectionId === id).map((e) => e.data.sequenceNumber));

  /** The events the leg got after its CallDisconnected, once everything scheduled has happened. */
  async function afterDisconnected(id: string): Promise<string[]> {
    await h.waitForEvent("CallDisconnected", id);
    await h.drain();
    const types = h.eventTypes(id);
    const sent = h.emulator.events({ callConnectionId: id }).map((e) => e.type.replace("Microsoft.Communication.", ""));
    expect(sent.filter((t) => t === "CallDisconnected")).toHaveLength(1);
    return [...types.slice(types.indexOf("CallDisconnected") + 1), ...sent.slice(sent.indexOf("CallDisconnected") + 1)];
  }

  async function groupCall(targets: number[]) {
    const result = await h.client.createGroupCall(targets.map((n) => ({ communicationUserId: user(n) })), h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallConnected", id);
    return { id, connection: result.callConnection };
  }

  test("a group transfer moves the transferee out of the roster and keeps the others", async () => {
    const { id, connection } = await groupCall([1, 2]);
    // The wire roster, before the SDK's parser: identifiers by rawId.
    await h.waitForEvent("ParticipantsUpdated", id, (d) => [user(1), user(2)].every((u) => d.participants.some((p: any) => p.identifier.rawId === u)));
    const before = lastSequence(id);
    await connection.transferCallToParticipant({ communicationUserId: user(5) }, { transferee: { communicationUserId: user(2) } });
    await h.waitForEvent("CallTransferAccepted", id);
    // The roster version after the transfer: sequenceNumber grows with every change of the call's roster.
    const roster = await h.waitForEvent("ParticipantsUpdated", id, (d) => d.sequenceNumber > before);
    expect(ids(roster.participants)).toContain(user(1));
    expect(ids(roster.participants)).not.toContain(user(2));
    const listed = (await connection.listParticipants()).values ?? [];
    expect(ids(listed)).toContain(user(1));
    expect(ids(listed)).not.toContain(user(2));
    expect((await connection.getCallConnectionProperties()).callConnectionState).toBe("connected");
  });

  test("a group call stands when one target declines while another still rings", async () => {
    await party(2, { behavior: "decline", delayMs: 10 });
    await party(1, { behavior: "answer", delayMs: 300 });
    const { id, connection } = await groupCall([1, 2]);
    expect(h.eventTypes(id)).not.toContain("CreateCallFailed");
    expect(h.eventTypes(id)).not.toContain("CallDisconnected");
    const listed = ids((await connection.listParticipants()).values ?? []);
    expect(listed).toContain(user(1));
    expect(listed).not.toContain(user(2));
  });

  test("a group call fails once its last ringing target declines too", async () => {
    await party(1, { behavior: "decline", delayMs: 10 });
    await party(2, { behavior: "busy", delayMs: 50 });
    const result = await h.client.createGroupCall([{ communicationUserId: user(1) }, { communicationUserId: user(2) }], h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    const failed = await h.waitForEvent("CreateCallFailed", id);
    expect(failed.resultInformation?.code).toBeGreaterThanOrEqual(400);
    expect(await afterDisconnected(id)).toEqual([]);
    expect(h.eventTypes(id)).not.toContain("CallConnected");
  });

  test("nothing reaches a leg after its CallDisconnected: an invitation of its group call still rings when the app hangs up", async () => {
    await party(1, { behavior: "answer", delayMs: 10 });
    await party(2, { behavior: "answer", delayMs: 300 });
    const { id, connection } = await groupCall([1, 2]);
    await connection.hangUp(false);
    expect(await afterDisconnected(id)).toEqual([]);
  });

  test.each(["answer", "decline"])("nothing reaches a leg after its CallDisconnected: an added participant who will %s still rings when the app hangs up", async (behavior) => {
    const { id, connection } = await groupCall([1, 2]);
    await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.length >= 3);
    await party(3, { behavior, delayMs: 300 });
    await connection.addParticipant({ targetParticipant: { communicationUserId: user(3) } });
    await connection.hangUp(false);
    expect(await afterDisconnected(id)).toEqual([]);
    // The call goes on without the app, and the invitation did settle.
    const [call] = (await h.control("GET", "/emulator/calls")).body;
    const invitation = call.invitations.find((i: any) => i.target === user(3));
    expect(invitation.state).toBe(behavior === "answer" ? "accepted" : "failed");
  });
});
