import type { Scenario } from "../scenario.js";
import { CALLEE_PHONE, connectedCall, connectedGroupCall } from "./parties.js";

/** The app leaves a group call; the others talk on. */
export const hangUpSelf: Scenario = {
  name: "hang-up-self",
  title: "The app leaves a group call without ending it for the others",
  source: "reference/callautomation/EVENT-SEQUENCES.md §10 [DOC-ACTIONS, DOC-CONCEPT]",
  async steps(ctx) {
    const callConnection = await connectedGroupCall(ctx, 2);
    const { serverCallId } = await callConnection.getCallConnectionProperties();
    await callConnection.hangUp(false);
    await ctx.waitFor("CallDisconnected", "app");
    // Found by its id, not by who is in it: a call that ended has no one left in it.
    const call = ctx.emulator.calls().find((c) => c.serverCallId === serverCallId);
    if (call?.ended !== false) throw new Error("leaving a group call must not end it for the others");
  },
  expected: { app: ["CallConnected", "ParticipantsUpdated", "ParticipantsUpdated", "CallDisconnected 200/7000"] },
};

/** The app ends a call for everyone; its other leg in the call hears 7000 too (variant `terminate`). */
export const hangUpForEveryone: Scenario = {
  name: "hang-up-for-everyone",
  title: "Terminate for everyone: 7000 on the leg that asked and on the app's other leg",
  source: "reference/callautomation/EVENT-SEQUENCES.md §10 [REC-NET CreateCallToAcsConnectCallAndHangupForEveryoneTest.json: the connectCall leg hears its roster before CallConnected and again after it, the first leg hears no roster for it; contracts/recordings CreateCallWithMediaStreamingTest.json: 7000 on both legs]",
  async steps(ctx) {
    const callConnection = await connectedGroupCall(ctx, 2);
    const { serverCallId } = await callConnection.getCallConnectionProperties();
    const second = await ctx.client.connectCall({ id: serverCallId!, kind: "serverCallLocator" }, ctx.callbackUri);
    ctx.track("second", second.callConnectionProperties.callConnectionId!);
    await ctx.waitFor("CallConnected", "second");
    // As in the recording, the app hangs up after the connectCall leg's second roster.
    await ctx.waitFor("ParticipantsUpdated", "second", (data) => data.sequenceNumber === 4);
    await callConnection.hangUp(true);
  },
  expected: {
    app: ["CallConnected", "ParticipantsUpdated", "ParticipantsUpdated", "CallDisconnected 200/7000"],
    second: ["ParticipantsUpdated", "CallConnected", "ParticipantsUpdated", "CallDisconnected 200/7000"],
  },
};

/** The other party of a 1:1 call hangs up. */
export const otherPartyHangsUp: Scenario = {
  name: "other-party-hangs-up",
  title: "The callee hangs up a 1:1 call",
  source: "reference/callautomation/EVENT-SEQUENCES.md §10; 5010 as the leg left alone hears it in contracts/recordings CreateCallToAcsConnectCallAndHangupTest.json",
  async steps(ctx) {
    await connectedCall(ctx);
    const { serverCallId } = await ctx.client.getCallConnection(ctx.connection("app")).getCallConnectionProperties();
    ctx.emulator.hangUpParty(serverCallId!, `4:${CALLEE_PHONE}`);
  },
  expected: { app: ["CallConnected", "ParticipantsUpdated", "CallDisconnected 200/5010"] },
};
