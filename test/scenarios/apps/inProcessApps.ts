/**
 * In-process apps the explorer's tests run: a robust one and one of each class of bug the
 * explorer must find (an order assumed, the answer assumed first, a copy counted twice, an
 * action after the call ended).
 */
import type { ExploreApp } from "../../../scenarios/explorer.js";
import { catalogScenarioApp, type ScenarioAppState } from "../../../scenarios/scenarioApp.js";

export const agent = "8:acs:11111111-1111-1111-1111-111111111111_0000000a-0000-0000-0000-000000000000";
export const caller = "4:+14255550123";

/** An app that answers an incoming call placed at start; `onEvent` is its callback handler. */
export function answeringApp<S>(init: () => S, onEvent: ExploreApp<S>["handle"], extra: Partial<ExploreApp<S>> = {}): ExploreApp<S> {
  return {
    init,
    async start(ctx) {
      const { incomingCallContext } = ctx.emulator.placeIncomingCall({ from: caller, to: "4:+18005550100" });
      const answered = await ctx.client.answerCall(incomingCallContext, ctx.callbackUri);
      (ctx.state as any).callConnectionId = answered.callConnectionProperties.callConnectionId;
    },
    handle: onEvent,
    ...extra,
  };
}

/** Assumes CallConnected precedes ParticipantsUpdated. */
export const assumesConnectedFirst = () =>
  answeringApp(
    () => ({ connected: false }),
    (events, ctx) => {
      const type = events[0].type;
      if (type.endsWith("CallConnected")) ctx.state.connected = true;
      if (type.endsWith("ParticipantsUpdated") && !ctx.state.connected) throw new Error("roster for a call that is not connected");
    },
  );

/** Assumes the answerCall response precedes the call's first event. */
export const assumesAnswerFirst = () =>
  answeringApp(
    () => ({ callConnectionId: undefined as string | undefined }),
    (events, ctx) => {
      if (events[0].data.callConnectionId !== ctx.state.callConnectionId) throw new Error(`event for unknown call ${events[0].data.callConnectionId}`);
    },
  );

/** Counts CallConnected without de-duplicating. */
export const countsCopies = () =>
  answeringApp(
    () => ({ connectedCount: 0 }),
    (events, ctx) => {
      if (events[0].type.endsWith("CallConnected")) ctx.state.connectedCount++;
    },
    { invariant: (state) => state.connectedCount <= 1 || `CallConnected counted ${state.connectedCount} times` },
  );

/** Adds a participant on CallConnected, even when the caller has hung up by then. */
export const actsAfterTheEnd = (): ExploreApp<{ callConnectionId?: string }> => ({
  init: () => ({}),
  async start(ctx) {
    const { incomingCallContext, serverCallId } = ctx.emulator.placeIncomingCall({ from: caller, to: "4:+18005550100" });
    // The caller hangs up five seconds into the call.
    ctx.emulator.clock!.schedule(5_000, () => ctx.emulator.hangUpParty(serverCallId, caller), "the caller hangs up");
    const answered = await ctx.client.answerCall(incomingCallContext, ctx.callbackUri);
    ctx.state.callConnectionId = answered.callConnectionProperties.callConnectionId;
  },
  async handle(events, ctx) {
    if (events[0].type.endsWith("CallConnected")) {
      await ctx.client.getCallConnection(events[0].data.callConnectionId).addParticipant({ targetParticipant: { communicationUserId: agent } });
    }
  },
});

/** De-duplicates by event id and checks the call connected and got its roster. */
export const robust = () =>
  answeringApp(
    () => ({ seen: new Set<string>(), connected: false, ended: false, rosters: 0 }),
    (events, ctx) => {
      const event = events[0];
      if (ctx.state.seen.has(event.id)) return;
      ctx.state.seen.add(event.id);
      if (event.type.endsWith("CallConnected")) ctx.state.connected = true;
      if (event.type.endsWith("ParticipantsUpdated")) ctx.state.rosters = Math.max(ctx.state.rosters, event.data.sequenceNumber);
    },
    { check: (state) => state.connected && state.rosters === 1 },
  );

/** Answers two incoming calls at start and keeps what it learns per call: its handlers commute across calls. */
export const twoCalls = (options: { buggy: boolean }): ExploreApp<{ calls: Record<string, { seen: string[]; connected: boolean }> }> => ({
  init: () => ({ calls: {} }),
  independence: "perCall",
  async start(ctx) {
    const answers = ["4:+14255550123", "4:+14255550124"].map((from) => {
      const { incomingCallContext } = ctx.emulator.placeIncomingCall({ from, to: "4:+18005550100" });
      return ctx.client.answerCall(incomingCallContext, ctx.callbackUri);
    });
    await Promise.all(answers);
  },
  handle([event], { state }) {
    const call = (state.calls[event.data.callConnectionId] ??= { seen: [], connected: false });
    if (call.seen.includes(event.id)) return;
    call.seen = [...call.seen, event.id].sort();
    if (event.type.endsWith("CallConnected")) call.connected = true;
    if (options.buggy && event.type.endsWith("ParticipantsUpdated") && !call.connected) throw new Error("roster for a call that is not connected");
  },
  check: (state) => Object.values(state.calls).every((c) => c.connected) || "a call never connected",
});

/** A catalog scenario's steps as an app, without its world: a worker builds the world from the scenario's name. */
export const catalogStepsOnly = (name: string): ExploreApp<ScenarioAppState> => catalogScenarioApp(name).app;
