import type { Scenario } from "../scenario.js";
import { connectedGroupCall, user } from "./parties.js";

/** The app calls two ACS users at once; the call connects when the first answers, the roster grows as the second joins. */
export const groupCall: Scenario = {
  name: "group-call",
  title: "Outbound group call to two users, answered one after the other",
  source: "reference/callautomation/EVENT-SEQUENCES.md §1 and §0 (sequenceNumber across the call)",
  world(emulator) {
    emulator.setParty(user(1), { behavior: "answer", delayMs: 1_000 });
    emulator.setParty(user(2), { behavior: "answer", delayMs: 5_000 });
  },
  async steps(ctx) {
    await connectedGroupCall(ctx, 2);
  },
  expected: { app: ["CallConnected 200/0", "ParticipantsUpdated", "ParticipantsUpdated"] },
  constraints: [{ kind: "before", first: "CallConnected", then: "ParticipantsUpdated" }],
};
