import { CallAutomationClient } from "@azure/communication-call-automation";
import { describe, expect, test } from "callsim/vitest";
import type { Emulator } from "callsim";
import { createFrontDesk } from "./app.js";

const agentId = "8:acs:11111111-1111-1111-1111-111111111111_000000ag-0000-0000-0000-000000000000";
const caller = "4:+14255550123";
const deskNumber = "4:+18005550100";

/** Wires the app to the emulator in-process: its client, its Event Grid webhook, its callback route. */
async function frontDeskOn(emulator: Emulator, agentTimeoutSeconds = 30) {
  const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
  const app = createFrontDesk({ client, baseUrl: "https://frontdesk.test", agentId, overflowNumber: "+14255550999", callerIdNumber: "+18005550100", agentTimeoutSeconds });
  emulator.routeCallbacks("https://frontdesk.test/", app.fetch);
  const subscription = await emulator.subscribe("https://frontdesk.test/api/incomingCall");
  expect(subscription.state).toBe("active");
  return app;
}

describe("front desk", () => {
  test("answers, hears 1 at the menu, brings in the agent and leaves the caller with them", async ({ emulator }) => {
    emulator.setParty(caller, { input: [{ dtmf: "1" }] });
    const app = await frontDeskOn(emulator);
    const { serverCallId } = emulator.placeIncomingCall({ from: caller, to: deskNumber });
    await emulator.settle();
    expect(app.state.answered).toHaveLength(1);
    expect(app.state.choices).toEqual({ [app.state.answered[0]!]: "one" });
    expect(app.state.handedToAgent).toEqual(app.state.answered);
    const call = emulator.calls().find((c) => c.serverCallId === serverCallId)!;
    expect(call.ended).toBe(false);
    expect(call.participants.map((p) => p.rawId).sort()).toEqual([caller, agentId].sort());
  });

  test("transfers the caller to the overflow line when no agent answers in time", async ({ emulator }) => {
    emulator.setParty(agentId, { behavior: "noAnswer" });
    emulator.setParty(caller, { input: [{ dtmf: "1" }] });
    const app = await frontDeskOn(emulator, 20);
    const before = emulator.now();
    const { serverCallId } = emulator.placeIncomingCall({ from: caller, to: deskNumber });
    await emulator.settle();
    expect(emulator.now() - before).toBeGreaterThanOrEqual(20_000);
    expect(app.state.transferred).toEqual(app.state.answered);
    const call = emulator.calls().find((c) => c.serverCallId === serverCallId)!;
    expect(call.participants.map((p) => p.rawId).sort()).toEqual([caller, "4:+14255550999"].sort());
    const types = emulator.events({ callConnectionId: app.state.answered[0]! }).map((e) => e.type.split(".").pop());
    expect(types).toEqual(["CallConnected", "ParticipantsUpdated", "RecognizeCompleted", "AddParticipantFailed", "CallTransferAccepted", "CallDisconnected"]);
  });

  test("says goodbye and ends the call when the caller presses 2", async ({ emulator }) => {
    emulator.setParty(caller, { input: [{ dtmf: "2" }] });
    const app = await frontDeskOn(emulator);
    const { serverCallId } = emulator.placeIncomingCall({ from: caller, to: deskNumber });
    await emulator.settle();
    expect(Object.values(app.state.choices)).toEqual(["two"]);
    expect(app.state.saidGoodbye).toEqual(app.state.answered);
    expect(app.state.handedToAgent).toEqual([]);
    expect(emulator.calls().find((c) => c.serverCallId === serverCallId)!.ended).toBe(true);
  });

  test("says goodbye when the caller presses nothing, after the menu's 10 s of silence", async ({ emulator }) => {
    emulator.setParty(caller, { input: [{ silence: true }] });
    const app = await frontDeskOn(emulator);
    emulator.placeIncomingCall({ from: caller, to: deskNumber });
    await emulator.settle();
    expect(Object.values(app.state.choices)).toEqual(["none"]);
    expect(app.state.saidGoodbye).toEqual(app.state.answered);
  });
});
