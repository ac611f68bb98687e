import type { Agent } from "undici";
import { DeliveryTimeoutError, type DeliverySink } from "../engine/outbox.js";

/**
 * An attempt fails, and is retried, when connecting to the app's endpoint, its answer's
 * headers or its body each take more than 30 s. Event Grid "waits 30 seconds for a response
 * after delivering a message" (Learn, "Event Grid message delivery and retry"); for Call
 * Automation callbacks the service documents no timeout, and the same 30 s is assumed.
 */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 30_000;

/**
 * Rule (assumed): up to 64 keep-alive connections per origin, and (on the real clock) as many
 * deliveries in flight at once to one origin: a silent handler holds one connection per
 * event for its timeout, and the others go on as long as the origin has one free.
 */
export const CONNECTIONS_PER_ORIGIN = 64;

/** Options of the real-HTTP delivery sink. */
export interface HttpSinkOptions {
  /** Per-attempt timeout, from connecting to the last byte of the answer; the outbox retries on timeouts. */
  timeoutMs?: number;
  /** Accept self-signed certificates on https callbacks (local dev servers). */
  rejectUnauthorized?: boolean;
}

/**
 * POSTs deliveries with undici. An undici `Agent` keeps one keep-alive connection pool per
 * origin (scheme, host, port), so every destination app gets its own pool, reused across
 * deliveries: on Node 20 that delivers several times what global fetch does, and a slow app
 * holds only its own pool's sockets.
 */
export function createHttpSink(options: HttpSinkOptions = {}): DeliverySink & { close(): Promise<void> } {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  // undici is loaded with the first delivery, not at start: it is a tenth of the cold start.
  let client: Promise<{ agent: Agent; request: typeof import("undici").request }> | undefined;
  const load = () =>
    (client ??= import("undici").then(({ Agent, request }) => ({
      request,
      agent: new Agent({
        keepAliveTimeout: 10_000,
        connections: CONNECTIONS_PER_ORIGIN,
        connect: { rejectUnauthorized: options.rejectUnauthorized ?? false, timeout: timeoutMs },
      }),
    })));
  const sink = async (delivery: Parameters<DeliverySink>[0]) => {
    const { agent, request } = await load();
    try {
      const response = await request(delivery.url, {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
        dispatcher: agent,
        // Connecting, the answer's headers and its body each have the timeout (the agent's
        // connect option and these two): no AbortSignal and timer of its own per attempt.
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const body = await response.body.text();
      const retryAfter = response.headers["retry-after"];
      const retryAfterMs = typeof retryAfter === "string" ? parseRetryAfter(retryAfter) : undefined;
      return { status: response.statusCode, body, retryAfterMs };
    } catch (error) {
      const name = (error as Error).name;
      // Not connected in time: the app never got the event. Connected but not answered: it did.
      if (name === "ConnectTimeoutError") throw new Error(`could not connect within ${timeoutMs} ms (delivery timeout)`);
      if (name === "HeadersTimeoutError" || name === "BodyTimeoutError") throw new DeliveryTimeoutError(`no answer within ${timeoutMs} ms (delivery timeout)`);
      throw error;
    }
  };
  // destroy, not close: a stopping emulator must not wait on an app that never answers.
  const close = async () => {
    if (client) await (await client).agent.destroy();
  };
  return Object.assign(sink, { close });
}

function parseRetryAfter(value: string): number | undefined {
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
