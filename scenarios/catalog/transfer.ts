import type { Scenario } from "../scenario.js";
import { connectedCall, connectedGroupCall, user } from "./parties.js";

/** A 1:1 call handed to another party: the app leaves the call. */
export const transferOneToOne: Scenario = {
  name: "transfer-1to1",
  title: "1:1 call transferred to an ACS user; the app's leg ends",
  source: "reference/callautomation/EVENT-SEQUENCES.md §5 (CallTransferAccepted; CallDisconnected inferred)",
  async steps(ctx) {
    const callConnection = await connectedCall(ctx);
    await callConnection.transferCallToParticipant({ communicationUserId: user(5) });
  },
  expected: { app: ["CallConnected", "ParticipantsUpdated", "CallTransferAccepted 200/7015", "CallDisconnected 200/7015"] },
};

/** One participant of a group call is transferred; the app stays in the call. */
export const transferInGroup: Scenario = {
  name: "transfer-group",
  title: "Group call: one participant transferred to an ACS user, the app stays",
  source: "reference/callautomation/EVENT-SEQUENCES.md §5 (group call with transferee)",
  async steps(ctx) {
    const callConnection = await connectedGroupCall(ctx, 2);
    await callConnection.transferCallToParticipant({ communicationUserId: user(5) }, { transferee: { communicationUserId: user(2) } });
    await ctx.waitFor("CallTransferAccepted", "app");
  },
  expected: { app: ["CallConnected", "ParticipantsUpdated", "ParticipantsUpdated", "CallTransferAccepted 200/7015", "ParticipantsUpdated"] },
};
