import { CallAutomationError, InjectedFaultError, type EngineErrorKind } from "../engine/errors.js";

/** One entry of the error catalog: how the service answers one kind of failure. */
export interface CatalogEntry {
  status: number;
  /** `error.code` of the body. Call Automation failures carry their subcode here (assumed). */
  code: string;
  /** Subcode named in the message's `DiagCode: <status>#<subCode>.@`, when the service has one. */
  subCode?: number;
  /** Headers the answer carries besides the body (Retry-After, Repeatability-Result). */
  headers?: Readonly<Record<string, string>>;
}

/**
 * Rule (assumed): while the callback backlog is full, actions are refused with 429 and this
 * Retry-After, in seconds: long enough for a healthy app to drain a burst.
 */
export const BACKLOG_RETRY_AFTER_S = 1;

/** What a request refused for its Repeatability-* headers carries (the ACS repeatable-requests page). */
const REPEATABILITY_REJECTED = { "repeatability-result": "rejected" } as const;

/**
 * Every error callsim answers, in one place. Statuses and subcodes are the documented ones
 * (reference/callautomation/ERROR-CODES.md §3); the `code` strings are assumed, since the
 * docs do not give them (contracts/DEVIATIONS.md).
 */
export const ERROR_CATALOG = {
  invalidArgument: { status: 400, code: "8523", subCode: 8523 },
  malformedJson: { status: 400, code: "8523", subCode: 8523 },
  callNotEstablished: { status: 400, code: "8501", subCode: 8501 },
  invalidCallState: { status: 400, code: "8585", subCode: 8585 },
  notFound: { status: 404, code: "8522", subCode: 8522 },
  conflict: { status: 409, code: "8519", subCode: 8519 },
  forbidden: { status: 403, code: "7504", subCode: 7504 },
  duplicateRecording: { status: 400, code: "8559", subCode: 8559 },
  recordingState: { status: 400, code: "8573", subCode: 8573 },
  mediaConflict: { status: 400, code: "8500", subCode: 8500 },
  mediaPrecondition: { status: 412, code: "8583", subCode: 8583 },
  missingConfiguration: { status: 405, code: "8522", subCode: 8522 },
  unauthorized: { status: 401, code: "Denied", subCode: 7509 },
  missingApiVersion: { status: 400, code: "MissingApiVersionParameter" },
  unsupportedApiVersion: { status: 400, code: "UnsupportedApiVersion" },
  badRepeatability: { status: 400, code: "InvalidRepeatabilityHeaders", headers: REPEATABILITY_REJECTED },
  repeatabilityExpired: { status: 412, code: "PreconditionFailed", headers: REPEATABILITY_REJECTED },
  throttled: { status: 429, code: "TooManyRequests", headers: { "retry-after": String(BACKLOG_RETRY_AFTER_S) } },
  routeNotFound: { status: 404, code: "NotFound" },
  methodNotAllowed: { status: 405, code: "MethodNotAllowed" },
  notImplemented: { status: 501, code: "NotImplemented" },
  payloadTooLarge: { status: 413, code: "RequestEntityTooLarge" },
  unsupportedMediaType: { status: 415, code: "UnsupportedMediaType" },
  internal: { status: 500, code: "InternalServerError" },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorName = keyof typeof ERROR_CATALOG;

/** The service's error body: `{"error":{"code","message","target"?}}`. */
export interface ErrorBody {
  error: { code: string; message: string; target?: string };
}

/** An error the HTTP layer raises itself (auth, api-version, JSON). */
export class HttpError extends Error {
  constructor(
    readonly name_: ErrorName,
    message: string,
    readonly target?: string,
  ) {
    super(message);
    // Stryker disable next-line StringLiteral: the name is never shown: every HttpError is caught by the route table that raised it and answered from name_ and message, and its stack was captured (as "Error") before this line.
    this.name = "HttpError";
  }
}

const ENGINE_KINDS: Record<Exclude<EngineErrorKind, "injected">, ErrorName> = {
  invalidArgument: "invalidArgument",
  notFound: "notFound",
  callNotEstablished: "callNotEstablished",
  invalidCallState: "invalidCallState",
  conflict: "conflict",
  forbidden: "forbidden",
  duplicateRecording: "duplicateRecording",
  recordingState: "recordingState",
  mediaConflict: "mediaConflict",
  mediaPrecondition: "mediaPrecondition",
  missingConfiguration: "missingConfiguration",
};

/** Status and body for any error thrown while serving a request. Unknown errors become 500s. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody; headers?: Readonly<Record<string, string>> } {
  if (error instanceof InjectedFaultError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message } } };
  }
  if (error instanceof HttpError) return render(error.name_, error.message, error.target);
  if (error instanceof CallAutomationError) {
    // Stryker disable next-line StringLiteral: the fallback is never read: every kind but "injected" is in ENGINE_KINDS, and the only error of kind "injected", InjectedFaultError, is answered above.
    return render(ENGINE_KINDS[error.kind as Exclude<EngineErrorKind, "injected">] ?? "internal", error.message, error.target);
  }
  const message = error instanceof Error ? error.message : String(error);
  return render("internal", `callsim failed unexpectedly: ${message}. This is a callsim bug; please report it with the request that caused it.`);
}

function render(name: ErrorName, message: string, target?: string): { status: number; body: ErrorBody; headers?: Readonly<Record<string, string>> } {
  const entry: CatalogEntry = ERROR_CATALOG[name];
  const diag = entry.subCode !== undefined ? ` DiagCode: ${entry.status}#${entry.subCode}.@` : "";
  const body: ErrorBody = { error: { code: entry.code, message: message + diag } };
  // Stryker disable next-line ConditionalExpression: setting an absent target writes undefined, which JSON.stringify (every route table's answer) drops, and no error names an empty target; the "false" variant, which drops a real target, is killed.
  if (target) body.error.target = target;
  return { status: entry.status, body, headers: entry.headers };
}
