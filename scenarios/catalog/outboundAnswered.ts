import type { Scenario } from "../scenario.js";
import { connectedCall } from "./parties.js";

/** The app calls a phone number, the callee answers, the app hangs up. */
export const outboundAnswered: Scenario = {
  name: "outbound-answered",
  title: "Outbound 1:1 call, answered, then hung up by the app",
  source: "reference/callautomation/EVENT-SEQUENCES.md §1 and §10 [DOC-ACTIONS]",
  async steps(ctx) {
    const callConnection = await connectedCall(ctx);
    // Stryker disable next-line BooleanLiteral: in a 1:1 call the app's leaving ends the call, so hanging up for everyone sends the app the same CallDisconnected
    await callConnection.hangUp(false);
  },
  expected: { app: ["CallConnected 200/0", "ParticipantsUpdated", "CallDisconnected 200/7000"] },
  // Nothing after CallDisconnected holds for every connection: runScenario checks it without being told.
  constraints: [{ kind: "before", first: "CallConnected", then: "ParticipantsUpdated", description: "CallConnected is emitted before the first roster" }],
};
