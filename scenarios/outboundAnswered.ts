import { NOTHING_AFTER_DISCONNECTED, type Scenario } from "./scenario.js";

/** The app calls a phone number, the callee answers, the app hangs up. */
export const outboundAnswered: Scenario = {
  name: "outbound-answered",
  title: "Outbound 1:1 call, answered, then hung up by the app",
  source: "reference/callautomation/EVENT-SEQUENCES.md §1 and §10 [DOC-ACTIONS]",
  world: (emulator) => void emulator.setParty("4:+14255550123", { behavior: "answer", delayMs: 2_000 }),
  async steps(ctx) {
    const { callConnectionProperties, callConnection } = await ctx.client.createCall(
      { targetParticipant: { phoneNumber: "+14255550123" }, sourceCallIdNumber: { phoneNumber: "+18005550100" } },
      ctx.callbackUri,
    );
    ctx.track("app", callConnectionProperties.callConnectionId!);
    await ctx.waitFor("ParticipantsUpdated", "app");
    await callConnection.hangUp(false);
  },
  expected: { app: ["CallConnected", "ParticipantsUpdated", "CallDisconnected"] },
  constraints: [NOTHING_AFTER_DISCONNECTED, { kind: "before", first: "CallConnected", then: "ParticipantsUpdated", description: "CallConnected is emitted before the first roster" }],
};
