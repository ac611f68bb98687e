import { HttpError } from "./errors.js";

/** What matching reads of a route table's row: its operation, method and path pattern. */
export interface RouteRow {
  operationId: string;
  method: string;
  pattern: RegExp;
}

/** The service a route table serves, as its refusals name it. */
export interface RouteService {
  /** "Call Automation", "Identity", "Rooms". */
  name: string;
  /** The api-version whose REST reference a refusal points at. */
  apiVersion: string;
}

/**
 * The row that serves `method path`, with the path's parameters. The method is compared first:
 * a string comparison spares most patterns a regular-expression run.
 * @throws HttpError 405 naming the methods the path takes and their operations (the REST
 *   reference's page names), 404 when no row serves the path
 */
export function matchRoute<T extends RouteRow>(rows: readonly T[], method: string, path: string, service: RouteService): { operation: T; params: string[] } {
  for (const operation of rows) {
    if (operation.method !== method) continue;
    const m = operation.pattern.exec(path);
    if (m) return { operation, params: m.slice(1) };
  }
  const taken = rows.filter((row) => row.pattern.test(path));
  if (taken.length > 0) {
    throw new HttpError("methodNotAllowed", `${method} is not allowed on ${path}; it takes ${taken.map((row) => `${row.method} (${row.operationId})`).join(", ")}.`);
  }
  throw new HttpError("routeNotFound", `No ${service.name} operation is served at ${method} ${path}. Check the path against the ${service.name} REST reference (api-version ${service.apiVersion}).`);
}
