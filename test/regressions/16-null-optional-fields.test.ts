import { describe, expect, test } from "vitest";
import { validateRequestBody } from "../../contracts/validator.js";
import { postAsWritten } from "../support/asWritten.js";
import { acsUser as user, callTo, groupCall } from "../support/calls.js";
import { useHarness } from "../support/harness.js";

// Issue 16: an app writing its own REST calls (or serialising an options object) may send an
// optional operationCallbackUri or sourceCallerIdNumber as null. The spec's request validation
// lets null through, so callsim answers it: as not given, as media actions always did, and
// not with a 400 saying the field is required. Sent raw, in-process.
const h = useHarness({ transport: "direct", loose: true, selfCheck: true });

const API_VERSION = "2026-03-12";
const asUser = (n: number) => ({ kind: "communicationUser", communicationUser: { id: user(n) } });

/** The spec check's verdict on `body` (nothing to say), then callsim's answer to it. */
async function sent(operationId: string, path: string, body: Record<string, unknown>) {
  expect(validateRequestBody(operationId, body, { apiVersion: API_VERSION })).toEqual([]);
  return postAsWritten(h, `${path}?api-version=${API_VERSION}`, body);
}

describe("optional fields sent as null read as not given", () => {
  test("createCall with a null sourceCallerIdNumber calls an ACS user", async () => {
    const created = await sent("CreateCall", "/calling/callConnections", { targets: [asUser(1)], callbackUri: h.callbackUri, sourceCallerIdNumber: null });
    expect(created.status).toBe(201);
    await h.waitForEvent("CallConnected", created.body.callConnectionId);
  });

  test("addParticipant with a null operationCallbackUri and sourceCallerIdNumber reports to the call's callbackUri", async () => {
    const { id } = await groupCall(h, 1);
    const body = { participantToAdd: asUser(2), operationContext: "add", operationCallbackUri: null, sourceCallerIdNumber: null };
    const added = await sent("CallConnection_AddParticipant", `/calling/callConnections/${id}/participants:add`, body);
    expect(added.status).toBe(202);
    expect(await h.waitForEvent("AddParticipantSucceeded", id)).toMatchObject({ operationContext: "add" });
  });

  test("removeParticipant with a null operationCallbackUri reports to the call's callbackUri", async () => {
    const { id } = await groupCall(h, 2);
    const body = { participantToRemove: asUser(2), operationContext: "remove", operationCallbackUri: null };
    const removed = await sent("CallConnection_RemoveParticipant", `/calling/callConnections/${id}/participants:remove`, body);
    expect(removed.status).toBe(202);
    expect(await h.waitForEvent("RemoveParticipantSucceeded", id)).toMatchObject({ operationContext: "remove" });
  });

  test("transfer with a null operationCallbackUri and sourceCallerIdNumber hands the call over", async () => {
    const { id } = await callTo(h, user(1));
    const body = { targetParticipant: asUser(2), operationContext: "transfer", operationCallbackUri: null, sourceCallerIdNumber: null };
    const transferred = await sent("CallConnection_TransferToParticipant", `/calling/callConnections/${id}:transferToParticipant`, body);
    expect(transferred.status).toBe(202);
    expect(await h.waitForEvent("CallTransferAccepted", id)).toMatchObject({ operationContext: "transfer" });
  });

  test("moveHere with a null operationCallbackUri moves the participant and reports to the call's callbackUri", async () => {
    const here = await groupCall(h, 1);
    const there = await callTo(h, user(3));
    const body = { targetParticipants: [asUser(3)], fromCall: there.id, operationContext: "move", operationCallbackUri: null };
    const moved = await sent("CallConnection_MoveParticipants", `/calling/callConnections/${here.id}/participants:moveHere`, body);
    expect(moved.status).toBe(202);
    expect(await h.waitForEvent("MoveParticipantSucceeded", here.id)).toMatchObject({ operationContext: "move" });
  });
});
