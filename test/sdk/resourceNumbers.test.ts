import { describe, expect, test } from "vitest";
import { TRANSPORTS, useHarness } from "../support/harness.js";

describe.each(TRANSPORTS)("the resource's own phone numbers over %s", (transport) => {
  const inbound = "+18005550100";
  const outbound = "+18005550111";
  const userPhone = "+14255550123";
  const agent = "8:acs:11111111-1111-1111-1111-111111111111_00000002-0000-0000-0000-000000000000";
  const h = useHarness({ transport, phoneNumbers: [inbound] }, async (h) => {
    await h.control("POST", "/emulator/subscriptions", {
      endpoint: h.receiver.url("/eventgrid"),
      filter: { advancedFilters: [{ operatorType: "StringNotBeginsWith", key: "data.to.rawid", values: ["8"] }] },
    });
  });

  const incomingCall = (to: string, nth = 1) =>
    h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall" && e.data.to.rawId === to && h.receiver.events("/eventgrid").filter((x) => x.data?.to?.rawId === to).indexOf(e) === nth - 1, `IncomingCall ${nth} to ${to}`);

  test("lists, adds and removes them on the control plane; a reset keeps them", async () => {
    expect((await h.control("GET", "/emulator/phone-numbers")).body).toEqual([inbound]);
    expect((await h.control("PUT", `/emulator/phone-numbers/${encodeURIComponent(outbound)}`)).body).toEqual({ phoneNumber: outbound });
    await h.reset();
    expect((await h.control("GET", "/emulator/phone-numbers")).body).toEqual([inbound, outbound]);
    expect((await h.control("DELETE", `/emulator/phone-numbers/${encodeURIComponent(outbound)}`)).status).toBe(204);
    expect((await h.control("DELETE", `/emulator/phone-numbers/${encodeURIComponent(outbound)}`)).status).toBe(404);
    const bad = await h.control("PUT", "/emulator/phone-numbers/12345");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/E\.164/);
  });

  test("a createCall to one raises IncomingCall from the caller id, and the app's answer connects both legs", async () => {
    const created = await h.client.createCall({ targetParticipant: { phoneNumber: inbound }, sourceCallIdNumber: { phoneNumber: userPhone } }, h.callbackUri);
    const outboundId = created.callConnectionProperties.callConnectionId!;
    const event = await incomingCall(`4:${inbound}`);
    expect(event.data.from.rawId).toBe(`4:${userPhone}`);
    expect(event.data.serverCallId).toBe(created.callConnectionProperties.serverCallId);
    const answered = await h.client.answerCall(event.data.incomingCallContext, h.callbackUri, { operationContext: "inbound" });
    const inboundId = answered.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallConnected", outboundId);
    await h.waitForEvent("CallConnected", inboundId);
    const calls = await h.control("GET", "/emulator/calls");
    expect(calls.body[0].invitations.map((i: any) => [i.purpose, i.target, i.offeredToApp])).toEqual([["createCall", `4:${inbound}`, true]]);
  });

  test("a rejected IncomingCall fails the createCall", async () => {
    const created = await h.client.createCall({ targetParticipant: { phoneNumber: inbound }, sourceCallIdNumber: { phoneNumber: userPhone } }, h.callbackUri);
    const event = await incomingCall(`4:${inbound}`);
    await h.client.rejectCall(event.data.incomingCallContext, { callRejectReason: "busy" });
    const failed = await h.waitForEvent("CreateCallFailed", created.callConnectionProperties.callConnectionId!);
    expect(failed.resultInformation?.subCode).toBe(8539);
  });

  test("an addParticipant to one raises IncomingCall, and the app's answer adds it", async () => {
    const created = await h.client.createCall({ targetParticipant: { communicationUserId: agent } }, h.callbackUri);
    const id = created.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("ParticipantsUpdated", id);
    await created.callConnection.addParticipant({ targetParticipant: { phoneNumber: inbound }, sourceCallIdNumber: { phoneNumber: userPhone } }, { operationContext: "add" });
    const event = await incomingCall(`4:${inbound}`);
    await h.client.answerCall(event.data.incomingCallContext, h.callbackUri);
    const ok = await h.waitForEvent("AddParticipantSucceeded", id);
    expect(ok.participant).toMatchObject({ phoneNumber: inbound });
  });

  test("a number it does not own rings a party in the world, with no IncomingCall", async () => {
    const created = await h.client.createCall({ targetParticipant: { phoneNumber: outbound }, sourceCallIdNumber: { phoneNumber: inbound } }, h.callbackUri);
    await h.waitForEvent("CallConnected", created.callConnectionProperties.callConnectionId!);
    expect(h.receiver.events("/eventgrid").filter((e) => e.eventType === "Microsoft.Communication.IncomingCall")).toEqual([]);
  });

  test("redirected to an ACS user the filter keeps from the app, the user's own client answers; the move brings them by the number the app called", async () => {
    // The multiple dial-out sample: call 1 to the app's number, call 2 redirected to an agent, then the move.
    await h.control("PUT", `/emulator/phone-numbers/${encodeURIComponent(outbound)}`);
    const call1 = await h.client.createCall({ targetParticipant: { phoneNumber: inbound }, sourceCallIdNumber: { phoneNumber: userPhone } }, h.callbackUri);
    const answered1 = await h.client.answerCall((await incomingCall(`4:${inbound}`)).data.incomingCallContext, h.callbackUri);
    const targetId = answered1.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallConnected", targetId);
    const call2 = await h.client.createCall({ targetParticipant: { phoneNumber: outbound }, sourceCallIdNumber: { phoneNumber: inbound } }, h.callbackUri);
    const sourceId = call2.callConnectionProperties.callConnectionId!;
    const offered = await incomingCall(`4:${outbound}`);
    expect(offered.data.from.rawId).toBe(`4:${inbound}`);
    await h.client.redirectCall(offered.data.incomingCallContext, { targetParticipant: { communicationUserId: agent } });
    await h.waitForEvent("CallConnected", sourceId);
    expect(h.receiver.events("/eventgrid").some((e) => e.data?.to?.rawId === agent)).toBe(false);
    await answered1.callConnection.moveParticipants([{ phoneNumber: outbound }], sourceId);
    const moved = await h.waitForEvent("MoveParticipantSucceeded", targetId);
    expect(moved.participant).toMatchObject({ phoneNumber: outbound });
    const roster = await answered1.callConnection.listParticipants();
    expect(roster.values?.map((p) => (p.identifier as any).communicationUserId ?? (p.identifier as any).phoneNumber)).toEqual(
      expect.arrayContaining([agent, inbound]),
    );
    expect(roster.values).toHaveLength(3);
    await h.waitForEvent("CallDisconnected", sourceId);
    expect(call1.callConnectionProperties.callConnectionId).toBeDefined();
  });

  test("ends a redirect loop at the 70th hop: the call fails with 483/8521", async () => {
    const created = await h.client.createCall({ targetParticipant: { phoneNumber: inbound }, sourceCallIdNumber: { phoneNumber: userPhone } }, h.callbackUri);
    // No filter on this subscription: the app is offered every redirect, and redirects again.
    await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/loop") });
    let context = (await incomingCall(`4:${inbound}`)).data.incomingCallContext;
    for (let hop = 1; hop < 70; hop++) {
      await h.client.redirectCall(context, { targetParticipant: { communicationUserId: agent } });
      const next = await h.receiver.waitFor((e, r) => r.path === "/loop" && e.data?.to?.rawId === agent && h.receiver.events("/loop").filter((x) => x.data?.to?.rawId === agent).indexOf(e) === hop - 1, `IncomingCall after hop ${hop}`);
      context = next.data.incomingCallContext;
    }
    await h.client.redirectCall(context, { targetParticipant: { communicationUserId: agent } });
    const failed = await h.waitForEvent("CreateCallFailed", created.callConnectionProperties.callConnectionId!);
    expect(failed.resultInformation).toMatchObject({ code: 483, subCode: 8521, message: expect.stringContaining("Underlying reason: Too many hops: the call was redirected too many times.") });
    expect(h.receiver.events("/loop").filter((e) => e.data?.to?.rawId === agent)).toHaveLength(69);
  });
});
