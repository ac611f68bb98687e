/**
 * The event-order explorer on a callback handler with a classic bug: it assumes the REST
 * response of answerCall arrives before the call's first event, which the service does not
 * promise. Run: npx vitest run examples/explore
 */
import { describe, expect, test } from "vitest";
import { explore, type ExploreApp } from "callsim";
import { expectEveryOrder } from "callsim/vitest";

type State = { calls: Set<string>; connected: number };

/** Answers one incoming call and counts connected calls it knows about. */
function app(handle: ExploreApp<State>["handle"]): ExploreApp<State> {
  return {
    init: () => ({ calls: new Set(), connected: 0 }),
    async start({ emulator, client, callbackUri, state }) {
      const { incomingCallContext } = emulator.placeIncomingCall({ from: "4:+14255550123", to: "4:+18005550100" });
      const { callConnectionProperties } = await client.answerCall(incomingCallContext, callbackUri);
      state.calls.add(callConnectionProperties.callConnectionId!);
    },
    handle,
  };
}

const naive = app((events, { state }) => {
  for (const event of events) {
    if (!state.calls.has(event.data.callConnectionId)) throw new Error("event for a call I never answered");
    if (event.type === "Microsoft.Communication.CallConnected") state.connected++;
  }
});

describe("explore", () => {
  test("finds the order that breaks a handler that trusts the REST response to come first", async () => {
    const result = await explore({ app: naive, seed: 1 });
    expect(result.failure?.order).toEqual(["app calls POST :answer", "CallConnected"]);
    console.log(`${result.summary}\n\n${result.failure?.diagram}`);
  });

  test("passes every order once the handler tolerates early and repeated events", async () => {
    const seen = new Set<string>();
    const robust = app((events, { state }) => {
      for (const event of events) {
        if (seen.has(event.id)) continue; // at-least-once delivery
        seen.add(event.id);
        state.calls.add(event.data.callConnectionId); // the event may beat the REST response
        if (event.type === "Microsoft.Communication.CallConnected") state.connected++;
      }
    });
    const result = await expectEveryOrder({ app: { ...robust, init: () => (seen.clear(), { calls: new Set<string>(), connected: 0 }) }, seed: 1 });
    expect(result.exhaustive).toBe(true);
  });
});
