import type { Clock, TimerHandle } from "./clock.js";
import type { DeliveryOrdering } from "./deliveryPolicy.js";
import type { EventRecord } from "./outbox.js";

/** What the lanes order: an event and whatever its sender keeps with it. */
export interface LaneItem {
  record: EventRecord;
}

/** Events that keep their order: one callback URL, or one call's events at one URL. */
interface Lane<T> {
  key: string;
  /** The latest event sent of this lane and not settled yet: the next one waits for it. */
  held?: T;
  waiting: T[];
}

/**
 * How events wait for each other before the outbox sends them ({@link DeliveryOrdering}): an
 * event goes at once unless its lane holds an earlier one that has not settled; it goes when
 * that one settles, or once it has waited `callOrderGraceMs`, whichever comes first.
 */
export class DeliveryLanes<T extends LaneItem> {
  private readonly lanes = new Map<string, Lane<T>>();
  private readonly laneOf = new WeakMap<T, Lane<T>>();
  /** Lanes whose next event waits and may be let go by the grace (a finite grace only). */
  private readonly blocked = new Set<Lane<T>>();
  private graceTimer?: TimerHandle;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly ordering: DeliveryOrdering,
    /** Sends an event its lane lets go. */
    private readonly send: (item: T) => void,
  ) {}

  /** Takes a new event: sends it now, or holds it behind its lane's earlier one. */
  admit(item: T): void {
    const record = item.record;
    // Stryker disable next-line StringLiteral: any constant does: events tied to no call share one lane per destination
    const key = this.ordering.laneBy === "call" ? `${record.destination} ${record.callConnectionId ?? record.serverCallId ?? ""}` : record.destination;
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { key, waiting: [] }));
    this.laneOf.set(item, lane);
    // A lane holds an event whenever others wait behind it: both settling and the grace set `held` as they send.
    if (lane.held) {
      lane.waiting.push(item);
      if (this.ordering.callOrderGraceMs !== Infinity) {
        this.blocked.add(lane);
        this.armGrace(this.ordering.callOrderGraceMs);
      }
      return;
    }
    lane.held = item;
    this.send(item);
  }

  /** `item` was delivered or dead-lettered: if its lane waits for it, the lane's next event goes. */
  settled(item: T): void {
    const lane = this.laneOf.get(item);
    if (!lane || lane.held !== item) return;
    const next = lane.waiting.shift();
    lane.held = next;
    if (lane.waiting.length === 0) this.blocked.delete(lane);
    if (next) {
      this.send(next);
      return;
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the outbox drops the settling of attempts begun before a reset, so the map holds this very lane here; an empty lane left behind acts as a new one
    if (this.lanes.get(lane.key) === lane) this.lanes.delete(lane.key);
  }

  /** Forgets every lane (the control plane's reset). */
  clear(): void {
    this.cancelGrace();
    this.lanes.clear();
    this.blocked.clear();
  }

  /** Lets nothing more go (the emulator is closing). */
  stop(): void {
    this.stopped = true;
    this.cancelGrace();
  }

  private cancelGrace(): void {
    if (this.graceTimer) this.clock.cancel(this.graceTimer);
    this.graceTimer = undefined;
  }

  /** Sends every waiting event that has waited the grace, and looks again when the next one will have. */
  private armGrace(delayMs: number): void {
    if (this.graceTimer || this.stopped) return;
    this.graceTimer = this.clock.schedule(delayMs, () => {
      this.graceTimer = undefined;
      const grace = this.ordering.callOrderGraceMs;
      const now = this.clock.now();
      let soonest = Infinity;
      for (const lane of this.blocked) {
        while (lane.waiting.length > 0 && lane.waiting[0].record.createdAt + grace <= now) {
          const next = lane.waiting.shift()!;
          lane.held = next;
          this.send(next);
        }
        if (lane.waiting.length === 0) this.blocked.delete(lane);
        else soonest = Math.min(soonest, lane.waiting[0].record.createdAt + grace);
      }
      if (soonest !== Infinity) this.armGrace(Math.max(1, soonest - now));
    }, "call order grace");
  }
}

/**
 * Deliveries in flight at once to each origin (scheme, host, port), at most `maxInFlight`;
 * an event beyond that waits for a place, first come first served.
 */
export class OriginSlots<T extends LaneItem> {
  private readonly origins = new Map<string, { inFlight: number; ready: T[] }>();

  constructor(private readonly maxInFlight: number) {}

  /** Takes a place at `item`'s origin; false when the origin is full and `item` waits for {@link release}. */
  take(item: T): boolean {
    const key = this.keyOf(item);
    let origin = this.origins.get(key);
    if (!origin) this.origins.set(key, (origin = { inFlight: 0, ready: [] }));
    if (origin.inFlight >= this.maxInFlight) {
      origin.ready.push(item);
      return false;
    }
    origin.inFlight++;
    return true;
  }

  /** `item`'s attempt is over: frees its place and returns the origin's next waiting event, to be sent. */
  release(item: T): T | undefined {
    const origin = this.origins.get(this.keyOf(item));
    if (!origin) return undefined;
    origin.inFlight--;
    return origin.ready.shift();
  }

  /** Forgets every origin (the control plane's reset: attempts under way no longer count). */
  clear(): void {
    this.origins.clear();
  }

  private keyOf(item: T): string {
    // Stryker disable next-line ConditionalExpression,StringLiteral: without a limit no origin ever waits, so one shared key or one per origin behave alike (the shortcut skips finding the origin)
    return this.maxInFlight === Infinity ? "" : originOf(item.record.destination);
  }
}

/** `scheme://host:port` of a URL, by its slashes: no URL parsing per event. */
function originOf(url: string): string {
  const path = url.indexOf("/", url.indexOf("//") + 2);
  return path === -1 ? url : url.slice(0, path);
}
