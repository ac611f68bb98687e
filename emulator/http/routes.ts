import { API_VERSIONS, isApiVersion, versionsWithOperation } from "../../contracts/apiVersions.js";
import { shapeRequestBody, shapeResponse } from "../../contracts/shape.js";
import { hasOperation, validateRequestBody } from "../../contracts/validator.js";
import type { Engine } from "../engine/engine.js";
import { verifyHmacRequest } from "./auth.js";
import { createDataPlaneRoutes } from "./dataPlaneRoutes.js";
import { IDENTITY_SERVICE } from "./identityOperations.js";
import { ROOMS_SERVICE } from "./roomsOperations.js";
import { BACKLOG_RETRY_AFTER_S, errorResponse, HttpError } from "./errors.js";
import { OPERATIONS, type OperationResult } from "./operations.js";
import { REPEATABILITY_RESULT_HEADER, RepeatabilityCache } from "./repeatability.js";
import { headerValue, safeDecode, splitTarget } from "./requestParts.js";
import { matchRoute } from "./routeMatch.js";

/** A request as plain data: what every transport turns its own request into. */
export interface RouteRequest {
  method: string;
  /** Path and query exactly as received (percent-encoding kept: the HMAC signs it). */
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  /** The body as received, so its content hash can be checked byte for byte. */
  rawBody: string;
  /** The scheme the client used; the host comes from the Host header. */
  protocol: "http" | "https";
}

/** A response as plain data: what every transport writes back. */
export interface RouteResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON as text; bytes for recording files. */
  body?: string | Uint8Array;
}

/**
 * api-versions callsim answers, newest first: every one a published SDK sends, each served as
 * its own spec describes it (contracts/spec/callautomation/versions).
 */
export const SUPPORTED_API_VERSIONS: readonly string[] = API_VERSIONS;

const CALL_AUTOMATION = { name: "Call Automation", apiVersion: API_VERSIONS[0] };

/** Options of the Call Automation route table. */
export interface ServiceRoutesOptions {
  engine: Engine;
  /** Base64 access key of the connection string. */
  accessKey: string;
  /** Accept requests without valid HMAC auth. */
  loose: boolean;
  /** Reject request fields the spec does not know (catches typos in apps). */
  strict: boolean;
  /** Wall-clock time for x-ms-date checks (the engine's clock may be virtual). */
  now: () => number;
  participantsPageSize: number;
  /** Sees every exchange, e.g. for the request log. */
  onExchange?: (exchange: { operationId?: string; request: RouteRequest; response: RouteResponse }) => void;
}

/**
 * The one place that maps REST to engine calls: route, api-version, auth, idempotency,
 * JSON, contract validation, then the operation; engine results and errors back to
 * status and body.
 */
export function createServiceRoutes(options: ServiceRoutesOptions): ((request: RouteRequest) => RouteResponse | undefined) & { reset(): void } {
  const repeats = new RepeatabilityCache<RouteResponse>(options.now);
  // Identity and Rooms share the resource's endpoint (and the SDKs' connection string).
  const dataPlane = createDataPlaneRoutes([IDENTITY_SERVICE, ROOMS_SERVICE], options);
  const serve = (request: RouteRequest): RouteResponse | undefined => {
    const { path, query } = splitTarget(request.url);
    // Not in the Call Automation request log: its verdicts are against the Call Automation spec.
    if (!path.startsWith("/calling/")) return dataPlane(request);
    let operationId: string | undefined;
    let response: RouteResponse;
    try {
      const { operation, params } = matchRoute(OPERATIONS, request.method, path, CALL_AUTOMATION);
      operationId = operation.operationId;
      const apiVersion = checkApiVersion(query);
      checkOperationInVersion(operation.operationId, apiVersion);
      if (!options.loose) {
        const auth = verifyHmacRequest(request, options.accessKey, options.now());
        if (!auth.ok) throw new HttpError("unauthorized", auth.message);
      }
      // A verified signature vouches that x-ms-content-sha256 is the body's hash: no second hashing.
      // Stryker disable next-line StringLiteral: without the header the cache hashes the body itself, and the verified signature has already checked that the header is that hash.
      const bodyHash = options.loose ? undefined : headerValue(request.headers, "x-ms-content-sha256");
      const repeatKey = operation.repeatable ? repeats.key(request.headers, { method: request.method, path, body: request.rawBody, bodyHash }) : undefined;
      const remembered = repeatKey ? repeats.recall(repeatKey) : undefined;
      if (remembered) response = remembered;
      else if (request.method !== "GET" && options.engine.outbox.isSaturated()) {
        const { pending, oldestPendingMs } = options.engine.outbox.stats();
        throw new HttpError(
          "throttled",
          `callsim's callback backlog is full: ${pending} events wait for delivery, the oldest for ${oldestPendingMs} ms. Let the app's callback endpoint catch up (see GET /emulator/info) and retry after ${BACKLOG_RETRY_AFTER_S} s.`,
        );
      } else {
        const body = operation.hasBody ? parseBody(request.rawBody, operation.operationId, options.strict, apiVersion) : undefined;
        const result = operation.handle({
          engine: options.engine,
          body,
          params: params.map(safeDecode),
          query,
          apiVersion,
          baseUrl: `${request.protocol}://${headerValue(request.headers, "host") ?? "localhost"}`,
          participantsPageSize: options.participantsPageSize,
        });
        response = toResponse(shapeResponse(operation.operationId, result.status, result.body, apiVersion));
        if (repeatKey) response.headers[REPEATABILITY_RESULT_HEADER] = "accepted";
        // Stryker disable next-line ConditionalExpression,EqualityOperator: every operation answers 200-204 when it returns; a 5xx (a planted fault, a failure of callsim) is thrown and answered in the catch below, which remembers nothing. The ">=" variant is killed.
        if (repeatKey && response.status < 500) repeats.remember(repeatKey, response);
      }
    } catch (error) {
      const { status, body, headers } = errorResponse(error);
      response = toResponse({ status, body });
      Object.assign(response.headers, headers);
    }
    options.onExchange?.({ operationId, request, response });
    return response;
  };
  /** Forgets remembered repeatable answers (the control plane's reset). */
  const reset = () => {
    repeats.clear();
    dataPlane.reset();
  };
  return Object.assign(serve, { reset });
}

function checkApiVersion(query: URLSearchParams): string {
  const apiVersion = query.get("api-version");
  if (!apiVersion) {
    throw new HttpError("missingApiVersion", `The api-version query parameter is required. Use one of ${SUPPORTED_API_VERSIONS.join(", ")}.`, "api-version");
  }
  if (!isApiVersion(apiVersion)) {
    throw new HttpError(
      "unsupportedApiVersion",
      `The api-version '${apiVersion}' is not supported. Supported versions: ${SUPPORTED_API_VERSIONS.join(", ")}.`,
      "api-version",
    );
  }
  return apiVersion;
}

/**
 * Rule (assumed): an operation the request's api-version does not have is answered as a path
 * that version does not serve, 404, naming the first version that has it.
 */
function checkOperationInVersion(operationId: string, apiVersion: string): void {
  if (hasOperation(operationId, apiVersion)) return;
  const since = versionsWithOperation(operationId)[0];
  const servedFrom = since
    ? `: it is served from api-version ${since} on. Use an SDK that sends ${since} or newer`
    : // Stryker disable next-line StringLiteral: never used: every operation of the route table is in some api-version's spec, so `since` is always set.
      "";
  throw new HttpError("routeNotFound", `${operationId} is not part of api-version ${apiVersion}${servedFrom}.`, "api-version");
}

function parseBody(rawBody: string, operationId: string, strict: boolean, apiVersion: string): unknown {
  let body: unknown;
  try {
    body = rawBody.length === 0 ? undefined : JSON.parse(rawBody);
  } catch (error) {
    throw new HttpError("malformedJson", `The request body is not valid JSON (${(error as Error).message}). Send a JSON object.`);
  }
  const violations = validateRequestBody(operationId, body, { strict, apiVersion });
  if (violations.length > 0) {
    const first = violations[0];
    // A violation at the body's root (not an object) comes alone: later ones always name their field.
    const others = violations.length > 1 ? ` (and ${violations.length - 1} more: ${violations.slice(1, 4).map((v: { path: string }) => v.path).join(", ")})` : "";
    throw new HttpError("invalidArgument", `${first.path ? `${first.path} ` : "The request body "}${first.message}${others}.`, first.path || undefined);
  }
  return shapeRequestBody(operationId, body, apiVersion);
}

function toResponse(result: OperationResult): RouteResponse {
  if (result.body === undefined) return { status: result.status, headers: {} };
  return { status: result.status, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(result.body) };
}


