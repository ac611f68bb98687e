import { describe, expect, test } from "vitest";
import { validateRequestBody } from "../../contracts/validator.js";
import { acsUser as user, groupCall } from "../support/calls.js";
import { postAsWritten } from "../support/asWritten.js";
import { useHarness } from "../support/harness.js";

// Issue 16: a targetParticipants of null, or an empty list, passes the spec's request
// validation (null is held to no type, and the validator has no minimum length), so mute and
// moveHere answer it with their own check: 400 naming targetParticipants and what to give,
// with the calls as they were. Sent raw, in-process; the calls are set up through the SDK.
const h = useHarness({ transport: "direct", loose: true, selfCheck: true });

const API_VERSION = "2026-03-12";

const post = (id: string, action: string, body: unknown) =>
  postAsWritten(h, `/calling/callConnections/${id}/participants:${action}?api-version=${API_VERSION}`, body);

/** Each participant's raw id and whether it is muted, as the control plane shows the call. */
async function roster(serverCallId: string): Promise<Array<[string, boolean]>> {
  const calls = (await h.control("GET", "/emulator/calls")).body as any[];
  return calls.find((c) => c.serverCallId === serverCallId).participants.map((p: any) => [p.rawId, p.isMuted]);
}

describe("a targetParticipants of null or an empty list", () => {
  test.each([
    ["null", null],
    ["an empty list", []],
  ])("mute with %s passes the spec check and is refused by callsim, naming it, and mutes nobody until asked right", async (_name, targetParticipants) => {
    const { id, serverCallId } = await groupCall(h, 2);
    const before = await roster(serverCallId);
    const body = { targetParticipants };
    expect(validateRequestBody("CallConnection_Mute", body, { apiVersion: API_VERSION })).toEqual([]);
    const refused = await post(id, "mute", body);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ target: "targetParticipants", message: expect.stringMatching(/^targetParticipants must list the participant to mute\./) });
    expect(await roster(serverCallId)).toEqual(before);
    // The same call takes a mute that names someone.
    const muted = await post(id, "mute", { targetParticipants: [{ kind: "communicationUser", communicationUser: { id: user(1) } }] });
    expect(muted.status).toBe(200);
    expect(await roster(serverCallId)).toContainEqual([user(1), true]);
  });

  test.each([
    ["null", null],
    ["an empty list", []],
  ])("moveHere with %s passes the spec check and is refused by callsim, naming it, and moves nobody", async (_name, targetParticipants) => {
    const here = await groupCall(h, 1);
    const there = await groupCall(h, 2);
    const before = [await roster(here.serverCallId), await roster(there.serverCallId)];
    const body = { targetParticipants, fromCall: there.id };
    expect(validateRequestBody("CallConnection_MoveParticipants", body, { apiVersion: API_VERSION })).toEqual([]);
    const refused = await post(here.id, "moveHere", body);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      target: "targetParticipants",
      message: expect.stringMatching(/^targetParticipants must list at least one participant of the fromCall call to move\./),
    });
    expect([await roster(here.serverCallId), await roster(there.serverCallId)]).toEqual(before);
  });
});
