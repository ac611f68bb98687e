import type { Scenario } from "../scenario.js";
import { CALLEE_PHONE, connectedCall } from "./parties.js";

/** The app plays a prompt to the callee alone: the callee is on hold in the roster while it plays. */
export const playToParticipant: Scenario = {
  name: "play-to-participant",
  title: "Play to one participant: on hold in the roster from before PlayStarted to after PlayCompleted",
  source: "recorded-events PlayMultipleFilesSourcesWithPlayMediaTest (findings (f)5): seq 3 isOnHold true, PlayStarted, PlayCompleted, seq 5 isOnHold false",
  async steps(ctx) {
    const callConnection = await connectedCall(ctx);
    await callConnection.getCallMedia().play([{ kind: "textSource", text: "Hi" }], [{ phoneNumber: CALLEE_PHONE }]);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: runScenario lets every event arrive before it checks, so which roster the wait ends on changes nothing; it shows where the callee comes off hold
    await ctx.waitFor("ParticipantsUpdated", "app", (data) => data.sequenceNumber === 5);
  },
  expected: { app: ["CallConnected 200/0", "ParticipantsUpdated", "ParticipantsUpdated", "PlayStarted 200/0", "PlayCompleted 200/0", "ParticipantsUpdated"] },
};
