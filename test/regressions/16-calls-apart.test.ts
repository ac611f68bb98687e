import { describe, expect, test } from "vitest";
import { useHarness } from "../support/harness.js";

// One call's state never decides another's: an invitation ringing in one call does not keep a
// failed group call in another standing, and a group call is found by its own groupCallId,
// not as any live call.
describe("calls kept apart", () => {
  const h = useHarness({ transport: "direct" });
  const user = (n: number) => `8:acs:18181818-1818-1818-1818-181818181818_0000003${n}-0000-0000-0000-000000000000`;
  const party = (n: number, settings: { behavior: string; delayMs?: number }) => h.control("PUT", `/emulator/parties/${encodeURIComponent(user(n))}`, settings);

  test("a group call whose every target declines fails while an invitation of another call still rings", async () => {
    await party(1, { behavior: "noAnswer" });
    await party(2, { behavior: "decline", delayMs: 10 });
    await party(3, { behavior: "decline", delayMs: 20 });
    const ringing = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri);
    const group = await h.client.createGroupCall([{ communicationUserId: user(2) }, { communicationUserId: user(3) }], h.callbackUri);
    const id = group.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CreateCallFailed", id);
    expect(h.eventTypes(ringing.callConnectionProperties.callConnectionId!)).toEqual([]);
  });

  test("a group call is started and joined by its own groupCallId while another call is live", async () => {
    await party(1, { behavior: "answer", delayMs: 10 });
    const live = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri);
    await h.waitForEvent("CallConnected", live.callConnectionProperties.callConnectionId!);
    const groupCallId = "3f2504e0-4f89-41d3-9a0c-0305e82c3318";
    const started = await h.control("POST", "/emulator/calls", { participants: [user(4), user(5)], groupCallId });
    expect(started.status).toBe(201);
    const joined = await h.client.connectCall({ kind: "groupCallLocator", id: groupCallId }, h.callbackUri);
    const connected = await h.waitForEvent("CallConnected", joined.callConnectionProperties.callConnectionId!);
    expect(connected.serverCallId).toBe(started.body.serverCallId);
    expect(connected.serverCallId).not.toBe(live.callConnectionProperties.serverCallId);
  });
});
