import { InvalidArgumentError } from "./errors.js";

/** Which of CallConnected and a leg's first ParticipantsUpdated comes first. */
export type FirstEventsOrder = "connectedFirst" | "rosterFirst";

/** How a leg came to be, for the order of its first events. */
export type LegOrigin = "createCall" | "answer" | "connect";

/** The order of the first events, by how the leg came to be. */
export type EventOrder = Record<LegOrigin, FirstEventsOrder>;

/**
 * Rule (REC-NET): a leg that joins by connectCall hears its first roster 3-5 ms before
 * CallConnected (4/4 recordings). Created and answered legs hear CallConnected first in the
 * most recent recordings (every one of 2025-09-26); an older run (2025-06-17,
 * CreateCallToAcsConnectCallAndHangupTestAsync) had the roster first on the created leg,
 * which `createEmulator({ eventOrder: { createCall: "rosterFirst" } })` asks for.
 */
export const DEFAULT_EVENT_ORDER: Readonly<EventOrder> = {
  createCall: "connectedFirst",
  answer: "connectedFirst",
  connect: "rosterFirst",
};

const ORDERS: readonly FirstEventsOrder[] = ["connectedFirst", "rosterFirst"];

/** The default order with `overrides` applied; an unknown kind or order is an InvalidArgumentError naming it. */
export function eventOrder(overrides: Partial<Record<string, unknown>> = {}): EventOrder {
  const order: EventOrder = { ...DEFAULT_EVENT_ORDER };
  for (const [origin, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const field = `eventOrder.${origin}`;
    if (!(origin in order)) throw new InvalidArgumentError(field, `${field} is not a kind of leg; use createCall, answer or connect.`);
    if (!ORDERS.includes(value as FirstEventsOrder)) throw new InvalidArgumentError(field, `${field} must be connectedFirst or rosterFirst.`);
    order[origin as LegOrigin] = value as FirstEventsOrder;
  }
  return order;
}
