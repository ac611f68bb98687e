// examples/explore/firstOrder.ts
import { explore } from "callsim";

const result = await explore({
  app: {
    init: () => ({ calls: new Set<string>() }),
    async start({ emulator, client, callbackUri, state }) {
      const { incomingCallContext } = emulator.placeIncomingCall({ from: "4:+14255550123", to: "4:+18005550100" });
      const { callConnectionProperties } = await client.answerCall(incomingCallContext, callbackUri);
      state.calls.add(callConnectionProperties.callConnectionId!);
    },
    handle(events, { state }) {
      for (const event of events) if (!state.calls.has(event.data.callConnectionId)) throw new Error("event for a call I never answered");
    },
  },
});
console.log(result.summary);
console.log(result.failure?.diagram);
