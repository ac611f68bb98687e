import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, test, vi } from "vitest";
import { startHarness, useHarness, TRANSPORTS } from "../support/harness.js";

/** The filter the multiple dial-out sample's README asks for, keys spelt as the portal takes them. */
const sampleFilter = (...from: string[]) => ({
  includedEventTypes: ["Microsoft.Communication.IncomingCall"],
  advancedFilters: [
    { operatorType: "StringContains", key: "data.From.PhoneNumber.Value", values: from },
    { operatorType: "StringNotBeginsWith", key: "data.to.rawid", values: ["8"] },
  ],
});

describe.each(TRANSPORTS)("Event Grid subscriptions over %s", (transport) => {
  const h = useHarness({ transport });

  const caller = "4:+14255550123";
  const appNumber = "4:+18005550100";
  const agent = "8:acs:11111111-1111-1111-1111-111111111111_00000009-0000-0000-0000-000000000000";
  const incomingAt = (path: string) => h.receiver.events(path).filter((e) => e.eventType === "Microsoft.Communication.IncomingCall");

  test("delivers IncomingCall only to subscriptions whose filter takes it", async () => {
    expect((await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/all") })).body.state).toBe("active");
    const filtered = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/filtered"), filter: sampleFilter("+14255550123") });
    expect(filtered.status).toBe(201);
    expect(filtered.body.filter.advancedFilters[1]).toEqual({ operatorType: "StringNotBeginsWith", key: "data.to.rawid", values: ["8"] });
    await h.control("POST", "/emulator/incoming-calls", { from: caller, to: agent });
    await h.control("POST", "/emulator/incoming-calls", { from: "4:+14255550199", to: appNumber });
    await h.control("POST", "/emulator/incoming-calls", { from: caller, to: appNumber });
    await h.receiver.waitFor((e, r) => r.path === "/filtered" && e.eventType === "Microsoft.Communication.IncomingCall", "IncomingCall at /filtered");
    await h.settle();
    await h.emulator.whenIdle();
    expect(incomingAt("/all")).toHaveLength(3);
    expect(incomingAt("/filtered").map((e) => [e.data.from.rawId, e.data.to.rawId])).toEqual([[caller, appNumber]]);
  });

  test("keeps the eventTypes shorthand: a subscription for IncomingCall gets no CallStarted", async () => {
    await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/incoming"), eventTypes: ["IncomingCall"] });
    await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/started"), filter: { includedEventTypes: ["Microsoft.Communication.CallStarted"] } });
    await h.control("POST", "/emulator/calls", { participants: [caller, agent] });
    await h.control("POST", "/emulator/incoming-calls", { from: caller, to: appNumber });
    await h.receiver.waitFor((e, r) => r.path === "/incoming", "IncomingCall");
    await h.receiver.waitFor((e, r) => r.path === "/started", "CallStarted");
    await h.emulator.whenIdle();
    const notifications = (path: string) => h.receiver.events(path).map((e) => e.eventType).filter((t) => t !== "Microsoft.EventGrid.SubscriptionValidationEvent");
    expect(notifications("/incoming")).toEqual(["Microsoft.Communication.IncomingCall"]);
    expect(notifications("/started")).toEqual(["Microsoft.Communication.CallStarted"]);
  });

  test("refuses a filter with an unknown operatorType with 400 naming the field", async () => {
    const refused = await h.control("POST", "/emulator/subscriptions", {
      endpoint: h.receiver.url("/bad"),
      filter: { advancedFilters: [{ operatorType: "StringStartsWith", key: "data.to.rawId", values: ["8"] }] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/filter\.advancedFilters\[0\]\.operatorType must be one of .*StringBeginsWith/);
    expect(h.receiver.received.filter((r) => r.path === "/bad")).toEqual([]);
  });

  test("validates again an endpoint that answered 503, until it echoes the code: an app started later gets its events", async () => {
    h.receiver.respondWith((r) => (r.path === "/late" ? { status: 503 } : undefined));
    const pending = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/late") });
    expect(pending.body.state).toBe("awaitingValidation");
    expect(pending.body.lastError).toMatch(/503.*Retrying in 1000 ms/);
    h.receiver.respondWith(undefined);
    await h.receiver.waitFor((e, r) => r.path === "/late" && e.eventType === "Microsoft.EventGrid.SubscriptionValidationEvent", "the validation retry");
    await vi.waitFor(async () => expect((await h.control("GET", "/emulator/subscriptions")).body[0].state).toBe("active"));
    await h.control("POST", "/emulator/incoming-calls", { from: caller, to: appNumber });
    await h.receiver.waitFor((e, r) => r.path === "/late" && e.eventType === "Microsoft.Communication.IncomingCall", "IncomingCall at the late endpoint");
  });

  test("keeps failing an endpoint that refuses the handshake with a 4xx, without retrying", async () => {
    h.receiver.respondWith(() => ({ status: 403 }));
    const failed = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/refusing") });
    h.receiver.respondWith(undefined);
    expect(failed.body.state).toBe("failed");
    await h.settle();
    expect((await h.control("GET", "/emulator/subscriptions")).body[0].state).toBe("failed");
  });
});

describe("Event Grid subscription to an app that is not up yet", () => {
  test("is validated once the app listens, and the app gets its events", async () => {
    const h = await startHarness({ transport: "server" });
    try {
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
      const { port } = probe.address() as AddressInfo;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      const endpoint = `http://127.0.0.1:${port}/api/incomingCall`;
      const pending = await h.control("POST", "/emulator/subscriptions", { endpoint });
      expect(pending.body.state).toBe("awaitingValidation");
      expect(pending.body.lastError).toMatch(/could not be reached/);
      // The app starts after callsim, on the port its subscription names.
      const got: any[] = [];
      const app = createServer((req, res) => {
        let raw = "";
        req.on("data", (c) => (raw += c));
        req.on("end", () => {
          const [event] = JSON.parse(raw);
          got.push(event);
          if (event.eventType === "Microsoft.EventGrid.SubscriptionValidationEvent") res.end(JSON.stringify({ validationResponse: event.data.validationCode }));
          else res.end();
        });
      });
      await new Promise<void>((resolve) => app.listen(port, "127.0.0.1", resolve));
      try {
        await vi.waitFor(async () => expect((await h.control("GET", "/emulator/subscriptions")).body[0].state).toBe("active"), { timeout: 8_000 });
        await h.control("POST", "/emulator/incoming-calls", { from: "4:+14255550123", to: "4:+18005550100" });
        await vi.waitFor(() => expect(got.map((e) => e.eventType)).toContain("Microsoft.Communication.IncomingCall"), { timeout: 8_000 });
      } finally {
        await new Promise<void>((resolve) => app.close(() => resolve()));
      }
    } finally {
      await h.close();
    }
  });
});
