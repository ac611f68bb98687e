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
    const placed = ctx.emulator.now();
    await connectedGroupCall(ctx, 2);
    // One after the other: a roster as each user answers, at 1 s and at 5 s.
    const grew = ctx.emulator.events({ callConnectionId: ctx.connection("app"), type: "ParticipantsUpdated" }).map((e) => e.createdAt - placed);
    if (grew.join() !== "1000,5000") throw new Error(`the roster grew at ${grew.join(" and ")} ms, not as each user answered (1000 and 5000 ms)`);
  },
  expected: { app: ["CallConnected 200/0", "ParticipantsUpdated", "ParticipantsUpdated"] },
  constraints: [{ kind: "before", first: "CallConnected", then: "ParticipantsUpdated" }],
};
