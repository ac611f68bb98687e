import { describe, expect, test } from "vitest";
import { useHarness, TRANSPORTS } from "../support/harness.js";

describe.each(TRANSPORTS)("createCall over %s", (transport) => {
  const h = useHarness({ transport });

  const acs = (n: number) => ({ communicationUserId: `8:acs:11111111-1111-1111-1111-111111111111_0000000${n}-0000-0000-0000-000000000000` });
  const pstn = { phoneNumber: "+14255550123" };
  const callerId = { phoneNumber: "+18005550100" };

  describe("createCall", () => {
    test("connects a 1:1 call and sends CallConnected then ParticipantsUpdated", async () => {
      const result = await h.client.createCall({ targetParticipant: acs(1) }, h.callbackUri, { operationContext: "ctx-create" });
      const id = result.callConnectionProperties.callConnectionId!;
      expect(result.callConnectionProperties.callConnectionState).toBe("connecting");
      const connected = await h.waitForEvent("CallConnected", id);
      expect(connected.operationContext).toBe("ctx-create");
      expect(connected.resultInformation).toEqual({ code: 200, subCode: 0, message: "" });
      const updated = await h.waitForEvent("ParticipantsUpdated", id);
      expect(updated.participants.map((p) => p.identifier)).toContainEqual({ communicationUserId: acs(1).communicationUserId });
      expect(updated.participants).toHaveLength(2);
      expect(updated.sequenceNumber).toBe(1);
      expect(h.eventTypes(id)).toEqual(["CallConnected", "ParticipantsUpdated"]);
      const props = await result.callConnection.getCallConnectionProperties();
      expect(props.callConnectionState).toBe("connected");
      expect(props.targetParticipants).toEqual([{ communicationUserId: acs(1).communicationUserId }]);
    });

    test("delivers CloudEvents in a one-element array with the envelope real recordings have", async () => {
      const result = await h.client.createCall({ targetParticipant: acs(1) }, h.callbackUri);
      const id = result.callConnectionProperties.callConnectionId!;
      await h.waitForEvent("ParticipantsUpdated", id);
      const post = h.receiver.received.find((r) => r.body[0]?.type === "Microsoft.Communication.CallConnected")!;
      expect(post.body).toHaveLength(1);
      expect(post.headers["content-type"]).toMatch(/^application\/json/);
      const event = post.body[0];
      expect(event).toMatchObject({
        source: `calling/callConnections/${id}`,
        subject: `calling/callConnections/${id}`,
        specversion: "1.0",
        datacontenttype: "application/json",
        data: { callConnectionId: id, version: "2026-03-12", publicEventType: "Microsoft.Communication.CallConnected" },
      });
      expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$/);
      expect(event.data.serverCallId).toBe(result.callConnectionProperties.serverCallId);
      expect(event.data.correlationId).toBe(result.callConnectionProperties.correlationId);
    });

    test("connects a group call when the first target answers and adds later ones with ParticipantsUpdated", async () => {
      await h.control("PUT", `/emulator/parties/${encodeURIComponent(acs(2).communicationUserId)}`, { behavior: "answer", delayMs: 40 });
      const result = await h.client.createGroupCall([acs(1), acs(2)], h.callbackUri);
      const id = result.callConnectionProperties.callConnectionId!;
      await h.waitForEvent("CallConnected", id);
      const full = await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.length === 3);
      expect(full.sequenceNumber).toBe(2);
      const { values } = await result.callConnection.listParticipants();
      expect(values).toHaveLength(3);
    });

    test("refuses a PSTN target without sourceCallerIdNumber with 400 naming the field", async () => {
      const error = await h.client.createCall({ targetParticipant: pstn }, h.callbackUri).catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.message).toMatch(/sourceCallerIdNumber/);
      expect(error.code).toBe("8523");
    });

    test("places a PSTN call with a caller id", async () => {
      const result = await h.client.createCall({ targetParticipant: pstn, sourceCallIdNumber: callerId }, h.callbackUri);
      const id = result.callConnectionProperties.callConnectionId!;
      await h.waitForEvent("CallConnected", id);
      expect(result.callConnectionProperties.sourceCallerIdNumber).toEqual({ phoneNumber: "+18005550100" });
    });

    test.each([
      ["decline", 603, 0],
      ["busy", 486, 8539],
      ["unreachable", 480, 8544],
    ] as const)("reports a callee that is %s with CreateCallFailed then CallDisconnected (%i/%i)", async (behavior, code, subCode) => {
      await h.control("PUT", `/emulator/parties/${encodeURIComponent("4:+14255550123")}`, { behavior });
      const result = await h.client.createCall({ targetParticipant: pstn, sourceCallIdNumber: callerId }, h.callbackUri, { operationContext: "c1" });
      const id = result.callConnectionProperties.callConnectionId!;
      const failed = await h.waitForEvent("CreateCallFailed", id);
      expect(failed.resultInformation).toMatchObject({ code, subCode });
      expect(failed.resultInformation?.message).toMatch(new RegExp(`DiagCode: ${code}#${subCode}\\.@$`));
      expect(failed.operationContext).toBe("c1");
      await h.waitForEvent("CallDisconnected", id);
      expect(h.eventTypes(id)).toEqual(["CreateCallFailed", "CallDisconnected"]);
      const error = await result.callConnection.getCallConnectionProperties().catch((e) => e);
      expect(error.statusCode).toBe(404);
    });

    // CreateCallAndRejectAsync (603/0) and CreateCallAndReject (200/5002): the same operations, two runs;
    // both events carry the same resultInformation.
    test.each([
      ["603/0 and the service's message by default", undefined, { code: 603, subCode: 0, message: "Call ended successfully as it was declined from callee. DiagCode: 603#0.@" }],
      ["200/5002 when the decline variant asks for it", "200/5002", { code: 200, subCode: 5002, message: "The conversation has ended. DiagCode: 0#5002.@" }],
    ] as const)("reports a declined call on CreateCallFailed and CallDisconnected with %s", async (_, variant, expected) => {
      if (variant) expect((await h.control("PUT", "/emulator/variants", { decline: variant })).body).toMatchObject({ decline: variant });
      await h.control("PUT", `/emulator/parties/${encodeURIComponent("4:+14255550123")}`, { behavior: "decline" });
      const result = await h.client.createCall({ targetParticipant: pstn, sourceCallIdNumber: callerId }, h.callbackUri);
      const id = result.callConnectionProperties.callConnectionId!;
      expect((await h.waitForEvent("CreateCallFailed", id)).resultInformation).toEqual(expected);
      expect((await h.waitForEvent("CallDisconnected", id)).resultInformation).toEqual(expected);
    });

    test("refuses a variant it does not know, and a choice a variant does not have, naming them", async () => {
      const unknown = await h.control("PUT", "/emulator/variants", { hangUp: "5001" });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toMatch(/hangUp is not a variant; the variants are decline, terminate, removeLast, createCallOrder, answerOrder, connectOrder/);
      const wrong = await h.control("PUT", "/emulator/variants", { decline: "486/0" });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.message).toMatch(/decline must be one of "603\/0", "200\/5002"/);
      expect((await h.control("GET", "/emulator/variants")).body).toEqual({ decline: "603/0", terminate: "7000", removeLast: "5002", createCallOrder: "connectedFirst", answerOrder: "connectedFirst", connectOrder: "rosterFirst" });
    });

    test("times out a callee that never answers when the network stops ringing (408/8541)", async () => {
      await h.control("PUT", `/emulator/parties/${encodeURIComponent("4:+14255550123")}`, { behavior: "noAnswer", delayMs: 30 });
      const result = await h.client.createCall({ targetParticipant: pstn, sourceCallIdNumber: callerId }, h.callbackUri);
      const failed = await h.waitForEvent("CreateCallFailed", result.callConnectionProperties.callConnectionId!);
      expect(failed.resultInformation).toMatchObject({ code: 408, subCode: 8541 });
    });

    test("refuses a callbackUri that is not an http(s) URL", async () => {
      const error = await h.client.createCall({ targetParticipant: acs(1) }, "ftp://example.com/cb").catch((e) => e);
      expect(error.statusCode).toBe(400);
      expect(error.message).toMatch(/CallbackUri is invalid/i);
    });

    test("fails asynchronously with CreateCallFailed when a fault is planted", async () => {
      const planted = await h.control("POST", "/emulator/faults", { action: "createCall", async: true, status: 500, subCode: 8516, message: "Call throttled." });
      expect(planted.status).toBe(201);
      const result = await h.client.createCall({ targetParticipant: acs(1) }, h.callbackUri);
      const failed = await h.waitForEvent("CreateCallFailed", result.callConnectionProperties.callConnectionId!);
      expect(failed.resultInformation).toMatchObject({ code: 500, subCode: 8516 });
    });

    test("fails synchronously with the planted status and code", async () => {
      await h.control("POST", "/emulator/faults", { action: "createCall", status: 403, code: "7504", message: "Insufficient application permissions." });
      const error = await h.client.createCall({ targetParticipant: acs(1) }, h.callbackUri).catch((e) => e);
      expect(error.statusCode).toBe(403);
      expect(error.code).toBe("7504");
    });
  });
});
