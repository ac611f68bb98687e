import { Agent, request } from "undici";
import type { DeliverySink } from "../engine/outbox.js";

/** Options of the real-HTTP delivery sink. */
export interface HttpSinkOptions {
  /** Per-attempt timeout; the outbox retries on timeouts. */
  timeoutMs?: number;
  /** Accept self-signed certificates on https callbacks (local dev servers). */
  rejectUnauthorized?: boolean;
}

/**
 * POSTs deliveries with undici: one pooled keep-alive agent for all destinations, which on
 * Node 20 delivers several times what global fetch does.
 */
export function createHttpSink(options: HttpSinkOptions = {}): DeliverySink & { close(): Promise<void> } {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agent = new Agent({
    keepAliveTimeout: 10_000,
    connections: 16,
    connect: { rejectUnauthorized: options.rejectUnauthorized ?? false },
  });
  const sink = async (delivery: Parameters<DeliverySink>[0]) => {
    const response = await request(delivery.url, {
      method: "POST",
      headers: delivery.headers,
      body: delivery.body,
      dispatcher: agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const body = await response.body.text();
    const retryAfter = response.headers["retry-after"];
    const retryAfterMs = typeof retryAfter === "string" ? parseRetryAfter(retryAfter) : undefined;
    return { status: response.statusCode, body, retryAfterMs };
  };
  return Object.assign(sink, { close: () => agent.close() });
}

function parseRetryAfter(value: string): number | undefined {
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
