import { CallAutomationClient, DtmfTone, type CallConnection } from "@azure/communication-call-automation";
import type { HttpClient, PipelineRequest } from "@azure/core-rest-pipeline";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEmulator, type Emulator } from "../../emulator/emulator.js";
import { OPERATIONS } from "../../emulator/http/operations.js";
import { RepeatabilityCache } from "../../emulator/http/repeatability.js";

// Raw HTTP: the SDK always sends well-formed, fresh headers, so it cannot show what a bad or
// repeated one gets. The server runs --loose so the requests need no HMAC.
let emulator: Emulator;
let url: string;
beforeAll(async () => {
  emulator = createEmulator({ selfCheck: true, seed: 8, loose: true });
  url = (await emulator.listen({ port: 0, logLevel: "silent" })).url;
  emulator.onCallback("https://app.test/", ({ events }) => {
    for (const e of events) {
      if (e.type !== "Microsoft.Communication.CallConnected") continue;
      seenConnected.add(e.data.callConnectionId);
      connected.get(e.data.callConnectionId)?.();
    }
  });
});
const connected = new Map<string, () => void>();
const seenConnected = new Set<string>();
const whenConnected = (id: string) => (seenConnected.has(id) ? Promise.resolve() : new Promise<void>((resolve) => connected.set(id, resolve)));
afterAll(() => emulator.close());

const CREATE = "/calling/callConnections?api-version=2026-03-12";
const CALLBACKS = "https://app.test/cb";
const body = (n = 1) => JSON.stringify({ targets: [{ communicationUser: { id: `8:acs:r_u${n}` } }], callbackUri: CALLBACKS });
const send = (headers: Record<string, string>, payload = body(), path = CREATE) =>
  fetch(url + path, { method: "POST", body: payload, headers: { "content-type": "application/json", ...headers } });
const repeatable = (id: string = crypto.randomUUID(), firstSent = new Date().toUTCString()) => ({ "repeatability-request-id": id, "repeatability-first-sent": firstSent });
const callsNamed = (id: string) => emulator.calls().filter((c) => c.connections.some((x) => x.callConnectionId === id));

describe("Repeatability-Request-ID and Repeatability-First-Sent", () => {
  test("a repeat within the window gets the first answer, byte for byte, and no second call", async () => {
    const headers = repeatable();
    const first = await send(headers);
    const firstBody = await first.text();
    const again = await send(headers);
    expect(again.status).toBe(201);
    expect(await again.text()).toBe(firstBody);
    expect(first.headers.get("repeatability-result")).toBe("accepted");
    expect(again.headers.get("repeatability-result")).toBe("accepted");
    expect(callsNamed(JSON.parse(firstBody).callConnectionId)).toHaveLength(1);
    expect(emulator.calls()).toHaveLength(1);
  });

  test("a repeat of an action causes no second effect (one AddParticipant, one invitation)", async () => {
    const created = await (await send(repeatable(), body(2))).json();
    await whenConnected(created.callConnectionId);
    const path = `/calling/callConnections/${created.callConnectionId}/participants:add?api-version=2026-03-12`;
    const headers = repeatable();
    const add = JSON.stringify({ participantToAdd: { communicationUser: { id: "8:acs:r_u3" } } });
    const first = await send(headers, add, path);
    const again = await send(headers, add, path);
    expect([first.status, again.status]).toEqual([202, 202]);
    expect((await again.json()).invitationId).toBe((await first.json()).invitationId);
    const [call] = callsNamed(created.callConnectionId);
    expect(call.invitations.filter((i) => i.target === "8:acs:r_u3")).toHaveLength(1);
  });

  test.each([
    ["not a UUID", { "repeatability-request-id": "not-a-uuid", "repeatability-first-sent": new Date().toUTCString() }, "Repeatability-Request-ID"],
    ["a First-Sent in ISO 8601", { "repeatability-request-id": crypto.randomUUID(), "repeatability-first-sent": new Date().toISOString() }, "Repeatability-First-Sent"],
    ["a First-Sent without GMT", { "repeatability-request-id": crypto.randomUUID(), "repeatability-first-sent": new Date().toUTCString().replace(" GMT", "") }, "Repeatability-First-Sent"],
    ["an ID without First-Sent", { "repeatability-request-id": crypto.randomUUID() }, "Repeatability-First-Sent"],
    ["a First-Sent without ID", { "repeatability-first-sent": new Date().toUTCString() }, "Repeatability-Request-ID"],
  ])("refuses %s with 400 naming the header, and runs nothing", async (_name, headers, header) => {
    const before = emulator.calls().length;
    const response = await send(headers as Record<string, string>);
    expect(response.status).toBe(400);
    expect(response.headers.get("repeatability-result")).toBe("rejected");
    const { error } = await response.json();
    expect(error).toMatchObject({ code: "InvalidRepeatabilityHeaders", target: header });
    expect(error.message).toContain(header);
    expect(emulator.calls()).toHaveLength(before);
  });

  test("refuses a First-Sent older than the 5 minute window with 412", async () => {
    const response = await send(repeatable(undefined, new Date(Date.now() - 5 * 60_000 - 5_000).toUTCString()));
    expect(response.status).toBe(412);
    expect(response.headers.get("repeatability-result")).toBe("rejected");
    const { error } = await response.json();
    expect(error.message).toMatch(/not within the 5 minute window/);
  });

  test("refuses the same ID for a different request with 400", async () => {
    const headers = repeatable();
    expect((await send(headers, body(4))).status).toBe(201);
    const response = await send(headers, body(5));
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(/already used for a different request/);
  });

  test("forgets remembered answers on reset", async () => {
    const headers = repeatable();
    const first = await (await send(headers)).json();
    await fetch(url + "/emulator/reset", { method: "POST" });
    const again = await (await send(headers)).json();
    expect(again.callConnectionId).not.toBe(first.callConnectionId);
  });
});

describe("the SDK sends both headers on every repeatable operation", () => {
  test("createCall, answer, redirect, reject, connect, terminate, transfer, add, remove, mute, cancelAdd, move, sendDtmfTones", async () => {
    const inProcess = createEmulator({ selfCheck: true, seed: 9, clock: "virtual" });
    const seen: Array<{ path: string; id?: string; firstSent?: string }> = [];
    const inner = inProcess.httpClient();
    const recording: HttpClient = {
      sendRequest: (request: PipelineRequest) => {
        seen.push({ path: `${request.method} ${new URL(request.url).pathname}`, id: request.headers.get("repeatability-request-id"), firstSent: request.headers.get("repeatability-first-sent") });
        return inner.sendRequest(request);
      },
    };
    const client = new CallAutomationClient(inProcess.connectionString(), { httpClient: recording });
    const user = (n: number) => ({ communicationUserId: `8:acs:44444444-4444-4444-4444-444444444444_0000000${n}-0000-0000-0000-000000000000` });
    const cb = "https://app.test/cb";
    inProcess.onCallback("https://app.test/", () => undefined);
    const group = await client.createGroupCall([user(1), user(2)], cb);
    const connection: CallConnection = group.callConnection;
    await inProcess.settle();
    const added = await connection.addParticipant({ targetParticipant: user(3) }, { invitationTimeoutInSeconds: 60 });
    await connection.cancelAddParticipantOperation(added.invitationId!);
    await connection.getCallMedia().sendDtmfTones([DtmfTone.One], user(2));
    await connection.muteParticipant(user(1));
    const other = await client.createCall({ targetParticipant: user(7) }, cb);
    await inProcess.settle();
    await connection.moveParticipants([user(7)], other.callConnectionProperties.callConnectionId!);
    await connection.removeParticipant(user(1));
    await connection.transferCallToParticipant(user(5), { transferee: user(2) }).catch(() => undefined);
    const leg = await client.connectCall({ kind: "serverCallLocator", id: group.callConnectionProperties.serverCallId! }, cb);
    await inProcess.settle();
    await client.getCallRecording().start({ callLocator: { kind: "serverCallLocator", id: group.callConnectionProperties.serverCallId! } });
    await leg.callConnection.hangUp(true);
    for (const n of [1, 2, 3]) {
      const { incomingCallContext } = inProcess.placeIncomingCall({ from: "4:+14255550123", to: "4:+18005550100" });
      if (n === 1) await client.answerCall(incomingCallContext, cb);
      if (n === 2) await client.rejectCall(incomingCallContext);
      if (n === 3) await client.redirectCall(incomingCallContext, { targetParticipant: user(6) });
    }
    const repeatableOps = OPERATIONS.filter((o) => o.repeatable);
    const sentByOp = new Map(repeatableOps.map((o) => [o.operationId, seen.filter((s) => o.method === s.path.split(" ")[0] && o.pattern.test(s.path.split(" ")[1]))]));
    expect([...sentByOp].filter(([, requests]) => requests.length === 0).map(([op]) => op)).toEqual([]);
    for (const requests of sentByOp.values()) {
      for (const r of requests) {
        expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(r.firstSent).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      }
    }
    const ids = [...sentByOp.values()].flat().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("the remembered ids are bounded", () => {
  test("beyond the capacity the oldest id is forgotten early and counted; expired ones go first", () => {
    let now = Date.parse("Sun, 06 Nov 1994 08:49:37 GMT");
    const cache = new RepeatabilityCache<string>(() => now, 60_000, 3);
    const key = (n: number) => cache.key(repeatable(`00000000-0000-4000-8000-00000000000${n}`, new Date(now).toUTCString()), { method: "POST", path: "/p", body: "" })!;
    cache.remember(key(1), "one");
    now += 61_000; // the first has expired
    for (const n of [2, 3, 4]) cache.remember(key(n), String(n));
    expect([cache.size, cache.evicted]).toEqual([3, 0]);
    cache.remember(key(5), "five");
    expect([cache.size, cache.evicted]).toEqual([3, 1]);
    expect(cache.recall(key(2))).toBeUndefined();
    expect(cache.recall(key(5))).toBe("five");
  });

  test("a full cache forgets its oldest tenth at once, not one id per request", () => {
    const now = Date.parse("Sun, 06 Nov 1994 08:49:37 GMT");
    const cache = new RepeatabilityCache<number>(() => now, 60_000, 20);
    const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
    const key = (n: number) => cache.key(repeatable(id(n), new Date(now).toUTCString()), { method: "POST", path: "/p", body: "" })!;
    for (let n = 1; n <= 21; n++) cache.remember(key(n), n);
    expect([cache.size, cache.evicted]).toEqual([18, 3]);
    expect([1, 2, 3].map((n) => cache.recall(key(n)))).toEqual([undefined, undefined, undefined]);
    expect(cache.recall(key(4))).toBe(4);
    cache.remember(key(22), 22);
    expect([cache.size, cache.evicted]).toEqual([19, 3]);
  });
});
