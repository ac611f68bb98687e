import type { Engine } from "../engine/engine.js";
import type { OutboxLimits, OutboxStats, RetryPolicy } from "../engine/outbox.js";
import type { EventGridRetryPolicy } from "../engine/deliveryPolicy.js";
import { InvalidArgumentError } from "../engine/errors.js";
import { checkRawId } from "../engine/identifiers.js";
import { readControlBody } from "./controlBody.js";
import { errorResponse, HttpError } from "./errors.js";
import type { RouteRequest, RouteResponse } from "./routes.js";
import { safeDecode, splitTarget } from "./requestParts.js";
import { forgedEventView, type ForgeryPlan } from "../delivery/forgeries.js";
import { ENTRA_SUBSCRIPTION_FIELDS } from "../engine/eventGridAuth.js";

/** What `GET /emulator/info` reports. */
export interface EmulatorInfo {
  endpoint: string;
  connectionString: string;
  apiVersions: readonly string[];
  seed: number;
  clock: "real" | "virtual";
  /** The resource's immutable id: the audience of callback tokens. */
  resourceId: string;
  /** The delivery policy in force. */
  delivery: RetryPolicy &
    OutboxLimits & {
      timeoutMs: number;
      eventGrid: EventGridRetryPolicy;
      /** On the real clock: how long an event waits for its call's previous one, and deliveries in flight per origin. */
      callOrderGraceMs?: number;
      maxInFlightPerOrigin?: number;
    };
  /** The event log and the delivery backlog: retained, dropped, delivered, dead-lettered, pending and its wait. */
  events: OutboxStats;
  /** Live and ended calls held now, and ended calls forgotten to stay within the retention. */
  calls: { live: number; ended: number; forgotten: number };
  /** The emulator process's memory. */
  memory: { rssBytes: number; heapUsedBytes: number };
}

/** Options of the control-plane route table. */
export interface ControlRoutesOptions {
  engine: Engine;
  info: () => EmulatorInfo;
  /** Forgets state outside the engine too (e.g. remembered idempotent answers). */
  onReset?: () => void;
  /** The log of Call Automation requests with their verdicts (`GET /emulator/requests`). */
  requests?: () => unknown[];
  /** Forged callbacks to plant (`POST /emulator/forgeries`); events show the forgery they got. */
  forgeries?: ForgeryPlan;
}

type Handler = (input: { params: string[]; query: URLSearchParams; body: any; baseUrl: string }) => unknown | Promise<unknown>;
interface ControlRoute {
  method: string;
  pattern: RegExp;
  status: number;
  handle: Handler;
  /** The body fields the operation takes; any other is refused and named. Absent: the operation reads no body. */
  fields?: readonly string[];
}

/**
 * The control plane under /emulator/ (DESIGN §3): the test's hand on the simulated world.
 * No HMAC: it is a local tool and binds where the server binds.
 */
export function createControlRoutes(options: ControlRoutesOptions): (request: RouteRequest) => Promise<RouteResponse> | undefined {
  const { engine } = options;
  const forgeries = () => {
    if (!options.forgeries) throw new HttpError("routeNotFound", "This emulator does not sign callbacks, so it cannot forge them.");
    return options.forgeries;
  };
  const routes: ControlRoute[] = [
    route("GET", "^/emulator/info$", 200, () => options.info()),
    route("POST", "^/emulator/reset$", 204, () => {
      engine.reset();
      options.onReset?.();
    }, []),
    route("GET", "^/emulator/parties$", 200, () => engine.parties()),
    route("PUT", "^/emulator/parties/([^/]+)$", 200, ({ params, body }) => engine.setParty(params[0], object(body)), ["behavior", "delayMs", "input"]),
    route("GET", "^/emulator/phone-numbers$", 200, () => engine.phoneNumbers.list()),
    route("PUT", "^/emulator/phone-numbers/([^/]+)$", 200, ({ params }) => engine.phoneNumbers.add(params[0])),
    route("DELETE", "^/emulator/phone-numbers/([^/]+)$", 204, ({ params }) => engine.phoneNumbers.remove(params[0])),
    route("GET", "^/emulator/subscriptions$", 200, () => engine.eventGrid.list()),
    route("POST", "^/emulator/subscriptions$", 201, async ({ body, baseUrl }) => {
      const { endpoint, eventTypes, filter, ...entra } = object(body);
      if (typeof endpoint !== "string" || !/^https?:\/\//.test(endpoint)) {
        throw new InvalidArgumentError("endpoint", "endpoint is required: the http(s) URL of your Event Grid webhook.");
      }
      if (eventTypes !== undefined && (!Array.isArray(eventTypes) || eventTypes.some((t) => typeof t !== "string"))) {
        throw new InvalidArgumentError("eventTypes", "eventTypes must be an array of event type names, e.g. [\"Microsoft.Communication.IncomingCall\"].");
      }
      return engine.eventGrid.subscribe({ endpoint, eventTypes, filter, ...entra }, baseUrl);
    }, ["endpoint", "eventTypes", "filter", ...ENTRA_SUBSCRIPTION_FIELDS]),
    route("GET", "^/emulator/subscriptions/([^/:]+):validate$", 200, ({ params, query }) => engine.eventGrid.validate(params[0], query.get("code"))),
    route("POST", "^/emulator/incoming-calls$", 201, ({ body }) => engine.placeIncomingCall(object(body)), ["from", "to", "callerDisplayName", "customContext"]),
    route("GET", "^/emulator/calls$", 200, () => engine.calls()),
    route("GET", "^/emulator/rooms$", 200, () => engine.rooms.snapshot()),
    route("GET", "^/emulator/identities$", 200, () => engine.identities.list()),
    route("POST", "^/emulator/calls$", 201, ({ body }) => engine.startCall(object(body)), ["participants", "groupCallId", "roomId"]),
    route("POST", "^/emulator/calls/([^/]+)/participants/(.+):hangUp$", 204, ({ params }) => engine.partyHangUp(params[0], checkRawId(params[1], "rawId")), []),
    route("POST", "^/emulator/calls/([^/]+)/participants/(.+):dtmf$", 200, ({ params, body }) => engine.media.partyPressesKeys(params[0], checkRawId(params[1], "rawId"), object(body).tones), ["tones"]),
    route("POST", "^/emulator/calls/([^/]+)/participants/(.+):speak$", 200, ({ params, body }) => engine.media.partySpeaks(params[0], checkRawId(params[1], "rawId"), object(body).text), ["text"]),
    route("GET", "^/emulator/faults$", 200, () => engine.faults()),
    route("GET", "^/emulator/variants$", 200, () => engine.variants()),
    route("PUT", "^/emulator/variants$", 200, ({ body }) => engine.setVariants(object(body))),
    route("GET", "^/emulator/requests$", 200, () => options.requests?.() ?? []),
    route("POST", "^/emulator/faults$", 201, ({ body }) => engine.addFault(object(body)), ["action", "status", "code", "subCode", "message", "async", "times"]),
    route("GET", "^/emulator/forgeries$", 200, () => options.forgeries?.list() ?? []),
    route("POST", "^/emulator/forgeries$", 201, ({ body }) => forgeries().add(object(body)), ["kind", "callConnectionId", "times", "channel"]),
    route("GET", "^/emulator/events$", 200, ({ query }) => {
      const callConnectionId = query.get("callConnectionId");
      const type = query.get("type");
      const shown = engine.outbox
        .events()
        .filter((e) => (!callConnectionId || e.callConnectionId === callConnectionId) && (!type || e.type === type || e.type === `Microsoft.Communication.${type}`));
      return options.forgeries ? shown.map((e) => forgedEventView(e, options.forgeries!)) : shown;
    }),
  ];

  return (request) => {
    const { path, query } = splitTarget(request.url);
    if (!path.startsWith("/emulator/")) return undefined;
    return serve(routes, request, path, query);
  };
}

async function serve(routes: ControlRoute[], request: RouteRequest, path: string, query: URLSearchParams): Promise<RouteResponse> {
  try {
    const candidates = routes.filter((r) => r.pattern.test(path));
    const found = candidates.find((r) => r.method === request.method);
    if (!found) {
      if (candidates.length > 0) throw new HttpError("methodNotAllowed", `${request.method} is not allowed on ${path}; it takes ${candidates.map((c) => c.method).join(", ")}.`);
      throw new HttpError("routeNotFound", `No control-plane operation at ${request.method} ${path}. See the README's control plane table.`);
    }
    // The route was found by this pattern matching this path, so it matches again.
    const params = found.pattern.exec(path)!.slice(1).map(safeDecode);
    let body: unknown;
    if (request.rawBody.length > 0) {
      try {
        body = JSON.parse(request.rawBody);
      } catch (error) {
        throw new HttpError("malformedJson", `The request body is not valid JSON (${(error as Error).message}).`);
      }
    }
    if (found.fields) body = readControlBody(body, found.fields, `${request.method} ${safeDecode(path)}`);
    const host = request.headers.host;
    const result = await found.handle({ params, query, body, baseUrl: `${request.protocol}://${Array.isArray(host) ? host[0] : host ?? "localhost"}` });
    // Nothing to answer (every 204 route, and a 200 or 201 one with no result) is 204 without a body.
    if (result === undefined) return { status: 204, headers: {} };
    return { status: found.status, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(result) };
  } catch (error) {
    const { status, body, headers } = errorResponse(error);
    return { status, headers: { ...headers, "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) };
  }
}

function object(body: unknown): any {
  if (body === undefined) return {};
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new InvalidArgumentError("body", "The request body must be a JSON object.");
  return body as Record<string, any>;
}

function route(method: string, pattern: string, status: number, handle: Handler, fields?: readonly string[]): ControlRoute {
  return { method, pattern: new RegExp(pattern), status, handle, ...(fields ? { fields } : {}) };
}
