import { describe, expect, test } from "vitest";
import { validateRequestBody } from "../../contracts/validator.js";
import { acsUser, callTo, subscribeEventGrid } from "../support/calls.js";
import { signedRequest } from "../support/directoryClients.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

// Issue 16: createCall, transfer, recording and the participant actions re-check fields the
// spec's request validation already refuses (README, Contributing), as connect and answer do
// (16-action-request-checks). Each bad body here is refused by the spec check itself, and the
// service answers 400 naming the field, with the call as it was: the engine checks' mutants
// carry a `Stryker disable` that points here. Bodies the spec lets through (a null, an
// identifier with no kind, an empty fromCall) reach the engine, whose own checks answer them.

const API = "api-version=2026-03-12";
const ACTION_CHECKS = { apiVersion: "2026-03-12" };
const user = (n: number) => ({ kind: "communicationUser", communicationUser: { id: acsUser(n) } });

describe.each(TRANSPORTS)("more action bodies refused before anything happens over %s", (transport) => {
  const h = useHarness({ transport, selfCheck: true }, subscribeEventGrid);

  /** The spec check's own verdict on `body`, then what the service answers: both name `field`. */
  async function refusedBySpec(operationId: string, path: string, body: Record<string, unknown>, field: string) {
    expect(validateRequestBody(operationId, body, ACTION_CHECKS).map((v) => v.path)).toContain(field);
    const refused = await signedRequest(h, "POST", `${path}?${API}`, body);
    expect(refused.status).toBe(400);
    expect(refused.body.error.target).toBe(field);
  }

  test.each([
    ["sourceDisplayName", { sourceDisplayName: 42 }],
    ["operationContext", { operationContext: 42 }],
  ])("createCall with a %s that is no string is refused, naming it, and no call is placed", async (field, bad) => {
    await refusedBySpec("CreateCall", "/calling/callConnections", { callbackUri: h.callbackUri, targets: [user(1)], ...bad }, field);
    expect((await h.control("GET", "/emulator/calls")).body).toEqual([]);
  });

  /** A 1:1 call the app placed to user 1, connected. */
  async function connected() {
    const call = await callTo(h, acsUser(1));
    return { ...call, path: `/calling/callConnections/${call.id}` };
  }

  /** The call's participants' raw ids, as the control plane lists them. */
  async function roster(serverCallId: string): Promise<string[]> {
    const calls = (await h.control("GET", "/emulator/calls")).body as any[];
    return calls.find((c) => c.serverCallId === serverCallId).participants.map((p: any) => p.rawId);
  }

  test.each([
    ["operationContext", { operationContext: 42 }],
    ["customCallingContext", { customCallingContext: "ticket" }],
  ])("transfer with a %s of the wrong type is refused, naming it, and the call stays as it was", async (field, bad) => {
    const { id, path, serverCallId } = await connected();
    await refusedBySpec("CallConnection_TransferToParticipant", `${path}:transferToParticipant`, { targetParticipant: user(5), ...bad }, field);
    await h.settle();
    expect(h.eventTypes(id).filter((t) => t.startsWith("CallTransfer"))).toEqual([]);
    const stays = await roster(serverCallId);
    expect(stays).toHaveLength(2);
    expect(stays).toContain(acsUser(1));
  });

  test.each([
    ["operationContext", { operationContext: 42 }],
    ["customCallingContext", { customCallingContext: "case" }],
    ["invitationTimeoutInSeconds", { invitationTimeoutInSeconds: 181 }],
    ["invitationTimeoutInSeconds", { invitationTimeoutInSeconds: -1 }],
    ["invitationTimeoutInSeconds", { invitationTimeoutInSeconds: 2.5 }],
    ["invitationTimeoutInSeconds", { invitationTimeoutInSeconds: "30" }],
  ])("addParticipant with a bad %s is refused, naming it, and nobody is invited", async (field, bad) => {
    const { path, serverCallId } = await connected();
    await refusedBySpec("CallConnection_AddParticipant", `${path}/participants:add`, { participantToAdd: user(3), ...bad }, field);
    const calls = (await h.control("GET", "/emulator/calls")).body as any[];
    expect(calls.find((c) => c.serverCallId === serverCallId).invitations.filter((i: any) => i.purpose === "addParticipant")).toEqual([]);
  });

  test("addParticipant with a null invitationTimeoutInSeconds, which the spec check lets through, is taken as none: the invitation rings", async () => {
    // Null reads as absent, as for the other optional fields (operationContext, customCallingContext).
    const { path, serverCallId } = await connected();
    const body = { participantToAdd: user(3), invitationTimeoutInSeconds: null };
    expect(validateRequestBody("CallConnection_AddParticipant", body, ACTION_CHECKS)).toEqual([]);
    const added = await signedRequest(h, "POST", `${path}/participants:add?${API}`, body);
    expect(added.status, JSON.stringify(added.body)).toBe(202);
    const calls = (await h.control("GET", "/emulator/calls")).body as any[];
    expect(calls.find((c) => c.serverCallId === serverCallId).invitations.filter((i: any) => i.purpose === "addParticipant")).toMatchObject([{ target: acsUser(3) }]);
  });

  test("cancelAddParticipant, removeParticipant and mute with an operationContext that is no string are refused, naming it, and nobody leaves or is muted", async () => {
    const { path, serverCallId } = await connected();
    await refusedBySpec("CallConnection_CancelAddParticipant", `${path}/participants:cancelAddParticipant`, { invitationId: "x", operationContext: 42 }, "operationContext");
    await refusedBySpec("CallConnection_RemoveParticipant", `${path}/participants:remove`, { participantToRemove: user(1), operationContext: 42 }, "operationContext");
    await refusedBySpec("CallConnection_Mute", `${path}/participants:mute`, { targetParticipants: [user(1)], operationContext: 42 }, "operationContext");
    await h.settle();
    expect(await roster(serverCallId)).toContain(acsUser(1));
    const calls = (await h.control("GET", "/emulator/calls")).body as any[];
    expect(calls.find((c) => c.serverCallId === serverCallId).participants.find((p: any) => p.rawId === acsUser(1)).isMuted).toBe(false);
  });

  test("mute naming an identifier with nothing in it, which the spec check lets through, is refused by callsim, naming its index", async () => {
    const { path } = await connected();
    const body = { targetParticipants: [user(1), {}] };
    expect(validateRequestBody("CallConnection_Mute", body, ACTION_CHECKS)).toEqual([]);
    const refused = await signedRequest(h, "POST", `${path}/participants:mute?${API}`, body);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ target: "targetParticipants[1]", message: expect.stringContaining("targetParticipants[1] names nobody") });
  });

  test.each([
    ["operationContext", { fromCall: "elsewhere", operationContext: 42 }],
    ["fromCall", { fromCall: 42 }],
    ["fromCall", {}],
  ])("moveParticipants with a bad %s is refused by the spec check, naming it", async (field, bad) => {
    const { path } = await connected();
    await refusedBySpec("CallConnection_MoveParticipants", `${path}/participants:moveHere`, { targetParticipants: [user(2)], ...bad }, field);
  });

  test.each([
    ["an empty fromCall", ""],
    ["a null fromCall", null],
  ])("moveParticipants with %s, which the spec check lets through, is refused by callsim, naming fromCall", async (_, fromCall) => {
    const { path } = await connected();
    const body = { targetParticipants: [user(2)], fromCall };
    expect(validateRequestBody("CallConnection_MoveParticipants", body, ACTION_CHECKS)).toEqual([]);
    const refused = await signedRequest(h, "POST", `${path}/participants:moveHere?${API}`, body);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ target: "fromCall", message: expect.stringContaining("fromCall is required") });
  });

  test.each([
    ["recordingStateCallbackUri", (serverCallId: string) => ({ callLocator: { kind: "serverCallLocator", serverCallId }, recordingStateCallbackUri: 42 })],
    ["callConnectionId", () => ({ callConnectionId: 42 })],
  ])("startRecording with a %s that is no string is refused, naming it, and nothing records", async (field, body) => {
    const { serverCallId } = await connected();
    await refusedBySpec("CallRecording_StartRecording", "/calling/recordings", body(serverCallId), field);
    await h.settle();
    expect(h.receiver.events().filter((e) => String(e.type ?? e.eventType).includes("Recording"))).toEqual([]);
  });

  test("an api-version without customCallingContext or StartRecording's callConnectionId drops them before callsim reads them", async () => {
    // So their engine checks are reached in no api-version: the spec refuses a bad one where it exists.
    const { id, path } = await connected();
    const transfer = await signedRequest(h, "POST", `${path}:transferToParticipant?api-version=2023-03-06`, { targetParticipant: user(5), customCallingContext: "ticket" });
    expect(transfer.status, JSON.stringify(transfer.body)).toBe(202);
    await h.waitForEvent("CallTransferAccepted", id);
    const other = await callTo(h, acsUser(2));
    const started = await signedRequest(h, "POST", "/calling/recordings?api-version=2025-05-15", { callLocator: { kind: "serverCallLocator", serverCallId: other.serverCallId }, callConnectionId: 42 });
    // That version's StartRecording answers 200 (202 came later).
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.recordingId).toEqual(expect.any(String));
  });
});
