import type { Scenario } from "../scenario.js";
import { CALLEE_PHONE, RESOURCE_PHONE, user } from "./parties.js";

const caller = `4:${CALLEE_PHONE}`;
const resource = `4:${RESOURCE_PHONE}`;

/** A caller rings the resource's number; the app answers, then the caller hangs up. */
export const answerIncoming: Scenario = {
  name: "answer-incoming",
  title: "Incoming call answered; the caller hangs up later",
  source: "reference/callautomation/EVENT-SEQUENCES.md §2 and §10; 5010 for the leg left alone (contracts/recordings CreateCallToAcsConnectCallAndHangupTest.json)",
  async steps(ctx) {
    const { incomingCallContext, serverCallId } = ctx.emulator.placeIncomingCall({ from: caller, to: resource });
    const { callConnectionProperties } = await ctx.client.answerCall(incomingCallContext, ctx.callbackUri);
    ctx.track("app", callConnectionProperties.callConnectionId!);
    await ctx.waitFor("ParticipantsUpdated", "app");
    ctx.emulator.hangUpParty(serverCallId, caller);
  },
  expected: { app: ["CallConnected 200/0", "ParticipantsUpdated", "CallDisconnected 200/5010"] },
};

/** The app rejects an incoming call: no callback event at all, and the call ends. */
export const rejectIncoming: Scenario = {
  name: "reject-incoming",
  title: "Incoming call rejected as busy",
  source: "reference/callautomation/EVENT-SEQUENCES.md §4 (\"No events are published for reject action\")",
  async steps(ctx) {
    const { incomingCallContext, serverCallId } = ctx.emulator.placeIncomingCall({ from: caller, to: resource });
    // Stryker disable next-line ObjectLiteral: a reject sends no event and a world-placed caller has no invitation to settle, so no one hears the reason; it shows how an app passes one
    await ctx.client.rejectCall(incomingCallContext, { callRejectReason: "busy" });
    await ctx.settle();
    const call = ctx.emulator.calls().find((c) => c.serverCallId === serverCallId);
    if (!call?.ended) throw new Error("a rejected call must end");
  },
  expected: {},
};

/** The app redirects an incoming call to an outside number: no callback event; the caller and the target talk. */
export const redirectIncoming: Scenario = {
  name: "redirect-incoming",
  title: "Incoming call redirected to a phone number outside the resource",
  source: "reference/callautomation/EVENT-SEQUENCES.md §4 (\"No events are published for redirect\")",
  async steps(ctx) {
    const target = "+14255550199";
    const { incomingCallContext, serverCallId } = ctx.emulator.placeIncomingCall({ from: caller, to: resource });
    await ctx.client.redirectCall(incomingCallContext, { targetParticipant: { phoneNumber: target } });
    await ctx.settle();
    const call = ctx.emulator.calls().find((c) => c.serverCallId === serverCallId);
    const present = call?.participants.map((p) => p.rawId).sort();
    if (present?.join() !== [`4:${target}`, caller].sort().join()) throw new Error(`after the redirect the call holds ${present?.join(", ")}, not the caller and the target`);
  },
  expected: {},
};

/** An ACS user calls the app, which answers: the same sequence on a VoIP leg. */
export const answerIncomingFromUser: Scenario = {
  name: "answer-incoming-voip",
  title: "Incoming VoIP call from an ACS user, answered, hung up by the app",
  source: "reference/callautomation/EVENT-SEQUENCES.md §2 and §10",
  async steps(ctx) {
    const { incomingCallContext } = ctx.emulator.placeIncomingCall({ from: user(4), to: resource });
    const { callConnectionProperties, callConnection } = await ctx.client.answerCall(incomingCallContext, ctx.callbackUri);
    ctx.track("app", callConnectionProperties.callConnectionId!);
    await ctx.waitFor("ParticipantsUpdated", "app");
    // Stryker disable next-line BooleanLiteral: in a 1:1 call the app's leaving ends the call, so hanging up for everyone sends the app the same CallDisconnected
    await callConnection.hangUp(false);
  },
  expected: { app: ["CallConnected 200/0", "ParticipantsUpdated", "CallDisconnected 200/7000"] },
};
