import type { Delivery, DeliveryResult, DeliverySink } from "../engine/outbox.js";

/**
 * What an in-process callback handler receives: what the service would POST. `events` is
 * the parsed JSON array (CloudEvents for callbacks, Event Grid events for webhooks).
 */
export interface CallbackRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  events: Array<Record<string, any>>;
}

/** A handler's answer; returning nothing means 200. */
export type CallbackReply = void | undefined | { status: number; body?: unknown; headers?: Record<string, string> };

/** A function that receives events bound for URLs under a prefix. */
export type CallbackHandler = (request: CallbackRequest) => CallbackReply | Promise<CallbackReply>;

/** A web-standard fetch handler (the app's own route, e.g. Hono's `app.fetch`). */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** Which URLs a handler takes: a prefix, or a test on the whole URL. */
export type UrlMatcher = string | ((url: string) => boolean);

interface Route {
  prefix: UrlMatcher;
  deliver: (delivery: Delivery) => Promise<DeliveryResult>;
}

/**
 * Routes deliveries to in-process handlers by URL prefix (longest first) or predicate, and
 * everything else to `fallback` (real HTTP). No socket is opened for a routed URL.
 */
export class CallbackRouter {
  private routes: Route[] = [];

  constructor(private readonly fallback: DeliverySink) {}

  /** Sends events for URLs starting with `prefix` to `handler`. Returns a function that removes it. */
  handle(prefix: UrlMatcher, handler: CallbackHandler): () => void {
    return this.add(prefix, async (delivery) => {
      const reply = await handler(callbackRequest(delivery));
      if (!reply) return { status: 200 };
      return { status: reply.status, body: reply.body === undefined ? undefined : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body) };
    });
  }

  /** Sends events for URLs starting with `prefix` through a fetch handler, as a real POST would arrive. */
  fetch(prefix: UrlMatcher, handler: FetchHandler): () => void {
    return this.add(prefix, async (delivery) => {
      const response = await handler(new Request(delivery.url, { method: "POST", headers: delivery.headers, body: delivery.body }));
      const retryAfter = response.headers.get("retry-after");
      return { status: response.status, body: await response.text(), retryAfterMs: retryAfter && Number.isFinite(Number(retryAfter)) ? Number(retryAfter) * 1000 : undefined };
    });
  }

  /** The sink the outbox uses. */
  readonly sink: DeliverySink = (delivery) => {
    const route = this.routes.find((r) => (typeof r.prefix === "string" ? delivery.url.startsWith(r.prefix) : r.prefix(delivery.url)));
    return route ? route.deliver(delivery) : this.fallback(delivery);
  };

  private add(prefix: UrlMatcher, deliver: Route["deliver"]): () => void {
    const route = { prefix, deliver };
    // Longest prefix first; a predicate counts as the shortest (a catch-all of last resort).
    const weight = (r: Route) => (typeof r.prefix === "string" ? r.prefix.length : -1);
    this.routes = [...this.routes, route].sort((a, b) => weight(b) - weight(a));
    return () => {
      this.routes = this.routes.filter((r) => r !== route);
    };
  }
}

/**
 * What a handler receives for a delivery: its own copy of the events (changing them changes
 * nothing in the emulator), the body only written out if the handler reads it.
 */
function callbackRequest(delivery: Delivery): CallbackRequest {
  const events = delivery.events ? (plainCopy(delivery.events) as CallbackRequest["events"]) : JSON.parse(delivery.body);
  return {
    url: delivery.url,
    headers: delivery.headers,
    events,
    get body() {
      return delivery.body;
    },
  };
}

/**
 * A deep copy of JSON data as `JSON.parse(JSON.stringify(value))` would make it (undefined
 * members left out), at a tenth of the cost: events are plain objects, arrays and scalars.
 */
function plainCopy(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : plainCopy(item)));
  const copy: Record<string, unknown> = {};
  for (const key in value as Record<string, unknown>) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) copy[key] = plainCopy(member);
  }
  return copy;
}
