import type { Logger } from "pino";
import type { Emulator } from "../emulator.js";
import type { EventRecord } from "../engine/outbox.js";
import type { Exchange } from "../http/exchangeWatch.js";
import { judgeRequest } from "../http/requestLog.js";
import { safeDecode, splitTarget } from "../http/requestParts.js";

/** What the live log reads from an emulator: its answers and its outbox. */
export type LiveLogSource = Pick<Emulator, "watch" | "engine">;

/**
 * Logs what happens as it happens, one record per thing (README "Live log"): every Call
 * Automation request (operation, call, status, time, the spec's verdict when it finds a
 * fault), every event delivery (type, call, destination, status, attempt), retries and dead
 * letters, and control-plane actions. Returns the function that stops logging.
 * @example attachLiveLog(emulator, createCliLogger({ level: "info", format: "text" }))
 */
export function attachLiveLog(emulator: LiveLogSource, logger: Logger): () => void {
  const maxAttempts = emulator.engine.outbox.policy.maxAttempts;
  const stopWatching = emulator.watch((exchange) => {
    logExchange(logger, exchange);
    if (exchange.response.status === 201 && exchange.request.method === "POST" && splitTarget(exchange.request.url).path === "/emulator/incoming-calls") warnIfUnheard(emulator, logger);
  });
  const stopEvents = emulator.engine.outbox.subscribe((record) => logEvent(logger, record, maxAttempts));
  return () => {
    stopWatching();
    stopEvents();
  };
}

function logExchange(logger: Logger, { request, response, ms }: Exchange): void {
  const { path } = splitTarget(request.url);
  const status = response.status;
  const error = status >= 400 ? errorMessage(response.body) : undefined;
  const took = Math.round(ms * 10) / 10;
  if (path.startsWith("/emulator/")) {
    // Reads (a dashboard polling GET /emulator/events) would drown the actions.
    const level = status >= 400 ? "warn" : request.method === "GET" ? "debug" : "info";
    logger[level]({ kind: "control", method: request.method, path: safeDecode(path), status, ms: took, ...(error ? { error } : {}) }, `${request.method} ${safeDecode(path)} ${status}`);
    return;
  }
  if (!path.startsWith("/calling/")) {
    const level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
    logger[level]({ kind: "request", method: request.method, path, status, ms: took, ...(error ? { error } : {}) }, `${request.method} ${path} ${status}`);
    return;
  }
  const { operationId, violations } = judgeRequest(request);
  const callConnectionId = /^\/calling\/callConnections\/([^/:?]+)/.exec(path)?.[1] ?? idInBody(response.body, "callConnectionId");
  const recordingId = /^\/calling\/recordings\/([^/:?]+)/.exec(path)?.[1] ?? idInBody(response.body, "recordingId");
  const operation = operationId ? shortName(operationId) : `${request.method} ${path}`;
  const level = status >= 500 ? "error" : status >= 400 || violations.length > 0 ? "warn" : "info";
  logger[level](
    {
      kind: "request",
      operation,
      ...(operationId ? { operationId } : {}),
      method: request.method,
      path,
      ...(callConnectionId ? { callConnectionId: safeDecode(callConnectionId) } : {}),
      ...(recordingId ? { recordingId: safeDecode(recordingId) } : {}),
      status,
      ms: took,
      ...(error ? { error } : {}),
      ...(violations.length > 0 ? { violations: violations.map((v) => `${v.path || "body"} ${v.message}`) } : {}),
    },
    `${operation} ${status}`,
  );
}

/** An incoming call placed with no subscription reaches nobody: say so where the user looks. */
function warnIfUnheard(emulator: LiveLogSource, logger: Logger): void {
  const listening = emulator.engine.eventGrid.list().some((s) => s.state === "active" && (s.eventTypes.length === 0 || s.eventTypes.includes("IncomingCall")));
  if (!listening) logger.warn({ kind: "notice" }, "IncomingCall reached no Event Grid subscriber (POST /emulator/subscriptions, or --event-grid-webhook): answer it with the incomingCallContext of the response");
}

function logEvent(logger: Logger, record: EventRecord, maxAttempts: number): void {
  const base = {
    type: record.type.replace(/^Microsoft\.Communication\./, ""),
    eventId: record.id,
    ...(record.callConnectionId ? { callConnectionId: record.callConnectionId } : record.serverCallId ? { serverCallId: record.serverCallId } : {}),
    destination: record.destination,
    channel: record.channel,
  };
  const last = record.attempts.at(-1);
  const outcome = last ? { ...(last.status !== undefined ? { status: last.status } : {}), ...(last.error ? { error: last.error } : {}) } : {};
  const attempt = record.attempts.length;
  if (record.state === "delivered") logger.info({ kind: "delivery", ...base, ...outcome, attempt }, `${base.type} delivered`);
  else if (record.state === "deadLettered") logger.error({ kind: "deadLetter", ...base, ...outcome, attempt, maxAttempts }, `${base.type} dead-lettered`);
  else if (attempt === 0) logger.debug({ kind: "queued", ...base }, `${base.type} queued`);
  else logger.warn({ kind: "retry", ...base, ...outcome, attempt, maxAttempts }, `${base.type} attempt ${attempt} failed, retrying`);
}

/** `CallConnection_AddParticipant` → `addParticipant`: the SDK's word for it. */
function shortName(operationId: string): string {
  const name = operationId.replace(/^[A-Za-z]+_/, "");
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function idInBody(body: RouteBody, field: string): string | undefined {
  if (typeof body !== "string") return undefined;
  return new RegExp(`"${field}":"([^"]+)"`).exec(body)?.[1];
}

function errorMessage(body: RouteBody): string | undefined {
  if (typeof body !== "string") return undefined;
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    return typeof message === "string" ? message : undefined;
  } catch {
    return undefined;
  }
}

type RouteBody = Exchange["response"]["body"];
