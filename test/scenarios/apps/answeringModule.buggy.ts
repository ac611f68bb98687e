/**
 * The TypeScript twin of answeringModule.mjs with a classic bug: it trusts the answerCall
 * response to arrive before the call's first event. For `callsim explore --app` under a
 * TypeScript loader (NODE_OPTIONS="--import tsx").
 */
import type { ExploreApp } from "../../../scenarios/explorer.js";

type State = { calls: Set<string> };

export const app: ExploreApp<State> = {
  init: () => ({ calls: new Set<string>() }),
  async start({ emulator, client, callbackUri, state }) {
    const { incomingCallContext } = emulator.placeIncomingCall({ from: "4:+14255550123", to: "4:+18005550100" });
    const { callConnectionProperties } = await client.answerCall(incomingCallContext, callbackUri);
    state.calls.add(callConnectionProperties.callConnectionId!);
  },
  handle([event], { state }) {
    if (!state.calls.has(event.data.callConnectionId)) throw new Error("event for a call I never answered");
  },
};
