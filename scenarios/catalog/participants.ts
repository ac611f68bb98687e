import type { Scenario } from "../scenario.js";
import { connectedCall, connectedGroupCall, user } from "./parties.js";

/** Adds an ACS user who answers. */
export const addParticipantSucceeded: Scenario = {
  name: "add-participant-succeeded",
  title: "Add participant: the invitee answers",
  source: "reference/callautomation/EVENT-SEQUENCES.md §6 [DOC-ACTIONS]",
  async steps(ctx) {
    const callConnection = await connectedCall(ctx);
    await callConnection.addParticipant({ targetParticipant: { communicationUserId: user(2) } });
    await ctx.waitFor("AddParticipantSucceeded", "app");
  },
  expected: { app: ["CallConnected", "ParticipantsUpdated", "AddParticipantSucceeded 200/0", "ParticipantsUpdated"] },
  constraints: [{ kind: "before", first: "AddParticipantSucceeded", then: "CallDisconnected" }],
};

/** Adds an ACS user who declines. */
export const addParticipantFailed: Scenario = {
  name: "add-participant-failed",
  title: "Add participant: the invitee declines",
  source: "reference/callautomation/EVENT-SEQUENCES.md §6, ERROR-CODES.md (8538)",
  world: (emulator) => void emulator.setParty(user(2), { behavior: "decline", delayMs: 2_000 }),
  async steps(ctx) {
    const callConnection = await connectedCall(ctx);
    await callConnection.addParticipant({ targetParticipant: { communicationUserId: user(2) } });
    await ctx.waitFor("AddParticipantFailed", "app");
  },
  expected: { app: ["CallConnected", "ParticipantsUpdated", "AddParticipantFailed 603/8538"] },
};

/** Adds an ACS user who never answers within the invitation timeout. */
export const addParticipantTimedOut: Scenario = {
  name: "add-participant-timed-out",
  title: "Add participant: the invitation times out after 30 s",
  source: "reference/callautomation/EVENT-SEQUENCES.md §6 (invitationTimeoutInSeconds; AddParticipantFailed)",
  world: (emulator) => void emulator.setParty(user(2), { behavior: "noAnswer" }),
  async steps(ctx) {
    const callConnection = await connectedCall(ctx);
    const asked = ctx.emulator.now();
    await callConnection.addParticipant({ targetParticipant: { communicationUserId: user(2) } }, { invitationTimeoutInSeconds: 30 });
    await ctx.waitFor("AddParticipantFailed", "app");
    // The failure must be the invitation's own timeout, not the network's default nor an earlier give-up.
    const [failed] = ctx.emulator.events({ callConnectionId: ctx.connection("app"), type: "AddParticipantFailed" });
    if (failed.createdAt - asked !== 30_000) throw new Error(`the invitation failed ${failed.createdAt - asked} ms after it was sent, not when its 30 s timeout ran out`);
  },
  expected: { app: ["CallConnected", "ParticipantsUpdated", "AddParticipantFailed 408/8541"] },
};

/** Cancels a ringing invitation. */
export const cancelAddParticipant: Scenario = {
  name: "cancel-add-participant",
  title: "Cancel add participant while the invitee is still ringing",
  source: "reference/callautomation/EVENT-SEQUENCES.md §7 [JS-LIVE, REC-NET CancelAddParticipantTestAsync.json: 200/5300]",
  world: (emulator) => void emulator.setParty(user(2), { behavior: "noAnswer" }),
  async steps(ctx) {
    const callConnection = await connectedCall(ctx);
    const { invitationId } = await callConnection.addParticipant({ targetParticipant: { communicationUserId: user(2) } });
    await callConnection.cancelAddParticipantOperation(invitationId!);
    await ctx.waitFor("CancelAddParticipantSucceeded", "app");
  },
  expected: { app: ["CallConnected", "ParticipantsUpdated", "CancelAddParticipantSucceeded 200/5300"] },
  // The invitation's 60 s timeout can beat a cancel that is slow to arrive.
  alsoPossible: { app: [["CallConnected", "ParticipantsUpdated", "AddParticipantFailed", "CancelAddParticipantFailed"]] },
};

/** Removes one participant of a three-party call: the roster omits them. */
export const removeParticipant: Scenario = {
  name: "remove-participant",
  title: "Remove participant from a group call",
  source: "reference/callautomation/EVENT-SEQUENCES.md §8 [DOC-ACTIONS]",
  async steps(ctx) {
    const callConnection = await connectedGroupCall(ctx, 2);
    await callConnection.removeParticipant({ communicationUserId: user(2) });
    await ctx.waitFor("RemoveParticipantSucceeded", "app");
  },
  expected: { app: ["CallConnected", "ParticipantsUpdated", "ParticipantsUpdated", "RemoveParticipantSucceeded 200/0", "ParticipantsUpdated"] },
};

/** Removing one of the last two participants ends the call. */
export const removeLastOther: Scenario = {
  name: "remove-last-participant",
  title: "Remove the only other participant: the call ends",
  source: "reference/callautomation/EVENT-SEQUENCES.md §8 [JS-LIVE \"Remove a participant\"]",
  async steps(ctx) {
    const callConnection = await connectedCall(ctx);
    await callConnection.removeParticipant({ phoneNumber: "+14255550123" });
    await ctx.waitFor("CallDisconnected", "app");
  },
  expected: { app: ["CallConnected", "ParticipantsUpdated", "RemoveParticipantSucceeded", "CallDisconnected"] },
};
