import type { Engine } from "../engine/engine.js";
import { verifyHmacRequest } from "./auth.js";
import { ERROR_CATALOG, HttpError, type CatalogEntry } from "./errors.js";
import { REPEATABILITY_RESULT_HEADER, RepeatabilityCache } from "./repeatability.js";
import { safeDecode, splitTarget } from "./requestParts.js";
import { matchRoute } from "./routeMatch.js";
import type { RouteRequest, RouteResponse } from "./routes.js";

/** What an Identity or Rooms handler gets. */
export interface DataPlaneInput {
  engine: Engine;
  body: any;
  params: string[];
  apiVersion: string;
}

/** A handler's answer: status, JSON body (none for 204) and extra headers (Location). */
export interface DataPlaneResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One REST operation of the Identity or Rooms spec. */
export interface DataPlaneOperation {
  operationId: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  pattern: RegExp;
  /** Declares Repeatability-* headers in the spec (Rooms_Create). */
  repeatable?: boolean;
  handle(input: DataPlaneInput): DataPlaneResult;
}

/** A row of a data-plane table: operationId, method, path pattern and handler. */
export function dataPlaneOperation(operationId: string, method: DataPlaneOperation["method"], pattern: string, handle: DataPlaneOperation["handle"]): DataPlaneOperation {
  return { operationId, method, pattern: new RegExp(pattern), handle };
}

/** A service on the resource's endpoint besides Call Automation: its paths, versions, operations and error shape. */
export interface DataPlaneService {
  /** "Identity", "Rooms": named in messages. */
  name: string;
  /** The paths it owns. */
  owns: RegExp;
  /** api-versions it answers, newest first: those the published SDKs send. */
  apiVersions: readonly string[];
  operations: DataPlaneOperation[];
  /** Status, body and headers of any error thrown while serving, in the service's own error shape. */
  renderError(error: unknown): { status: number; body: unknown; headers?: Record<string, string> };
}

/** Options of the data-plane route table. */
export interface DataPlaneRoutesOptions {
  engine: Engine;
  accessKey: string;
  loose: boolean;
  /** Wall-clock time for x-ms-date and Repeatability-First-Sent checks. */
  now: () => number;
}

/**
 * The rows of the route table for Identity and Rooms: the same steps as Call Automation's
 * (route, api-version, HMAC, idempotency, JSON, then the operation), each service answering
 * errors in its own shape.
 */
export function createDataPlaneRoutes(services: DataPlaneService[], options: DataPlaneRoutesOptions): ((request: RouteRequest) => RouteResponse | undefined) & { reset(): void } {
  const repeats = new RepeatabilityCache<RouteResponse>(options.now);
  const serve = (request: RouteRequest): RouteResponse | undefined => {
    const { path, query } = splitTarget(request.url);
    const service = services.find((s) => s.owns.test(path));
    if (!service) return undefined;
    try {
      const { operation, params } = matchRoute(service.operations, request.method, path, { name: service.name, apiVersion: service.apiVersions[0] });
      const apiVersion = checkApiVersion(service, query.get("api-version"));
      if (!options.loose) {
        const auth = verifyHmacRequest(request, options.accessKey, options.now());
        if (!auth.ok) throw new HttpError("unauthorized", auth.message);
      }
      const repeatKey = operation.repeatable ? repeats.key(request.headers, { method: request.method, path, body: request.rawBody }) : undefined;
      const remembered = repeatKey ? repeats.recall(repeatKey) : undefined;
      if (remembered) return remembered;
      const result = operation.handle({ engine: options.engine, body: parseBody(request.rawBody), params: params.map(safeDecode), apiVersion });
      const response = toResponse(result.status, result.body, result.headers);
      if (repeatKey) {
        response.headers[REPEATABILITY_RESULT_HEADER] = "accepted";
        repeats.remember(repeatKey, response);
      }
      return response;
    } catch (error) {
      const { status, body, headers } = service.renderError(error);
      return toResponse(status, body, headers);
    }
  };
  return Object.assign(serve, { reset: () => repeats.clear() });
}

function checkApiVersion(service: DataPlaneService, apiVersion: string | null): string {
  const supported = service.apiVersions.join(", ");
  if (!apiVersion) throw new HttpError("missingApiVersion", `The api-version query parameter is required. ${service.name} answers ${supported}.`, "api-version");
  if (!service.apiVersions.includes(apiVersion)) {
    throw new HttpError("unsupportedApiVersion", `The api-version '${apiVersion}' is not supported by ${service.name}. Supported versions: ${supported}.`, "api-version");
  }
  return apiVersion;
}

function parseBody(rawBody: string): unknown {
  if (rawBody.length === 0) return undefined;
  try {
    const body: unknown = JSON.parse(rawBody);
    // null is an object to typeof: it passes, and reads as no body.
    if (typeof body !== "object" || Array.isArray(body)) throw new Error("the body must be a JSON object");
    return body ?? undefined;
  } catch (error) {
    throw new HttpError("malformedJson", `The request body is not valid JSON (${(error as Error).message}). Send a JSON object.`);
  }
}

function toResponse(status: number, body: unknown, headers: Record<string, string> = {}): RouteResponse {
  // Stryker disable next-line ObjectLiteral: no answer without a body has headers to copy: the operations that answer 204 give none, every error has a body, and a repeatable create (Rooms) answers 201 with its room.
  if (body === undefined) return { status, headers: { ...headers } };
  return { status, headers: { ...headers, "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) };
}


/**
 * Status, code, message and headers of an error the HTTP layer raised (auth, api-version, JSON,
 * repeatability), from the one catalog; anything else is an unexpected 500. Services wrap them
 * in their own error shape.
 */
export function commonErrorParts(error: unknown): { status: number; code: string; message: string; target?: string; headers?: Record<string, string> } {
  if (error instanceof HttpError) {
    const entry: CatalogEntry = ERROR_CATALOG[error.name_];
    return { status: entry.status, code: entry.code, message: error.message, target: error.target, headers: entry.headers ? { ...entry.headers } : undefined };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, code: "InternalServerError", message: `callsim failed unexpectedly: ${message}. This is a callsim bug; please report it with the request that caused it.` };
}
