import net from "node:net";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CallAutomationClient } from "@azure/communication-call-automation";
import { setupServer } from "msw/node";
import { describe, expect, test, vi } from "vitest";
import { createEmulator } from "callsim";

const agent = "8:acs:11111111-1111-1111-1111-111111111111_0000000a-0000-0000-0000-000000000000";
const caller = "8:acs:11111111-1111-1111-1111-111111111111_0000000b-0000-0000-0000-000000000000";

/** create call, CallConnected, add a participant who never answers, timeout, hang up. */
async function callFlow(seed: number, transport: "direct" | "msw") {
  const emulator = createEmulator({ seed, clock: "virtual", selfCheck: "throw" });
  const received: string[] = [];
  emulator.onCallback("https://app.test/", ({ body }) => {
    received.push(body);
  });
  emulator.setParty(caller, { behavior: "noAnswer" });
  const msw = transport === "msw" ? setupServer(...emulator.mswHandlers()) : undefined;
  msw?.listen({ onUnhandledRequest: "error" });
  try {
    const client =
      transport === "msw" ? new CallAutomationClient(emulator.connectionString()) : new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
    const { callConnection } = await client.createCall({ targetParticipant: { communicationUserId: agent } }, "https://app.test/events");
    await emulator.settle();
    const startedAt = emulator.now();
    await callConnection.addParticipant({ targetParticipant: { communicationUserId: caller } }, { invitationTimeoutInSeconds: 180 });
    await emulator.settle();
    const timedOutAfter = emulator.now() - startedAt;
    await callConnection.hangUp(true);
    await emulator.settle();
    emulator.assertSelfCheck();
    return { received, timedOutAfter, log: JSON.stringify(emulator.events()) };
  } finally {
    msw?.close();
    await emulator.close();
  }
}

describe("in-process emulator", () => {
  test.each(["direct", "msw"] as const)("runs a whole flow over %s without opening a listening socket", async (transport) => {
    const listen = vi.spyOn(net.Server.prototype, "listen");
    try {
      const run = await callFlow(7, transport);
      expect(listen).not.toHaveBeenCalled();
      expect(run.received.map((b) => JSON.parse(b)[0].type.split(".").pop())).toEqual([
        "CallConnected",
        "ParticipantsUpdated",
        "AddParticipantFailed",
        "CallDisconnected",
      ]);
      expect(run.timedOutAfter).toBe(180_000);
    } finally {
      listen.mockRestore();
    }
  });

  test("repeats byte for byte from the same seed, ids and times included", async () => {
    const first = await callFlow(7, "direct");
    const second = await callFlow(7, "direct");
    expect(second.log).toBe(first.log);
    expect(second.received).toEqual(first.received);
    const other = await callFlow(8, "direct");
    expect(other.log).not.toBe(first.log);
  });

  test("stops a runaway settle at its limit with advice", async () => {
    const emulator = createEmulator({ clock: "virtual", selfCheck: "throw" });
    const again = () => emulator.clock!.schedule(1000, again, "a task that reschedules itself");
    again();
    await expect(emulator.settle({ limit: 50 })).rejects.toThrow(/stopped after 50 tasks.*a task that reschedules itself.*settle\(\{ limit \}\)/s);
  });

  test("hands a handler its own copy of the events, equal to the body that was sent", async () => {
    const emulator = createEmulator({ clock: "virtual", seed: 4, selfCheck: "throw" });
    const received: Array<{ body: string; events: Array<Record<string, any>> }> = [];
    emulator.onCallback("https://app.test/", (request) => {
      received.push({ body: request.body, events: structuredClone(request.events) });
      // An app that changes what it was given changes nothing in the emulator.
      request.events[0].type = "changed by the app";
      request.events[0].data.callConnectionId = "changed by the app";
    });
    const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
    const { callConnectionProperties } = await client.createCall({ targetParticipant: { communicationUserId: agent } }, "https://app.test/events");
    await emulator.settle();
    expect(received.map((r) => r.events[0].type)).toEqual(["Microsoft.Communication.CallConnected", "Microsoft.Communication.ParticipantsUpdated"]);
    for (const { body, events } of received) expect(JSON.parse(body)).toEqual(events);
    expect(emulator.events().map((e) => [e.type, (e.event as any).type, (e.event as any).data.callConnectionId])).toEqual([
      ["Microsoft.Communication.CallConnected", "Microsoft.Communication.CallConnected", callConnectionProperties.callConnectionId],
      ["Microsoft.Communication.ParticipantsUpdated", "Microsoft.Communication.ParticipantsUpdated", callConnectionProperties.callConnectionId],
    ]);
  });

  test("delivers through the app's own fetch handler", async () => {
    const emulator = createEmulator({ clock: "virtual", selfCheck: "throw" });
    const seen: string[] = [];
    emulator.routeCallbacks("https://app.test/", async (request) => {
      seen.push(`${request.method} ${new URL(request.url).pathname} ${(await request.json())[0].type}`);
      return new Response(null, { status: 204 });
    });
    const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
    await client.createCall({ targetParticipant: { communicationUserId: agent } }, "https://app.test/api/events");
    await emulator.settle();
    expect(seen).toEqual(["POST /api/events Microsoft.Communication.CallConnected", "POST /api/events Microsoft.Communication.ParticipantsUpdated"]);
    emulator.assertSelfCheck();
  });

  test("still delivers over real HTTP to a local server", async () => {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        bodies.push(body);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const emulator = createEmulator({ clock: "virtual", selfCheck: "throw" });
    try {
      const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
      await client.createCall({ targetParticipant: { communicationUserId: agent } }, `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`);
      await emulator.settle();
      expect(bodies.map((b) => JSON.parse(b)[0].type)).toEqual(["Microsoft.Communication.CallConnected", "Microsoft.Communication.ParticipantsUpdated"]);
      emulator.assertSelfCheck();
    } finally {
      await emulator.close();
      server.close();
    }
  });
});
