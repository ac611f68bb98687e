import { randomUUID } from "node:crypto";
import { Pool } from "undici";
import { signHmacRequest } from "../emulator/http/auth.js";

/** One request the load generator sends. */
export interface LoadRequest {
  method: "GET" | "POST" | "PUT";
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** What a load run measured. */
export interface LoadResult {
  requests: number;
  perSecond: number;
  statuses: Record<number, number>;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Closed-loop load: `connections` keep-alive sockets, each sending its next request as soon
 * as the last one was answered, for `durationMs` after `warmupMs`. Every send is a fresh
 * request (signed on its own, with its own Repeatability-Request-ID, as the SDK does); the
 * first `prepared` of them are built before the clock starts, so that the load generator's
 * signing does not compete with the server for the machine's two cores.
 */
export async function drive(origin: string, build: () => LoadRequest, options: { connections: number; durationMs: number; warmupMs: number; prepared?: number }): Promise<LoadResult> {
  const ready = Array.from({ length: options.prepared ?? 0 }, build).reverse();
  const next = () => ready.pop() ?? build();
  const pool = new Pool(origin, { connections: options.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const statuses: Record<number, number> = {};
  const latencies: number[] = [];
  let requests = 0;
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const end = measureFrom + options.durationMs;
  const worker = async () => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= end) return;
      const request = next();
      const response = await pool.request({ method: request.method, path: request.path, headers: request.headers, body: request.body });
      await response.body.text();
      const t1 = performance.now();
      if (t0 >= measureFrom && t1 <= end) {
        requests++;
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        latencies.push(t1 - t0);
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  await pool.close();
  latencies.sort((a, b) => a - b);
  return { requests, perSecond: requests / (options.durationMs / 1000), statuses, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/** The middle value (the upper middle for an even count); the values need not be sorted. */
export function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/**
 * What one way costs above another, from rounds that ran side by side: the median of the
 * rounds' differences, which a machine's drift from round to round does not move.
 */
export function medianExtraMs(way: { roundMediansMs: number[] }, floor: { roundMediansMs: number[] }): number {
  return median(way.roundMediansMs.map((ms, round) => ms - floor.roundMediansMs[round]));
}

/** The p-th percentile of sorted values (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * A createCall request signed with the real HMAC, with fresh Repeatability headers: what the
 * SDK puts on the wire (reference CONTRACT.md §2 and §6).
 */
export function signedCreateCall(origin: string, accessKey: string, target: string, callbackUri: string): LoadRequest {
  const path = "/calling/callConnections?api-version=2026-03-12";
  const body = JSON.stringify({ targets: [{ rawId: target, kind: "communicationUser", communicationUser: { id: target } }], callbackUri });
  return { method: "POST", path, body, headers: signedHeaders("POST", origin + path, body, accessKey) };
}

/** A signed addParticipant request for `callConnectionId`. */
export function signedAddParticipant(origin: string, accessKey: string, callConnectionId: string, target: string): LoadRequest {
  const path = `/calling/callConnections/${callConnectionId}/participants:add?api-version=2026-03-12`;
  const body = JSON.stringify({ participantToAdd: { rawId: target, kind: "communicationUser", communicationUser: { id: target } } });
  return { method: "POST", path, body, headers: signedHeaders("POST", origin + path, body, accessKey) };
}

function signedHeaders(method: string, url: string, body: string, accessKey: string): Record<string, string> {
  const { host: _host, ...signed } = signHmacRequest({ method, url, body }, accessKey);
  return {
    ...signed,
    "content-type": "application/json",
    "repeatability-request-id": randomUUID(),
    "repeatability-first-sent": new Date().toUTCString(),
  };
}
