import { describe, expect, test } from "vitest";
import { acsUser } from "../support/calls.js";
import { useHarness, TRANSPORTS } from "../support/harness.js";

// Issue 16: a caller who hangs up while their call still rings the app abandons it. Alone in
// the call, their leaving would end it anyway; these calls hold more than the caller (the app
// connected to the ringing call by its serverCallId and brought someone in), so only the
// abandonment ends them at once, for every leg, instead of when the ringing would time out.

const caller = "4:+14255550123";
const appNumber = "+18005550100";
const outside = "4:+14255550199";

describe.each(TRANSPORTS)("a caller abandoning a call that rings the app over %s", (transport) => {
  const h = useHarness({ transport, selfCheck: true, phoneNumbers: [appNumber] });

  const hangUp = (serverCallId: string, rawId: string) =>
    h.control("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(rawId)}:hangUp`);
  const snapshot = async (serverCallId: string) => ((await h.control("GET", "/emulator/calls")).body as any[]).find((c) => c.serverCallId === serverCallId);
  /** The rosters the app's leg heard, each as its participants' raw ids. */
  const rosters = (callConnectionId: string) =>
    h.receiver
      .events()
      .filter((e) => e.type === "Microsoft.Communication.ParticipantsUpdated" && e.data.callConnectionId === callConnectionId)
      .map((e) => e.data.participants.map((p: any) => p.identifier.rawId));

  /** The app joins the ringing call by its serverCallId and adds ACS user 3, who answers. */
  async function joinRingingCall(serverCallId: string) {
    const connected = await h.client.connectCall({ kind: "serverCallLocator", id: serverCallId }, h.callbackUri);
    const id = connected.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallConnected", id);
    await connected.callConnection.addParticipant({ targetParticipant: { communicationUserId: acsUser(3) } });
    await h.waitForEvent("AddParticipantSucceeded", id);
    return id;
  }

  test.each([
    ["still rings the app", false],
    ["rings the outside number the app redirected it to", true],
  ])("a caller who hangs up while the call %s ends it for the app and everyone it brought in", async (_, redirected) => {
    const placed = await h.control("POST", "/emulator/incoming-calls", { from: caller, to: `4:${appNumber}` });
    const serverCallId = placed.body.serverCallId;
    if (redirected) {
      await h.control("PUT", `/emulator/parties/${encodeURIComponent(outside)}`, { behavior: "noAnswer" });
      await h.client.redirectCall(placed.body.incomingCallContext, { targetParticipant: { phoneNumber: outside.slice(2) } });
    }
    const id = await joinRingingCall(serverCallId);
    const ringing = (await snapshot(serverCallId)).invitations.filter((i: any) => i.state === "ringing");
    expect(ringing.map((i: any) => i.purpose)).toEqual([redirected ? "redirect" : "incoming"]);

    expect((await hangUp(serverCallId, caller)).status).toBe(204);
    await h.waitForEvent("CallDisconnected", id);
    // The app's leg never heard a roster without the caller: the call ended as they left.
    expect(rosters(id).length).toBeGreaterThan(0);
    expect(rosters(id).every((roster: string[]) => roster.includes(caller))).toBe(true);
    const call = await snapshot(serverCallId);
    expect(call.ended).toBe(true);
    expect(call.invitations.filter((i: any) => i.state === "ringing")).toEqual([]);
  });
});
