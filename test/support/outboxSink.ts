import { VirtualClock } from "../../emulator/clock/virtualClock.js";
import type { DeliveryOrdering } from "../../emulator/engine/deliveryPolicy.js";
import { Outbox, type Delivery, type DeliveryResult, type EventChannel, type OutboxOptions } from "../../emulator/engine/outbox.js";

// The outbox driven directly: the call lanes, their grace and the per-origin limit work on the
// real clock only (the virtual clock delivers one at a time per URL), so tests drive them on a
// virtual clock with a sink whose answers the test gives.

export const HOUR = 3_600_000;


/** An outbox on a virtual clock whose sink answers only when the test says so. */
export function outboxWith(options: OutboxOptions = {}) {
  const clock = new VirtualClock(0);
  const posts: Array<{ delivery: Delivery; answer: (result: DeliveryResult | Error | string) => Promise<void> }> = [];
  const outbox = new Outbox(
    clock,
    (delivery) =>
      new Promise<DeliveryResult>((resolve, reject) => {
        posts.push({
          delivery,
          answer: async (result) => {
            if (typeof result === "object" && "status" in result) resolve(result);
            else reject(result);
            await settled();
          },
        });
      }),
    options,
  );
  let n = 0;
  const enqueue = (destination: string, call?: { callConnectionId?: string; serverCallId?: string }, channel: EventChannel = "callback") => {
    n++;
    return outbox.enqueue({ id: `e${n}`, type: `Type${n}`, channel, destination, ...call, event: { id: `e${n}`, n } }, { "x-n": String(n) });
  };
  /** Ids of the events posted so far, in order. */
  const sent = () => posts.map((p) => p.delivery.events![0].id);
  /** The latest post of event `id`. */
  const post = (id: string) => posts.filter((p) => p.delivery.events![0].id === id).at(-1)!;
  return { clock, outbox, posts, enqueue, sent, post };
}

/** Lets the sink's answers reach the outbox. */
export const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

export const callLanes = (ordering: Partial<DeliveryOrdering> = {}): OutboxOptions => ({ ordering: { laneBy: "call", callOrderGraceMs: 250, maxInFlightPerOrigin: Infinity, ...ordering } });
