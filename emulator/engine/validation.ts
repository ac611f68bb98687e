import { InvalidArgumentError } from "./errors.js";

/**
 * Rule (assumed, a documented departure): the service refuses http callbacks ("The field
 * CallbackUri is invalid"), but apps under test listen on plain http://localhost, so callsim
 * accepts http and https and refuses anything else.
 */
export function checkCallbackUri(value: unknown, field: string): string {
  if (typeof value !== "string") throw new InvalidArgumentError(field, `The field ${field} is required: the URL callsim POSTs events to.`);
  // An app names the same callback URL in every action: parse it once.
  if (value === lastAccepted) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(field, `The field ${field} is invalid: "${value}" is not an absolute URL. Give an https:// (or, locally, http://) URL.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new InvalidArgumentError(field, `The field ${field} is invalid: callbacks go over https (or http locally), not ${url.protocol}`);
  }
  lastAccepted = value;
  return value;
}

let lastAccepted: string | undefined;

/**
 * Where an action's result events go: its operationCallbackUri when given, else the call's
 * callbackUri (undefined). A null, which the spec's request validation lets through, is not given.
 */
export function resultDestination(request: { operationCallbackUri?: unknown }): string | undefined {
  return request.operationCallbackUri === undefined || request.operationCallbackUri === null
    ? undefined
    : checkCallbackUri(request.operationCallbackUri, "operationCallbackUri");
}

/** Reads an optional string field. */
export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new InvalidArgumentError(field, `${field} must be a string.`);
  return value;
}

/** Reads `customCallingContext`, defaulting its header maps to empty ones. */
export function customCallingContext(
  value: unknown,
  field: string,
): { voipHeaders: Record<string, string>; sipHeaders: Record<string, string> } | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object") throw new InvalidArgumentError(field, `${field} must be an object with voipHeaders and sipHeaders.`);
  const v = value as { voipHeaders?: unknown; sipHeaders?: unknown };
  return { voipHeaders: headerMap(v.voipHeaders, `${field}.voipHeaders`), sipHeaders: headerMap(v.sipHeaders, `${field}.sipHeaders`) };
}

function headerMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new InvalidArgumentError(field, `${field} must be a map of header names to string values.`);
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string") throw new InvalidArgumentError(`${field}.${key}`, `${field}.${key} must be a string.`);
  }
  return { ...(value as Record<string, string>) };
}
