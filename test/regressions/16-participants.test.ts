import type { CallConnection } from "@azure/communication-call-automation";
import { describe, expect, test } from "vitest";
import { acsUser as user, rawIdOf, refusal } from "../support/calls.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";
import { roomsSuite } from "../support/directoryClients.js";
import { noteOf } from "../support/media.js";

// Issue 16: what adding, cancelling, removing, muting and listing participants answer and send
// was asserted only on its happy paths: the codes of the refusals and the fields they name, the
// participant the answers describe, a fault on addParticipant, a cancel that comes too late.

describe.each(TRANSPORTS)("participant actions over %s", (transport) => {
  const h = useHarness({ transport });

  const pstn = { phoneNumber: "+14255550123" };
  const party = (n: number, settings: { behavior: string; delayMs?: number }) => h.control("PUT", `/emulator/parties/${encodeURIComponent(user(n))}`, settings);
  const ids = (participants: Array<{ identifier?: unknown }> | undefined) => participants?.map((p) => rawIdOf(p.identifier)).sort();
  const invitationsTo = async (target: string) => ((await h.control("GET", "/emulator/calls")).body as any[]).flatMap((c) => c.invitations).filter((i: any) => i.target === target);

  async function connectedCall(callee = user(1)): Promise<{ id: string; connection: CallConnection }> {
    const result = await h.client.createCall({ targetParticipant: { communicationUserId: callee } }, h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("ParticipantsUpdated", id);
    return { id, connection: result.callConnection };
  }

  /** The raw id the app's own leg has in its calls. */
  async function appRawId(connection: CallConnection): Promise<string> {
    const { values } = await connection.listParticipants();
    return ids(values)!.find((rawId) => !rawId.startsWith("8:acs:11111111"))!;
  }

  describe("addParticipant", () => {
    test("answers the invited participant as neither muted nor on hold, with the operationContext", async () => {
      const { connection } = await connectedCall();
      const added = await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } }, { operationContext: "add" });
      expect(added.participant).toMatchObject({ identifier: { communicationUserId: user(2) }, isMuted: false, isOnHold: false });
      expect(added.operationContext).toBe("add");
    });

    test.each([-1, 2.5])("refuses invitationTimeoutInSeconds %s with 400 naming the field", async (invitationTimeoutInSeconds) => {
      const { connection } = await connectedCall();
      const refused = await refusal(connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } }, { invitationTimeoutInSeconds }));
      expect(refused).toMatchObject({ status: 400, target: "invitationTimeoutInSeconds" });
      expect(refused.message).toMatch(/^invitationTimeoutInSeconds must be an integer between 0 and 180\./);
    });

    test.each([0, 180])("accepts invitationTimeoutInSeconds %s, the ends of the range", async (invitationTimeoutInSeconds) => {
      const { id, connection } = await connectedCall();
      await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } }, { invitationTimeoutInSeconds });
      expect((await h.waitForEvent("AddParticipantSucceeded", id)).participant).toEqual({ communicationUserId: user(2) });
    });

    test("lets an unanswered invitation ring for invitationTimeoutInSeconds seconds before it fails with 408", async () => {
      await party(2, { behavior: "noAnswer" });
      const { id, connection } = await connectedCall();
      const connectedAt = Date.parse(h.receiver.events().find((e) => e.type.endsWith("CallConnected") && e.data.callConnectionId === id)!.time);
      await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } }, { invitationTimeoutInSeconds: 1 });
      const failed = await h.waitForEvent("AddParticipantFailed", id);
      expect(failed.resultInformation).toMatchObject({ code: 408, subCode: 8541 });
      const failedAt = Date.parse(h.receiver.events().find((e) => e.type.endsWith("AddParticipantFailed"))!.time);
      // The invitation went out after CallConnected, so a whole second lies between the two.
      expect(failedAt - connectedAt).toBeGreaterThanOrEqual(1000);
    });

    test("refuses someone already in the call with 400 naming participantToAdd, and invites nobody", async () => {
      const { connection } = await connectedCall();
      const refused = await refusal(connection.addParticipant({ targetParticipant: { communicationUserId: user(1) } }));
      expect(refused).toMatchObject({ status: 400, target: "participantToAdd", message: expect.stringMatching(new RegExp(`^${user(1)} is already in the call\\.`)) });
      expect(await invitationsTo(user(1))).toHaveLength(1);
    });

    test("refuses a phone number without a caller id naming sourceCallerIdNumber", async () => {
      const { connection } = await connectedCall();
      const refused = await refusal(connection.addParticipant({ targetParticipant: pstn }));
      expect(refused).toMatchObject({ status: 400, target: "sourceCallerIdNumber" });
    });

    test("refuses a caller id that is no phone number, naming sourceCallerIdNumber", async () => {
      const { connection } = await connectedCall();
      const refused = await refusal(connection.addParticipant({ targetParticipant: pstn, sourceCallIdNumber: { phoneNumber: "not-a-number" } }));
      expect(refused).toMatchObject({ status: 400, target: expect.stringMatching(/^sourceCallerIdNumber/) });
    });

    test("refuses an operationCallbackUri that is no http(s) URL, naming it", async () => {
      const { connection } = await connectedCall();
      const refused = await refusal(connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } }, { operationCallbackUrl: "ftp://example.com/events" }));
      expect(refused).toMatchObject({ status: 400, target: "operationCallbackUri" });
    });

    test("refuses a participant with an empty identifier, naming participantToAdd", async () => {
      const { connection } = await connectedCall();
      const refused = await refusal(connection.addParticipant({ targetParticipant: { communicationUserId: "" } }));
      expect(refused.status).toBe(400);
      expect(refused.target).toMatch(/^participantToAdd/);
    });

    test("a planted asynchronous fault sends AddParticipantFailed with its codes, and the invitee never joins", async () => {
      await party(2, { behavior: "answer", delayMs: 10 });
      const { id, connection } = await connectedCall();
      await h.control("POST", "/emulator/faults", { action: "addParticipant", async: true, status: 500, subCode: 8599, message: "Add failed." });
      await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } }, { operationContext: "add-fail" });
      const failed = await h.waitForEvent("AddParticipantFailed", id);
      expect(failed.operationContext).toBe("add-fail");
      expect(failed.participant).toEqual({ communicationUserId: user(2) });
      expect(failed.resultInformation).toMatchObject({ code: 500, subCode: 8599, message: expect.stringMatching(/^Add failed\./) });
      await h.drain();
      expect(h.eventTypes(id).filter((t) => t.startsWith("AddParticipant"))).toEqual(["AddParticipantFailed"]);
      expect((await invitationsTo(user(2)))[0].state).toBe("failed");
      expect(ids((await connection.listParticipants()).values)).not.toContain(user(2));
    });
  });

  describe("cancelAddParticipantOperation", () => {
    test("answers 404 naming invitationId for an invitation of another call and for the call's own invitation", async () => {
      await party(3, { behavior: "noAnswer" });
      const first = await connectedCall(user(1));
      const second = await connectedCall(user(2));
      const elsewhere = await second.connection.addParticipant({ targetParticipant: { communicationUserId: user(3) } });
      const foreign = await refusal(first.connection.cancelAddParticipantOperation(elsewhere.invitationId!));
      expect(foreign).toMatchObject({ status: 404, target: "invitationId" });
      expect(foreign.message).toMatch(new RegExp(`^Invitation ${elsewhere.invitationId} was not found in this call\\. Use the invitationId addParticipant returned\\.`));
      const own = (await invitationsTo(user(1)))[0].invitationId as string;
      expect(own).toBeDefined();
      expect(await refusal(first.connection.cancelAddParticipantOperation(own))).toMatchObject({ status: 404, target: "invitationId" });
      await h.settle();
      expect(h.eventTypes(first.id).filter((t) => t.startsWith("CancelAddParticipant"))).toEqual([]);
    });

    test.each([
      ["answered", "answer", "AddParticipantSucceeded", /has already been answered/],
      ["declined", "decline", "AddParticipantFailed", /has already ended/],
    ] as const)("sends CancelAddParticipantFailed 400/8585 for an invitation already %s", async (_name, behavior, outcome, note) => {
      await party(2, { behavior });
      const { id, connection } = await connectedCall();
      const added = await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } });
      await h.waitForEvent(outcome, id);
      await connection.cancelAddParticipantOperation(added.invitationId!, { operationContext: "late" });
      const failed = await h.waitForEvent("CancelAddParticipantFailed", id);
      expect(failed.operationContext).toBe("late");
      expect(failed.invitationId).toBe(added.invitationId);
      expect(failed.resultInformation).toEqual({ code: 400, subCode: 8585, message: "Action failed, the invitation is no longer ringing. DiagCode: 400#8585.@" });
      expect(noteOf(h, "CancelAddParticipantFailed", id)).toMatch(note);
    });

    test("a planted asynchronous fault sends CancelAddParticipantFailed with its codes, and the invitation rings on", async () => {
      await party(2, { behavior: "noAnswer" });
      const { id, connection } = await connectedCall();
      const added = await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } });
      await h.control("POST", "/emulator/faults", { action: "cancelAddParticipant", async: true, status: 500, subCode: 8598, message: "Cancel failed." });
      await connection.cancelAddParticipantOperation(added.invitationId!);
      const failed = await h.waitForEvent("CancelAddParticipantFailed", id);
      expect(failed.resultInformation).toMatchObject({ code: 500, subCode: 8598, message: expect.stringMatching(/^Cancel failed\./) });
      expect((await invitationsTo(user(2)))[0].state).toBe("ringing");
      expect(h.eventTypes(id)).not.toContain("CancelAddParticipantSucceeded");
    });
  });

  describe("removeParticipant", () => {
    test("answers the operationContext it was given", async () => {
      const { id, connection } = await connectedCall();
      await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } });
      await h.waitForEvent("AddParticipantSucceeded", id);
      expect((await connection.removeParticipant({ communicationUserId: user(2) }, { operationContext: "rm" })).operationContext).toBe("rm");
    });

    test("refuses to remove the app's own leg with 400 naming participantToRemove, and the call goes on", async () => {
      const { id, connection } = await connectedCall();
      const app = await appRawId(connection);
      const refused = await refusal(connection.removeParticipant({ communicationUserId: app }));
      expect(refused).toMatchObject({ status: 400, target: "participantToRemove" });
      expect(refused.message).toMatch(/^The app cannot remove itself; hang up the call connection instead\./);
      await h.settle();
      expect(h.eventTypes(id)).not.toContain("RemoveParticipantSucceeded");
      expect(ids((await connection.listParticipants()).values)).toEqual([app, user(1)].sort());
    });

    test("answers 404 naming participantToRemove for someone not in the call", async () => {
      const { connection } = await connectedCall();
      expect(await refusal(connection.removeParticipant({ communicationUserId: user(7) }))).toMatchObject({ status: 404, code: "8522", target: "participantToRemove" });
    });

    test("refuses a participant with an empty identifier, naming participantToRemove", async () => {
      const { connection } = await connectedCall();
      const refused = await refusal(connection.removeParticipant({ communicationUserId: "" }));
      expect(refused.status).toBe(400);
      expect(refused.target).toMatch(/^participantToRemove/);
    });
  });

  describe("muteParticipant", () => {
    test("answers the operationContext it was given", async () => {
      const { connection } = await connectedCall();
      expect((await connection.muteParticipant({ communicationUserId: user(1) }, { operationContext: "hush" })).operationContext).toBe("hush");
    });

    test("refuses a phone number with 400 naming targetParticipants[0], before looking for it in the call", async () => {
      const { id, connection } = await connectedCall();
      const refused = await refusal(connection.muteParticipant(pstn));
      expect(refused).toMatchObject({ status: 400, target: "targetParticipants[0]" });
      expect(refused.message).toMatch(/^Only ACS users \(communicationUser\) can be muted/);
      await h.settle();
      expect(h.eventTypes(id).filter((t) => t === "ParticipantsUpdated")).toHaveLength(1);
    });

    test("answers 404 naming targetParticipants[0] for an ACS user not in the call", async () => {
      const { connection } = await connectedCall();
      expect(await refusal(connection.muteParticipant({ communicationUserId: user(7) }))).toMatchObject({ status: 404, target: "targetParticipants[0]" });
    });
  });

  test("getParticipant answers 404 naming participantRawId for someone not in the call", async () => {
    const { connection } = await connectedCall();
    expect(await refusal(connection.getParticipant({ communicationUserId: user(7) }))).toMatchObject({ status: 404, target: "participantRawId" });
  });
});

// The asynchronous half of an action runs on the next turn of the clock; only the virtual clock
// lets the test act in between (on the real one it runs before the next request arrives).
describe.each(TRANSPORTS.filter((t) => t !== "server"))("participants leaving before an action runs over %s", (transport) => {
  const h = useHarness({ transport });

  test("removing the same participant twice before either runs removes them once", async () => {
    const result = await h.client.createGroupCall([{ communicationUserId: user(1) }, { communicationUserId: user(2) }], h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.length === 3);
    await result.callConnection.removeParticipant({ communicationUserId: user(2) }, { operationContext: "one" });
    await result.callConnection.removeParticipant({ communicationUserId: user(2) }, { operationContext: "two" });
    await h.settle();
    const removals = h.receiver.events().filter((e) => e.type.endsWith("RemoveParticipantSucceeded"));
    expect(removals.map((e) => e.data.operationContext)).toEqual(["one"]);
    const rosters = h.receiver.events().filter((e) => e.type.endsWith("ParticipantsUpdated") && e.data.callConnectionId === id);
    expect(rosters.map((e) => [e.data.sequenceNumber, e.data.participants.length])).toEqual([
      [1, 2],
      [2, 3],
      [3, 2],
    ]);
  });
});

describe.each(TRANSPORTS)("adding to a room call over %s", (transport) => {
  const s = roomsSuite(transport);

  test("refuses someone who is not a participant of the room with 403 naming participantToAdd, and invites nobody", async () => {
    const room = await s.rooms.createRoom({ participants: [{ id: s.presenter, role: "Presenter" }] });
    expect((await s.h.control("POST", "/emulator/calls", { participants: [s.presenter.communicationUserId], roomId: room.id })).status).toBe(201);
    const { callConnectionProperties, callConnection } = await s.h.client.connectCall({ kind: "roomCallLocator", id: room.id }, s.h.callbackUri);
    await s.h.waitForEvent("CallConnected", callConnectionProperties.callConnectionId!);
    expect(await refusal(callConnection.addParticipant({ targetParticipant: s.stranger }))).toMatchObject({ status: 403, target: "participantToAdd" });
    const calls = (await s.h.control("GET", "/emulator/calls")).body as any[];
    expect(calls.flatMap((c) => c.invitations).filter((i: any) => i.target === s.stranger.communicationUserId)).toEqual([]);
  });
});
