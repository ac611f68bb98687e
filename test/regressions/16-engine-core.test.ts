import { describe, expect, test } from "vitest";
import { DEFAULT_RECORDING_STORAGE_ORIGIN } from "../../emulator/engine/recording/recordingFiles.js";
import { rawIdOf, refusal } from "../support/calls.js";
import { signedRequest } from "../support/directoryClients.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

// Issue 16: rules of the engine's core (call lifecycle, invitations, call endings, views) that
// mutation testing showed no test could break.
describe.each(TRANSPORTS)("engine core over %s", (transport) => {
  const h = useHarness({ transport });

  const user = (n: number) => `8:acs:16161616-1616-1616-1616-161616161616_0000000${n}-0000-0000-0000-000000000000`;

  test("a connected call's properties name its callback URI and its connected state", async () => {
    const result = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallConnected", id);
    const properties = await result.callConnection.getCallConnectionProperties();
    expect(properties.callConnectionState).toBe("connected");
    // SDK 1.6 declares `callbackUrl` but passes the wire's `callbackUri` through as it came.
    expect((properties as { callbackUri?: string }).callbackUri).toBe(h.callbackUri);
  });

  test("a call to a phone number shows its targets, source, caller id, display name and correlation id", async () => {
    const result = await h.client.createCall(
      { targetParticipant: { phoneNumber: "+14255550199" }, sourceCallIdNumber: { phoneNumber: "+18005550111" }, sourceDisplayName: "Front desk" },
      h.callbackUri,
    );
    const id = result.callConnectionProperties.callConnectionId!;
    const connected = await h.waitForEvent("CallConnected", id);
    const properties = await result.callConnection.getCallConnectionProperties();
    expect(properties).toMatchObject({
      callConnectionId: id,
      serverCallId: connected.serverCallId,
      correlationId: connected.correlationId,
      targetParticipants: [{ phoneNumber: "+14255550199" }],
      sourceCallerIdNumber: { phoneNumber: "+18005550111" },
      sourceDisplayName: "Front desk",
      source: { communicationUserId: expect.stringMatching(/^8:acs:/) },
    });
    expect(properties.answeredby).toBeUndefined();
    expect(properties.answeredFor).toBeUndefined();
  });

  async function connectedCall() {
    const result = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallConnected", id);
    return { id, connection: result.callConnection };
  }
  const refused = async (body: unknown) => {
    const response = await h.control("POST", "/emulator/faults", body);
    expect(response.status).toBe(400);
    // The service's shape: the text, then its DiagCode.
    return (response.body.error.message as string).split(" DiagCode: ")[0];
  };

  describe("the emulator's state", () => {
    test("a reset forgets faults, parties, variants, subscriptions, calls and identities, and keeps the resource's phone numbers", async () => {
      await h.control("PUT", "/emulator/phone-numbers/%2B18005550177");
      await h.control("POST", "/emulator/faults", { action: "getCall" });
      await h.control("PUT", `/emulator/parties/${encodeURIComponent(user(3))}`, { behavior: "busy" });
      await h.control("PUT", "/emulator/variants", { decline: "200/5002" });
      await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid") });
      await h.control("POST", "/emulator/identities", {});
      await connectedCall();
      const variants = (await h.control("GET", "/emulator/variants")).body;
      await h.reset();
      expect((await h.control("GET", "/emulator/faults")).body).toEqual([]);
      expect((await h.control("GET", "/emulator/parties")).body).toEqual([]);
      expect((await h.control("GET", "/emulator/subscriptions")).body).toEqual([]);
      expect((await h.control("GET", "/emulator/calls")).body).toEqual([]);
      expect((await h.control("GET", "/emulator/identities")).body).toEqual([]);
      expect((await h.control("GET", "/emulator/variants")).body).toEqual({ ...variants, decline: expect.not.stringMatching(/^200\/5002$/) });
      expect((await h.control("GET", "/emulator/phone-numbers")).body).toEqual(["+18005550177"]);
      await h.control("DELETE", "/emulator/phone-numbers/%2B18005550177");
    });

    test("a phone number the resource does not have cannot be removed: 404 saying where they are listed", async () => {
      const answer = await h.control("DELETE", "/emulator/phone-numbers/%2B18005550166");
      expect(answer.status).toBe(404);
      expect(answer.body.error.message).toContain("+18005550166 is not one of the resource's phone numbers. GET /emulator/phone-numbers lists them.");
      expect((await h.control("PUT", "/emulator/phone-numbers/%2B18005550166")).body).toEqual({ phoneNumber: "+18005550166" });
      expect((await h.control("DELETE", "/emulator/phone-numbers/%2B18005550166")).status).toBe(204);
      expect((await h.control("GET", "/emulator/phone-numbers")).body).not.toContain("+18005550166");
    });

    test("an incoming call placed names its call and correlation as its IncomingCall does", async () => {
      await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid") });
      const placed = await h.control("POST", "/emulator/incoming-calls", { from: "4:+14255550123", to: user(1) });
      const incoming = await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall", "IncomingCall");
      expect(placed.body).toEqual({ incomingCallContext: incoming.data.incomingCallContext, serverCallId: incoming.data.serverCallId, correlationId: incoming.data.correlationId });
      // Event Grid names the emulated resource, callsim unless told otherwise.
      expect(incoming.topic).toMatch(/\/providers\/Microsoft\.Communication\/communicationServices\/callsim$/);
    });

    test("a call started in the world names its participants, and GET /emulator/calls shows it whole", async () => {
      const groupCallId = "16161616-0000-4000-8000-000000000016";
      const started = await h.control("POST", "/emulator/calls", { participants: [user(1), user(2)], groupCallId });
      expect(started.body).toMatchObject({ serverCallId: expect.any(String), correlationId: expect.any(String), groupCallId, participants: [user(1), user(2)] });
      const [call] = (await h.control("GET", "/emulator/calls")).body;
      expect(call).toMatchObject({ serverCallId: started.body.serverCallId, correlationId: started.body.correlationId, groupCallId, origin: "group", ended: false, connections: [], invitations: [], recordings: [] });
      expect(call.participants).toEqual([
        { rawId: user(1), isMuted: false, isOnHold: false },
        { rawId: user(2), isMuted: false, isOnHold: false },
      ]);
    });

    test("GET /emulator/calls shows the app's leg, and invitations without their timers", async () => {
      const { id } = await connectedCall();
      const [call] = (await h.control("GET", "/emulator/calls")).body;
      expect(call.origin).toBe("createCall");
      expect(call.connections).toEqual([expect.objectContaining({ callConnectionId: id, callConnectionState: "connected", callbackUri: h.callbackUri })]);
      expect(call.participants).toContainEqual(expect.objectContaining({ callConnectionId: id }));
      expect(call.invitations).toEqual([expect.objectContaining({ target: user(1), state: "accepted", purpose: "createCall" })]);
      expect(call.invitations[0].timers).toBeUndefined();
    });
  });

  describe("the event log", () => {
    test("keeps the explanation of a result beside the event, and each event's call", async () => {
      const { id, connection } = await connectedCall();
      const { invitationId } = await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } });
      await h.waitForEvent("AddParticipantSucceeded", id);
      await connection.cancelAddParticipantOperation(invitationId!);
      await h.waitForEvent("CancelAddParticipantFailed", id);
      const [logged] = (await h.control("GET", `/emulator/events?callConnectionId=${id}&type=CancelAddParticipantFailed`)).body;
      expect(logged).toMatchObject({ callConnectionId: id, channel: "callback", destination: h.callbackUri });
      expect(logged.serverCallId).toBe((await connection.getCallConnectionProperties()).serverCallId);
      expect(logged.note).toBe(`Invitation ${invitationId} has already been answered; there is nothing to cancel.`);
      const [connected] = (await h.control("GET", `/emulator/events?callConnectionId=${id}&type=CallConnected`)).body;
      expect(connected.note).toBeUndefined();
      // Callbacks are JSON, and say so.
      const delivery = h.receiver.received.find((r) => r.body?.[0]?.type === "Microsoft.Communication.CallConnected" && r.body[0].data.callConnectionId === id)!;
      expect(delivery.headers["content-type"]).toMatch(/^application\/json/);
    });

    test("a leg made with an older api-version gets no event its version lacks, and each event carries that version", async () => {
      await h.control("PUT", `/emulator/parties/${encodeURIComponent(user(2))}`, { behavior: "decline" });
      const created = await signedRequest(h, "POST", "/calling/callConnections?api-version=2024-04-15", {
        callbackUri: h.callbackUri,
        targets: [{ kind: "communicationUser", communicationUser: { id: user(2) } }],
      });
      const id = created.body.callConnectionId as string;
      await h.waitForEvent("CallDisconnected", id);
      await h.drain();
      // 2024-04-15 has no CreateCallFailed: the call fails with CallDisconnected alone.
      expect(h.eventTypes(id)).toEqual(["CallDisconnected"]);
      expect(h.receiver.events().find((e) => e.data?.callConnectionId === id)!.data.version).toBe("2024-04-15");
      expect((await h.control("GET", `/emulator/events?callConnectionId=${id}`)).body.map((e: { type: string }) => e.type)).toEqual(["Microsoft.Communication.CallDisconnected"]);
    });
  });

  describe("404s say what was not found and what to use instead", () => {
    test("a connection that ended, one never made, a participant not in the call, and a call the world does not have", async () => {
      const { id, connection } = await connectedCall();
      const outsider = await refusal(connection.getParticipant({ communicationUserId: user(7) }));
      expect(outsider.status).toBe(404);
      expect(outsider.message).toContain(`Participant ${user(7)} is not in the call. List the call's participants to see who is.`);
      await connection.hangUp(false);
      const ended = await refusal(connection.getCallConnectionProperties());
      expect(ended.status).toBe(404);
      expect(ended.message).toContain(`Call connection ${id} has ended. Start or answer a new call; no action is possible on a disconnected call connection.`);
      const never = await refusal(h.client.getCallConnection("00000000-0000-4000-8000-000000000000").getCallConnectionProperties());
      expect(never.status).toBe(404);
      expect(never.message).toContain(
        "Call connection 00000000-0000-4000-8000-000000000000 was not found. Use the callConnectionId returned by createCall, answerCall or connectCall.",
      );
      const noCall = await h.control("POST", `/emulator/calls/nope/participants/${encodeURIComponent(user(1))}:hangUp`);
      expect(noCall.status).toBe(404);
      expect(noCall.body.error.message).toContain("Call nope was not found. Use a serverCallId from GET /emulator/calls.");
    });
  });

  describe("a planted fault", () => {
    test("fails the action with 500 InternalServerError and a message naming the action, by default", async () => {
      const planted = await h.control("POST", "/emulator/faults", { action: "getCall" });
      expect(planted.status).toBe(201);
      expect(planted.body).toMatchObject({ action: "getCall", status: 500, code: "InternalServerError", subCode: 9999, async: false, remaining: 1 });
      expect(planted.body.message).toBe("Injected failure of getCall (POST /emulator/faults).");
    });

    test("fails the request it is planted for with its status and code", async () => {
      const { connection } = await connectedCall();
      // 400: the SDK does not retry it.
      await h.control("POST", "/emulator/faults", { action: "getCall", status: 400, code: "Planted" });
      const error = await refusal(connection.getCallConnectionProperties());
      expect(error).toMatchObject({ status: 400, code: "Planted" });
      expect(error.message).toContain("Injected failure of getCall");
    });

    test("an asynchronous one accepts the action and fails it by event, its code the status", async () => {
      const { id, connection } = await connectedCall();
      const planted = await h.control("POST", "/emulator/faults", { action: "addParticipant", async: true, status: 503 });
      expect(planted.body).toMatchObject({ code: "503", async: true });
      await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } });
      const failed = await h.waitForEvent("AddParticipantFailed", id);
      expect(failed.resultInformation).toMatchObject({ code: 503, subCode: 9999 });
    });

    test("takes the status, code, subCode, message and times it is given", async () => {
      const planted = await h.control("POST", "/emulator/faults", { action: "getCall", status: 429, code: "TooMany", subCode: 0, message: "Slow down.", times: 2 });
      expect(planted.body).toMatchObject({ status: 429, code: "TooMany", subCode: 0, message: "Slow down.", remaining: 2 });
    });

    test.each([
      ["status", 399, "status must be an integer from 400 to 699."],
      ["status", 700, "status must be an integer from 400 to 699."],
      ["status", 450.5, "status must be an integer from 400 to 699."],
      ["subCode", -1, "subCode must be an integer from 0 to 99999."],
      ["subCode", 100_000, "subCode must be an integer from 0 to 99999."],
      ["times", 0, "times must be an integer from 1 to 1000000."],
      ["times", 1_000_001, "times must be an integer from 1 to 1000000."],
      ["code", 500, "code must be a string."],
      ["message", false, "message must be a string."],
      ["async", "yes", "async must be true or false."],
    ])("refuses %s %j, saying what it takes", async (field, value, message) => {
      expect(await refused({ action: "getCall", [field]: value })).toBe(message);
      expect((await h.control("GET", "/emulator/faults")).body).toEqual([]);
    });

    test.each([
      ["status", 400],
      ["status", 699],
      ["subCode", 0],
      ["subCode", 99_999],
      ["times", 1],
      ["times", 1_000_000],
    ])("takes %s %j, a bound of its range", async (field, value) => {
      expect((await h.control("POST", "/emulator/faults", { action: "getCall", [field]: value })).status).toBe(201);
    });

    test("names the action first when the action is unknown", async () => {
      expect(await refused({ action: "dance", status: 1 })).toMatch(/^action must be one of createCall, /);
    });
  });

  describe("a party's settings", () => {
    const put = (settings: unknown) => h.control("PUT", `/emulator/parties/${encodeURIComponent(user(3))}`, settings);

    test("default to answering, with no delay and no input", async () => {
      const response = await put({});
      expect(response.body).toEqual({ rawId: user(3), behavior: "answer", input: [] });
    });

    test.each([
      [{ behavior: "dance" }, "behavior must be one of answer, decline, busy, noAnswer, unreachable, leftToApps."],
      [{ delayMs: -1 }, "delayMs must be a number of milliseconds, 0 or more."],
      [{ delayMs: "10" }, "delayMs must be a number of milliseconds, 0 or more."],
      [{ delayMs: null }, "delayMs must be a number of milliseconds, 0 or more."],
    ])("refuse %j, saying what they take", async (settings, message) => {
      const response = await put(settings);
      expect(response.status).toBe(400);
      expect(response.body.error.message.split(" DiagCode: ")[0]).toBe(message);
    });

    test("take a delay of 0 and a single input as a list of one", async () => {
      const response = await put({ behavior: "decline", delayMs: 0, input: { dtmf: "1" } });
      expect(response.body).toEqual({ rawId: user(3), behavior: "decline", delayMs: 0, input: [{ dtmf: "1" }] });
    });
  });

  describe("request fields", () => {
    const raw = (path: string, body: unknown) => signedRequest(h, "POST", `${path}?api-version=2025-06-15`, body);
    const target = { kind: "communicationUser", communicationUser: { id: user(1) } };
    const refusedWith = (answer: { status: number; body: any }) => {
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      return { target: answer.body.error.target, message: answer.body.error.message.split(" DiagCode: ")[0] };
    };

    test.each([
      ["app/callbacks", 'The field callbackUri is invalid: "app/callbacks" is not an absolute URL. Give an https:// (or, locally, http://) URL.'],
      ["ftp://app.test/callbacks", "The field callbackUri is invalid: callbacks go over https (or http locally), not ftp:"],
    ])("a callbackUri of %j is refused, saying what to give", async (callbackUri, message) => {
      expect(refusedWith(await raw("/calling/callConnections", { callbackUri, targets: [target] }))).toEqual({ target: "callbackUri", message });
    });

    test("an http or https callbackUri is taken, the same one again too", async () => {
      for (const callbackUri of ["http://127.0.0.1:9/cb", "https://app.test/cb", "https://app.test/cb"]) {
        expect((await raw("/calling/callConnections", { callbackUri, targets: [target] })).status).toBe(201);
      }
    });

    test("a rejected callbackUri after an accepted one is still refused", async () => {
      expect((await raw("/calling/callConnections", { callbackUri: "https://app.test/cb", targets: [target] })).status).toBe(201);
      expect(refusedWith(await raw("/calling/callConnections", { callbackUri: "mailto:app@test", targets: [target] })).target).toBe("callbackUri");
    });

    test.each([
      [{ customContext: "x" }, "customContext", "customContext must be an object with voipHeaders and sipHeaders."],
      [{ customContext: { voipHeaders: ["a"] } }, "customContext.voipHeaders", "customContext.voipHeaders must be a map of header names to string values."],
      [{ customContext: { sipHeaders: "a" } }, "customContext.sipHeaders", "customContext.sipHeaders must be a map of header names to string values."],
      [{ customContext: { voipHeaders: { "x-a": 1 } } }, "customContext.voipHeaders.x-a", "customContext.voipHeaders.x-a must be a string."],
      [{ callerDisplayName: 5 }, "callerDisplayName", "callerDisplayName must be a string."],
    ])("an incoming call placed with %j is refused, naming the field", async (fields, field, message) => {
      expect(refusedWith(await h.control("POST", "/emulator/incoming-calls", { from: "4:+14255550123", to: user(1), ...fields }))).toEqual({ target: field, message });
    });

    test("custom calling context headers reach the callee's IncomingCall; missing maps and null fields read as none", async () => {
      const { id } = await connectedCall();
      await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid") });
      const add = (n: number, fields: object) =>
        raw(`/calling/callConnections/${id}/participants:add`, { participantToAdd: { kind: "communicationUser", communicationUser: { id: user(n) } }, ...fields });
      expect((await add(2, { customCallingContext: { voipHeaders: { "x-a": "1" } }, operationContext: null })).status).toBe(202);
      expect((await add(3, { customCallingContext: null })).status).toBe(202);
      const incoming = await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.IncomingCall" && e.data.to.rawId === user(2), "IncomingCall");
      expect(incoming.data.customContext).toEqual({ voipHeaders: { "x-a": "1" }, sipHeaders: {} });
    });
  });

  describe("when a call ends", () => {
    test("its recording stops as the call ended: RecordingStateChanged inactive to the recording's callback", async () => {
      await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid") });
      const { id, connection } = await connectedCall();
      const { recordingId } = await h.client.getCallRecording().start({ callConnectionId: id, recordingStateCallbackEndpointUrl: h.receiver.url("/recording") });
      await h.receiver.waitFor((e) => e.type === "Microsoft.Communication.RecordingStateChanged" && e.data.state === "active", "RecordingStateChanged active");
      await connection.hangUp(true);
      const inactive = await h.receiver.waitFor((e) => e.type === "Microsoft.Communication.RecordingStateChanged" && e.data.state === "inactive", "RecordingStateChanged inactive");
      expect(inactive.data.recordingId).toBe(recordingId);
      const file = await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.RecordingFileStatusUpdated", "RecordingFileStatusUpdated");
      // The emulator's own storage host, unless told another.
      expect(file.data.recordingStorageInfo.recordingChunks[0].contentLocation).toMatch(new RegExp(`^${DEFAULT_RECORDING_STORAGE_ORIGIN.replace(/\./g, "\\.")}/`));
      // A reset forgets the recording and the event log.
      await h.reset();
      expect((await h.control("GET", "/emulator/events")).body).toEqual([]);
    });

    test.runIf(transport !== "server")("a play still running stops with the leg the other party left, leaving nothing scheduled for it", async () => {
      const { id, connection } = await connectedCall();
      await connection.getCallMedia().playToAll([{ kind: "textSource", text: "Please hold", voiceName: "en-US-NancyNeural" }], { loop: true });
      await h.waitForEvent("PlayStarted", id);
      // The other party hangs up: the call ends around the app's leg.
      await h.emulator.hangUpParty((await connection.getCallConnectionProperties()).serverCallId!, user(1));
      await h.waitForEvent("CallDisconnected", id);
      expect(h.emulator.pending()).toEqual([]);
      expect(h.eventTypes(id).slice(-1)).toEqual(["CallDisconnected"]);
    });

    test("a participant who leaves a call of three leaves the others in it, who hear the roster of two", async () => {
      const result = await h.client.createGroupCall([{ communicationUserId: user(1) }, { communicationUserId: user(2) }], h.callbackUri);
      const id = result.callConnectionProperties.callConnectionId!;
      await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.length === 3);
      const serverCallId = (await result.callConnection.getCallConnectionProperties()).serverCallId!;
      await h.control("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(user(2))}:hangUp`);
      const roster = await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.length === 2);
      expect(roster.participants.map((p) => rawIdOf(p.identifier))).not.toContain(user(2));
      expect((await result.callConnection.getCallConnectionProperties()).callConnectionState).toBe("connected");
      // The last other participant leaving ends it: the app's leg, alone, hears 5010.
      await h.control("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(user(1))}:hangUp`);
      const ended = await h.waitForEvent("CallDisconnected", id);
      expect(ended.resultInformation).toMatchObject({ code: 200, subCode: 5010 });
      expect(h.receiver.events().filter((e) => e.type === "Microsoft.Communication.ParticipantsUpdated" && e.data.participants.length < 2)).toEqual([]);
    });
  });
});

