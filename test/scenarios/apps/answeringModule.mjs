/**
 * An in-process app module for `callsim explore --app`: it answers an incoming call placed at
 * start, takes each call from its events (they may beat the answerCall response) and ignores
 * repeated ones. Its default export is what explore({ app }) takes.
 */
export default {
  init: () => ({ calls: new Set(), seen: new Set(), connected: 0 }),
  async start({ emulator, client, callbackUri, state }) {
    const { incomingCallContext } = emulator.placeIncomingCall({ from: "4:+14255550123", to: "4:+18005550100" });
    const { callConnectionProperties } = await client.answerCall(incomingCallContext, callbackUri);
    state.calls.add(callConnectionProperties.callConnectionId);
  },
  handle([event], { state }) {
    if (state.seen.has(event.id)) return;
    state.seen.add(event.id);
    state.calls.add(event.data.callConnectionId);
    if (event.type.endsWith("CallConnected")) state.connected++;
  },
  check: (state) => state.connected === 1 || `${state.connected} calls connected`,
};
