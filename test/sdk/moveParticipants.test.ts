import { describe, expect, test } from "vitest";
import { acsUser as user } from "../support/calls.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

describe.each(TRANSPORTS)("moveParticipants over %s", (transport) => {
  const h = useHarness({ transport });

  async function connectedCall(callee: string) {
    const result = await h.client.createCall({ targetParticipant: { communicationUserId: callee } }, h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("ParticipantsUpdated", id);
    return { id, connection: result.callConnection };
  }

  test("moves a participant from another call: MoveParticipantSucceeded with fromCall, then the roster with them", async () => {
    const target = await connectedCall(user(1));
    const source = await connectedCall(user(2));
    const moved = await target.connection.moveParticipants([{ communicationUserId: user(2) }], source.id, { operationContext: "move-2" });
    expect(moved.fromCall).toBe(source.id);
    expect(moved.operationContext).toBe("move-2");
    expect(moved.participants?.map((p) => p.identifier)).toEqual([{ communicationUserId: user(2) }]);
    const ok = await h.waitForEvent("MoveParticipantSucceeded", target.id);
    expect(ok.operationContext).toBe("move-2");
    expect(ok.participant).toEqual({ communicationUserId: user(2) });
    expect((ok as any).fromCall).toBe(source.id);
    expect(ok.resultInformation?.code).toBe(200);
    const roster = await h.waitForEvent("ParticipantsUpdated", target.id, (d) => d.participants.length === 3);
    expect(roster.participants.map((p) => (p.identifier as any).communicationUserId)).toContain(user(2));
    const listed = await target.connection.listParticipants();
    expect(listed.values?.map((p) => (p.identifier as any).communicationUserId)).toContain(user(2));
    expect(h.eventTypes(target.id).indexOf("MoveParticipantSucceeded")).toBeLessThan(h.eventTypes(target.id).lastIndexOf("ParticipantsUpdated"));
  });

  test("ends the source call when the app would be left alone in it", async () => {
    const target = await connectedCall(user(1));
    const source = await connectedCall(user(2));
    await target.connection.moveParticipants([{ communicationUserId: user(2) }], source.id);
    const gone = await h.waitForEvent("CallDisconnected", source.id);
    expect(gone.resultInformation?.subCode).toBe(5010);
    const error = await source.connection.getCallConnectionProperties().catch((e) => e);
    expect(error.statusCode).toBe(404);
  });

  test("sends the result to operationCallbackUri when one is given", async () => {
    const target = await connectedCall(user(1));
    const source = await connectedCall(user(2));
    await target.connection.moveParticipants([{ communicationUserId: user(2) }], source.id, { operationCallbackUrl: h.receiver.url("/op") });
    const ok = await h.receiver.waitFor((e) => e.type === "Microsoft.Communication.MoveParticipantSucceeded", "MoveParticipantSucceeded");
    expect(h.receiver.events("/op")).toContain(ok);
  });

  test("answers 404 (8522) when fromCall names no call connection", async () => {
    const target = await connectedCall(user(1));
    const error = await target.connection.moveParticipants([{ communicationUserId: user(2) }], "00000000-0000-0000-0000-000000000000").catch((e) => e);
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe("8522");
    expect(error.message).toMatch(/00000000-0000-0000-0000-000000000000/);
  });

  test("answers 404 for someone who is not in the fromCall call", async () => {
    const target = await connectedCall(user(1));
    const source = await connectedCall(user(2));
    const error = await target.connection.moveParticipants([{ communicationUserId: user(3) }], source.id).catch((e) => e);
    expect(error.statusCode).toBe(404);
    expect(error.message).toMatch(/not in the fromCall call/);
  });

  test("refuses fromCall naming this same call connection with 400", async () => {
    const target = await connectedCall(user(1));
    const error = await target.connection.moveParticipants([{ communicationUserId: user(1) }], target.id).catch((e) => e);
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/fromCall/);
  });

  test("sends MoveParticipantFailed for a planted asynchronous fault, and nobody moves", async () => {
    const target = await connectedCall(user(1));
    const source = await connectedCall(user(2));
    await h.control("POST", "/emulator/faults", { action: "moveParticipants", async: true, status: 500, subCode: 8599, message: "no move" });
    await target.connection.moveParticipants([{ communicationUserId: user(2) }], source.id, { operationContext: "m" });
    const failed = await h.waitForEvent("MoveParticipantFailed", target.id);
    expect(failed.resultInformation).toMatchObject({ code: 500, subCode: 8599, message: expect.stringMatching(/^no move/) });
    expect((failed as any).fromCall).toBe(source.id);
    const listed = await source.connection.listParticipants();
    expect(listed.values?.map((p) => (p.identifier as any).communicationUserId)).toContain(user(2));
  });
});
