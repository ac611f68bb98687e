import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from "fastify";
import { errorResponse, HttpError } from "./errors.js";
import type { RouteRequest, RouteResponse } from "./routes.js";

/**
 * Rule (assumed): request bodies above 1 MiB are refused with 413; the service's limit is
 * not documented and no Call Automation request comes near it.
 */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Options of the fastify transport. */
export interface FastifyTransportOptions {
  https?: { key: string; cert: string };
  logLevel?: string;
  /** A pino logger for fastify's own lines (instead of one made from `logLevel`). */
  logger?: FastifyBaseLogger;
}

/**
 * The fastify transport: turns fastify's request into a {@link RouteRequest} and the
 * route table's {@link RouteResponse} back. No behaviour lives here.
 */
export function createFastifyTransport(
  handle: (request: RouteRequest) => RouteResponse | Promise<RouteResponse>,
  options: FastifyTransportOptions = {},
): FastifyInstance {
  const app = Fastify({
    ...(options.logger
      ? { loggerInstance: options.logger }
      : { logger: options.logLevel && options.logLevel !== "silent" ? { level: options.logLevel } : false }),
    // One log line per request would drown what matters: deliveries, faults, errors.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    // No route here declares a fastify schema (the route table checks requests against the
    // REST spec itself), so fastify's ajv and fast-json-stringify compilers, a sixth of the
    // cold start, are never loaded.
    schemaController: { compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas } },
    ...(options.https ? { https: options.https } : {}),
  } as any) as unknown as FastifyInstance;
  const protocol = options.https ? "https" : "http";

  // Keep every body as the raw string: the HMAC content hash is over the exact bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: { code?: string; statusCode?: number; message: string }, _request, reply) => {
    const typed =
      error.code === "FST_ERR_CTP_BODY_TOO_LARGE"
        ? new HttpError("payloadTooLarge", `The request body is larger than ${BODY_LIMIT_BYTES} bytes.`)
        : error.statusCode && error.statusCode < 500
          ? new HttpError("invalidArgument", error.message)
          : error;
    const { status, body, headers } = errorResponse(typed);
    void reply.code(status).headers({ ...headers, "content-type": "application/json; charset=utf-8" }).send(JSON.stringify(body));
  });

  const send = (reply: FastifyReply, response: RouteResponse) => {
    reply.code(response.status).headers(response.headers);
    const body = response.body;
    return reply.send(body instanceof Uint8Array ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : body);
  };
  // Not an async handler: an answer the route table gives at once goes out without a promise.
  app.all("*", (request, reply) => {
    const response = handle({
      method: request.method,
      url: request.raw.url ?? request.url,
      headers: request.headers,
      rawBody: typeof request.body === "string" ? request.body : "",
      protocol,
    });
    if (!(response instanceof Promise)) return send(reply, response);
    return response.then((answer) => send(reply, answer));
  });
  return app;
}

function noSchemas(): never {
  throw new Error("callsim's fastify routes declare no schemas: requests are checked by the route table against the REST spec.");
}
