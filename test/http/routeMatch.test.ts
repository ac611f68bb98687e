import { describe, expect, test } from "vitest";
import { HttpError } from "../../emulator/http/errors.js";
import { matchRoute, type RouteRow } from "../../emulator/http/routeMatch.js";

// A table shaped like the real ones (routes.ts, dataPlaneRoutes.ts): several methods on one path,
// a more specific path before a general one.
const ROWS: RouteRow[] = [
  { operationId: "CallConnection_GetCall", method: "GET", pattern: /^\/calling\/callConnections\/([^/]+)$/ },
  { operationId: "CallConnection_HangupCall", method: "DELETE", pattern: /^\/calling\/callConnections\/([^/]+)$/ },
  { operationId: "CallConnection_GetParticipant", method: "GET", pattern: /^\/calling\/callConnections\/([^/]+)\/participants\/([^/]+)$/ },
  { operationId: "CreateCall", method: "POST", pattern: /^\/calling\/callConnections$/ },
];
const SERVICE = { name: "Call Automation", apiVersion: "2025-06-15" };

function refusal(method: string, path: string): HttpError {
  try {
    matchRoute(ROWS, method, path, SERVICE);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error(`${method} ${path} matched a row`);
}

describe("matchRoute", () => {
  test("returns the row whose method and pattern match, with the path's parameters in order", () => {
    expect(matchRoute(ROWS, "GET", "/calling/callConnections/abc", SERVICE)).toEqual({ operation: ROWS[0], params: ["abc"] });
    expect(matchRoute(ROWS, "DELETE", "/calling/callConnections/abc", SERVICE)).toEqual({ operation: ROWS[1], params: ["abc"] });
    expect(matchRoute(ROWS, "GET", "/calling/callConnections/abc/participants/8%3Aacs%3Ax", SERVICE)).toEqual({ operation: ROWS[2], params: ["abc", "8%3Aacs%3Ax"] });
    expect(matchRoute(ROWS, "POST", "/calling/callConnections", SERVICE)).toEqual({ operation: ROWS[3], params: [] });
  });

  test("a row of another method is skipped even when its pattern matches", () => {
    // DELETE's row comes after GET's on the same path: a match on the pattern alone would return GET's.
    expect(matchRoute(ROWS, "DELETE", "/calling/callConnections/x", SERVICE).operation.operationId).toBe("CallConnection_HangupCall");
  });

  test("a path some row serves, with a method none takes, is a 405 naming every method and operation the path takes", () => {
    const error = refusal("PUT", "/calling/callConnections/abc");
    expect(error.name_).toBe("methodNotAllowed");
    expect(error.message).toBe("PUT is not allowed on /calling/callConnections/abc; it takes GET (CallConnection_GetCall), DELETE (CallConnection_HangupCall).");
    expect(refusal("GET", "/calling/callConnections").message).toBe("GET is not allowed on /calling/callConnections; it takes POST (CreateCall).");
  });

  test("a path no row serves is a 404 naming the service and the api-version of the reference to check it against", () => {
    const error = refusal("GET", "/calling/callConnectionz/abc");
    expect(error.name_).toBe("routeNotFound");
    expect(error.message).toBe("No Call Automation operation is served at GET /calling/callConnectionz/abc. Check the path against the Call Automation REST reference (api-version 2025-06-15).");
  });

  test("an empty table serves nothing", () => {
    expect(() => matchRoute([], "GET", "/", { name: "Rooms", apiVersion: "2024-04-15" })).toThrow("No Rooms operation is served at GET /. Check the path against the Rooms REST reference (api-version 2024-04-15).");
  });
});
