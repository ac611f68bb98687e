/**
 * An in-process app module for `callsim explore --app` from the built CLI, big enough that the
 * search is split across worker threads: a front desk answers one caller and turns two away,
 * and hangs up the answered call once it connects. Its search (without pruning, no copies) runs
 * 1,050 orders: more than the 1,000 a search runs on the main thread before it is split.
 *
 * FRONT_DESK_BUG=1 plants an ordering bug that only orders past those 1,000 reach: when the roster
 * came first, the desk expects its answerCall response before the call ended.
 * FRONT_DESK_THREADS=<file> appends the worker_threads threadId of every run's start to the file,
 * so that a test can tell which threads ran the orders (worker threads share process.env).
 */
import { appendFileSync } from "node:fs";
import { threadId } from "node:worker_threads";

export default {
  init: () => ({ seen: [], log: "" }),
  async start({ emulator, client, callbackUri, state }) {
    if (process.env.FRONT_DESK_THREADS) appendFileSync(process.env.FRONT_DESK_THREADS, `${threadId}\n`);
    const place = (from) => emulator.placeIncomingCall({ from, to: "4:+18005550100" }).incomingCallContext;
    await Promise.all([
      client.answerCall(place("4:+14255550123"), callbackUri).then(() => (state.log += "answered ")),
      client.rejectCall(place("4:+14255550124")).then(() => (state.log += "rejected ")),
      client.rejectCall(place("4:+14255550125")).then(() => (state.log += "rejected ")),
    ]);
  },
  async handle([event], { state, client }) {
    if (state.seen.includes(event.id)) return;
    state.seen = [...state.seen, event.id].sort();
    state.log += `${event.type.replace("Microsoft.Communication.", "")} `;
    if (event.type.endsWith("CallConnected")) await client.getCallConnection(event.data.callConnectionId).hangUp(false).then(() => (state.log += "hung-up "));
  },
  check: (state) =>
    process.env.FRONT_DESK_BUG !== "1" || !(state.log.startsWith("ParticipantsUpdated") && state.log.endsWith("CallDisconnected answered ")) || `the answer came after the call ended: ${state.log.trim()}`,
};
