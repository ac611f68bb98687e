import { isApiVersion } from "../../contracts/apiVersions.js";
import { hasOperation, matchOperation, SPEC_HEADER_PARAMETERS, validateRequestBody, validateRequestParameters, type ContractViolation } from "../../contracts/validator.js";
import type { RouteRequest, RouteResponse } from "./routes.js";
import { splitTarget } from "./requestParts.js";

/** One Call Automation request an app sent, with the emulator's answer and the spec's verdict. */
export interface RequestLogEntry {
  /** Position in the log, from 1. */
  sequence: number;
  /** The spec's operation at this method and path (served or not); absent when the spec has none. */
  operationId?: string;
  method: string;
  /** Path and query as sent. */
  url: string;
  /** What the emulator answered. */
  status: number;
  /**
   * What the spec finds wrong with the request, checked strictly (unknown fields too, even
   * when the emulator is not `strict`); empty when it was a valid request.
   */
  violations: ContractViolation[];
}

/**
 * Rule (assumed): the log keeps the latest 10,000 requests, so a long-running server does not
 * grow without bound; tests reset long before.
 */
export const REQUEST_LOG_LIMIT = 10_000;

/** A logged request whose verdict is worked out when someone reads the log, not on the hot path. */
interface LoggedRequest {
  sequence: number;
  /** What the verdict reads: method, target, body and the spec's header parameters, nothing more. */
  request: Pick<RouteRequest, "method" | "url" | "headers" | "rawBody">;
  status: number;
  entry?: RequestLogEntry;
}

/** The log of every Call Automation request, kept for `emulator.requests()` and `GET /emulator/requests`. */
export class RequestLog {
  private logged: LoggedRequest[] = [];
  private sequence = 0;

  /** Records one exchange of the Call Automation route table. */
  record(exchange: { request: RouteRequest; response: RouteResponse }): void {
    const { method, url, headers, rawBody } = exchange.request;
    // Holding the transport's whole header object for 10,000 requests would keep a kilobyte
    // each alive; the verdict needs the spec's header parameters only.
    const kept: RouteRequest["headers"] = {};
    // Stryker disable next-line ConditionalExpression: a header kept as undefined reads as absent, which is what the verdict reads
    for (const name of SPEC_HEADER_PARAMETERS) if (headers[name] !== undefined) kept[name] = headers[name];
    this.logged.push({ sequence: ++this.sequence, request: { method, url, headers: kept, rawBody }, status: exchange.response.status });
    // Trimmed in batches, so a full log does not shift 10,000 entries on every request.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: the batch bounds memory only; list() shows the latest REQUEST_LOG_LIMIT whatever is kept
    if (this.logged.length > REQUEST_LOG_LIMIT * 1.1) this.logged.splice(0, this.logged.length - REQUEST_LOG_LIMIT);
  }

  /** Every request so far (the latest {@link REQUEST_LOG_LIMIT}), oldest first. */
  list(): RequestLogEntry[] {
    return this.logged.slice(-REQUEST_LOG_LIMIT).map((logged) => {
      const entry = (logged.entry ??= judge(logged));
      return { ...entry, violations: [...entry.violations] };
    });
  }

  clear(): void {
    this.logged = [];
    this.sequence = 0;
  }
}

function judge({ sequence, request, status }: LoggedRequest): RequestLogEntry {
  const { operationId, violations } = judgeRequest(request);
  return { sequence, ...(operationId ? { operationId } : {}), method: request.method, url: request.url, status, violations };
}

/**
 * The spec's verdict on one Call Automation request: its operation (when the spec has one at
 * that method and path) and what is wrong with it, checked strictly (unknown fields too).
 */
export function judgeRequest(request: Pick<RouteRequest, "method" | "url" | "headers" | "rawBody">): { operationId?: string; violations: ContractViolation[] } {
  const { path, query } = splitTarget(request.url);
  const operationId = matchOperation(request.method, path);
  if (!operationId) return { violations: [{ path: "", message: `is not an operation of the spec: ${request.method} ${path}` }] };
  return { operationId, violations: verdict(operationId, request, query) };
}

function verdict(operationId: string, request: LoggedRequest["request"], query: URLSearchParams): ContractViolation[] {
  const out = validateRequestParameters(operationId, { query, headers: request.headers });
  let body: unknown;
  try {
    body = request.rawBody.length === 0 ? undefined : JSON.parse(request.rawBody);
  } catch (error) {
    return [...out, { path: "", message: `is not JSON (${(error as Error).message})` }];
  }
  // Judged by the spec of the api-version the request named (the newest when it named none callsim serves).
  const named = query.get("api-version");
  const apiVersion = named && isApiVersion(named) ? named : undefined;
  if (apiVersion && !hasOperation(operationId, apiVersion)) return [...out, { path: "", message: `is not an operation of api-version ${apiVersion}` }];
  return [...out, ...validateRequestBody(operationId, body, { strict: true, apiVersion })];
}
