import { describe, expect, test } from "vitest";
import { explore, type ExploreApp } from "../../scenarios/explorer.js";

// Issue 16: the explorer could offer copies of events after CallDisconnected, and its
// duplicate count was only checked to be "more than 6".
const caller = "4:+14255550123";

/**
 * The brute-force count of orders: every permutation of `steps`, each optionally with one copy
 * of a delivered event from `copyable` placed anywhere after the original.
 */
function ordersWithOneCopy(steps: string[], copyable: string[]): number {
  const permutations = (items: string[]): string[][] =>
    items.length <= 1 ? [items] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
  return permutations(steps).reduce((count, order) => {
    // A copy of the event at index i can come in any of the gaps after it: steps.length - i of them.
    const copies = order.reduce((sum, step, i) => sum + (copyable.includes(step) ? order.length - i : 0), 0);
    return count + 1 + copies;
  }, 0);
}

/** An app that answers a call placed at start, with `handle` as its callback handler. */
function answeringApp<S>(init: () => S, handle: ExploreApp<S>["handle"], callerHangsUpAfterMs?: number): ExploreApp<S> {
  return {
    init,
    async start(ctx) {
      const { incomingCallContext, serverCallId } = ctx.emulator.placeIncomingCall({ from: caller, to: "4:+18005550100" });
      if (callerHangsUpAfterMs !== undefined) ctx.emulator.clock!.schedule(callerHangsUpAfterMs, () => ctx.emulator.hangUpParty(serverCallId, caller), "the caller hangs up");
      await ctx.client.answerCall(incomingCallContext, ctx.callbackUri);
    },
    handle,
  };
}

describe("explore with duplicates", () => {
  test("runs exactly the brute-force number of orders with at most one copy", async () => {
    const result = await explore({ app: answeringApp(() => ({}), () => undefined), seed: 1, duplicates: 1, prune: false });
    expect(result.exhaustive).toBe(true);
    // The REST response is never repeated; either event may be.
    expect(result.runs).toBe(ordersWithOneCopy(["answer response", "CallConnected", "ParticipantsUpdated"], ["CallConnected", "ParticipantsUpdated"]));
    expect(result.failures).toBe(0);
  });

  test("never offers an event, or a copy of one, after the connection's CallDisconnected", async () => {
    const app = answeringApp(
      () => ({ ended: new Set<string>() }),
      (events, ctx) => {
        const { type, data } = events[0];
        if (ctx.state.ended.has(data.callConnectionId)) throw new Error(`${type} after CallDisconnected`);
        if (type.endsWith("CallDisconnected")) ctx.state.ended.add(data.callConnectionId);
      },
      5_000,
    );
    const result = await explore({ app, seed: 2, duplicates: 1 });
    expect(result.failure?.reason).toBeUndefined();
    expect(result.failures).toBe(0);
    expect(result.exhaustive).toBe(true);
    // Copies were offered before the end: more orders than with none.
    const plain = await explore({ app, seed: 2, duplicates: 0 });
    expect(result.runs).toBeGreaterThan(plain.runs);
  });
});
