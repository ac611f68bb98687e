// examples/scenarios/busy.ts
import { SCENARIOS, runScenario, explore, type ExploreApp } from "callsim";

const busy = SCENARIOS.find((s) => s.name === "outbound-busy")!;
console.log((await runScenario(busy)).actual); // { app: ["CreateCallFailed", "CallDisconnected"] }

// Your app in that scenario's world (the callee is busy), in every order:
const myApp: ExploreApp<{ failed: number }> = {
  init: () => ({ failed: 0 }),
  async start({ client, callbackUri }) {
    await client.createCall({ targetParticipant: { phoneNumber: "+14255550123" }, sourceCallIdNumber: { phoneNumber: "+18005550100" } }, callbackUri);
  },
  handle(events, { state }) {
    for (const event of events) if (event.type === "Microsoft.Communication.CreateCallFailed") state.failed++;
  },
};
console.log((await explore({ scenario: busy, app: myApp })).summary);
