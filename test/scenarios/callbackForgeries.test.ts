import { CallAutomationClient } from "@azure/communication-call-automation";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createEmulator, FORGERY_KINDS, probeCallbackForgeries, type Emulator } from "../../emulator/index.js";

// The forgery probe as an app's test uses it: which forged callbacks the app let in.
let emulator: Emulator;
let client: CallAutomationClient;
beforeEach(() => {
  emulator = createEmulator({ seed: 4, clock: "virtual", selfCheck: "throw" });
  client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
});
afterEach(async () => {
  await emulator.close();
});
const placeCall = () => client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, "https://app.test/events");

describe("probeCallbackForgeries", () => {
  test("reports every forgery an endpoint that checks nothing lets in, with its answer", async () => {
    emulator.onCallback("https://app.test/", () => ({ status: 202 }));
    const report = await probeCallbackForgeries(emulator, placeCall);
    expect(report.outcomes).toEqual(FORGERY_KINDS.map((kind) => ({ kind, status: 202, accepted: true })));
    expect(report.accepted).toEqual([...FORGERY_KINDS]);
  });

  test("reports none for an endpoint that refuses them, and probes only the kinds asked for", async () => {
    const forged = new Set<string>();
    emulator.onCallback("https://app.test/", (request) => {
      const id = String(request.events[0]?.id);
      const forgery = emulator.events().find((e) => e.id === id)?.forgery;
      if (forgery) forged.add(forgery);
      return { status: forgery ? 401 : 200 };
    });
    const kinds = FORGERY_KINDS.slice(0, 2);
    const report = await probeCallbackForgeries(emulator, placeCall, kinds);
    expect(report.outcomes).toEqual(kinds.map((kind) => ({ kind, status: 401, accepted: false })));
    expect(report.accepted).toEqual([]);
    expect([...forged]).toEqual(kinds);
  });

  test("judges each probe by the forgery that probe sent, when a kind is probed again", async () => {
    let forgedSeen = 0;
    emulator.onCallback("https://app.test/", (request) => {
      const forgery = emulator.events().find((e) => e.id === String(request.events[0]?.id))?.forgery;
      if (!forgery) return { status: 200 };
      forgedSeen++;
      return { status: forgedSeen === 1 ? 200 : 403 };
    });
    const kind = FORGERY_KINDS[0];
    const report = await probeCallbackForgeries(emulator, placeCall, [kind, kind]);
    expect(report.outcomes).toEqual([
      { kind, status: 200, accepted: true },
      { kind, status: 403, accepted: false },
    ]);
  });

  test("says what the trigger must do when no callback carried the forgery", async () => {
    await expect(probeCallbackForgeries(emulator, async () => undefined)).rejects.toThrow(
      `No callback carried the ${FORGERY_KINDS[0]} forgery: the trigger must make the app receive a callback (e.g. place a call whose callbackUri is the app's).`,
    );
  });
});

describe("probeCallbackForgeries against an emulator on the real clock", () => {
  // On the real clock settle() does not wait for retries still to come, so a forged callback
  // may still be pending when the probe looks: the probe judges one whose delivery is over.
  test("judges the forged callback whose delivery is over, not one still pending", async () => {
    const kind = FORGERY_KINDS[0];
    const log: Array<{ id: string; state: string; forgery?: typeof kind; refused?: boolean; attempts: Array<{ status?: number }> }> = [];
    const target = {
      forgeCallbacks: () => undefined,
      events: () => log,
      settle: async () => {
        log.push({ id: "e1", state: "pending", forgery: kind, attempts: [{ status: 503 }] });
        log.push({ id: "e2", state: "delivered", forgery: kind, refused: true, attempts: [{ status: 401 }] });
      },
    };
    const report = await probeCallbackForgeries(target, async () => undefined, [kind]);
    expect(report.outcomes).toEqual([{ kind, status: 401, accepted: false }]);
  });
});
