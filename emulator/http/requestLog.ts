import { matchOperation, validateRequestBody, validateRequestParameters, type ContractViolation } from "../../contracts/validator.js";
import type { RouteRequest, RouteResponse } from "./routes.js";

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

/** The log of every Call Automation request, kept for `emulator.requests()` and `GET /emulator/requests`. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private sequence = 0;

  /** Records one exchange of the Call Automation route table. */
  record(exchange: { request: RouteRequest; response: RouteResponse }): RequestLogEntry {
    const { request, response } = exchange;
    const q = request.url.indexOf("?");
    const path = q < 0 ? request.url : request.url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? "" : request.url.slice(q + 1));
    const operationId = matchOperation(request.method, path);
    const entry: RequestLogEntry = {
      sequence: ++this.sequence,
      ...(operationId ? { operationId } : {}),
      method: request.method,
      url: request.url,
      status: response.status,
      violations: operationId ? verdict(operationId, request, query) : [{ path: "", message: `is not an operation of the spec: ${request.method} ${path}` }],
    };
    this.entries.push(entry);
    if (this.entries.length > REQUEST_LOG_LIMIT) this.entries.splice(0, this.entries.length - REQUEST_LOG_LIMIT);
    return entry;
  }

  /** Every request so far, oldest first. */
  list(): RequestLogEntry[] {
    return this.entries.map((e) => ({ ...e, violations: [...e.violations] }));
  }

  clear(): void {
    this.entries = [];
    this.sequence = 0;
  }
}

function verdict(operationId: string, request: RouteRequest, query: URLSearchParams): ContractViolation[] {
  const out = validateRequestParameters(operationId, { query, headers: request.headers });
  let body: unknown;
  try {
    body = request.rawBody.length === 0 ? undefined : JSON.parse(request.rawBody);
  } catch (error) {
    return [...out, { path: "", message: `is not JSON (${(error as Error).message})` }];
  }
  return [...out, ...validateRequestBody(operationId, body, { strict: true })];
}
