import { describe, expect, test } from "vitest";
import { judgeRequest, REQUEST_LOG_LIMIT, RequestLog } from "../../emulator/http/requestLog.js";
import type { RouteRequest } from "../../emulator/http/routes.js";

// The request log an app's test reads (emulator.requests(), GET /emulator/requests): every
// Call Automation request with its answer and the spec's verdict.
const request = (method: string, url: string, rawBody = "", headers: RouteRequest["headers"] = {}): RouteRequest => ({ method, url, headers, rawBody, protocol: "http" });
const CREATE = JSON.stringify({ targets: [{ kind: "communicationUser", communicationUser: { id: "8:acs:r_u1" } }], callbackUri: "https://app.test/cb" });

describe("the spec's verdict on a request", () => {
  test("a valid request has its operation and no violation", () => {
    expect(judgeRequest(request("POST", "/calling/callConnections?api-version=2026-03-12", CREATE))).toEqual({ operationId: "CreateCall", violations: [] });
  });

  test("a path the spec does not have is named", () => {
    expect(judgeRequest(request("GET", "/calling/nothing?x=1"))).toEqual({ violations: [{ path: "", message: "is not an operation of the spec: GET /calling/nothing" }] });
  });

  test("a body that is not JSON says so, after the parameters' findings", () => {
    const verdict = judgeRequest(request("POST", "/calling/callConnections", "{oops"));
    expect(verdict.operationId).toBe("CreateCall");
    expect(verdict.violations.at(-1)).toEqual({ path: "", message: expect.stringMatching(/^is not JSON \(.+\)$/) });
    expect(verdict.violations.map((v) => v.path)).toContain("api-version");
  });

  test("an operation the named api-version does not have is named; an unknown version is judged by the newest spec", () => {
    const hold = JSON.stringify({ targetParticipant: { rawId: "8:acs:r_u1" } });
    expect(judgeRequest(request("POST", "/calling/callConnections/c1:hold?api-version=2024-04-15", hold)).violations).toEqual([{ path: "", message: "is not an operation of api-version 2024-04-15" }]);
    expect(judgeRequest(request("POST", "/calling/callConnections/c1:hold?api-version=2026-03-12", hold)).violations).toEqual([]);
    const unknown = judgeRequest(request("POST", "/calling/callConnections/c1:hold?api-version=1999-01-01", hold)).violations;
    expect(unknown.some((v) => v.message.includes("is not an operation of api-version"))).toBe(false);
  });

  test("unknown fields are findings even though only --strict refuses them", () => {
    const typo = JSON.stringify({ ...JSON.parse(CREATE), operationContex: "x" });
    expect(judgeRequest(request("POST", "/calling/callConnections?api-version=2026-03-12", typo)).violations.map((v) => v.path)).toEqual(["operationContex"]);
  });
});

describe("the log", () => {
  test("numbers requests from 1, keeps the answer's status, and starts again after clear", () => {
    const log = new RequestLog();
    log.record({ request: request("POST", "/calling/callConnections?api-version=2026-03-12", CREATE), response: { status: 201, headers: {} } });
    log.record({ request: request("GET", "/calling/nothing"), response: { status: 404, headers: {} } });
    expect(log.list().map(({ sequence, operationId, method, url, status }) => ({ sequence, operationId, method, url, status }))).toEqual([
      { sequence: 1, operationId: "CreateCall", method: "POST", url: "/calling/callConnections?api-version=2026-03-12", status: 201 },
      { sequence: 2, operationId: undefined, method: "GET", url: "/calling/nothing", status: 404 },
    ]);
    expect("operationId" in log.list()[1]).toBe(false);
    log.clear();
    expect(log.list()).toEqual([]);
    log.record({ request: request("GET", "/calling/nothing"), response: { status: 404, headers: {} } });
    expect(log.list()[0].sequence).toBe(1);
  });

  test("judges the spec's header parameters that were sent, and no other header", () => {
    const log = new RequestLog();
    const headers = { "repeatability-request-id": "not-a-uuid", "repeatability-first-sent": "yesterday", "x-unrelated": "kept out" };
    log.record({ request: request("POST", "/calling/callConnections?api-version=2026-03-12", CREATE, headers), response: { status: 400, headers: {} } });
    const paths = log.list()[0].violations.map((v) => v.path);
    expect(paths).toEqual(expect.arrayContaining(["Repeatability-Request-ID"]));
    expect(paths.some((p) => p.toLowerCase().includes("unrelated"))).toBe(false);
  });

  test("a reader cannot change the log's verdicts", () => {
    const log = new RequestLog();
    log.record({ request: request("GET", "/calling/nothing"), response: { status: 404, headers: {} } });
    log.list()[0].violations.push({ path: "x", message: "planted" });
    expect(log.list()[0].violations).toHaveLength(1);
  });

  test("keeps the latest requests only, dropping the oldest", () => {
    const log = new RequestLog();
    const total = Math.ceil(REQUEST_LOG_LIMIT * 1.1) + 5;
    for (let i = 0; i < total; i++) log.record({ request: request("GET", `/calling/nothing/${i}`), response: { status: 404, headers: {} } });
    const list = log.list();
    expect(list).toHaveLength(REQUEST_LOG_LIMIT);
    expect(list[0].sequence).toBe(total - REQUEST_LOG_LIMIT + 1);
    expect(list.at(-1)!.sequence).toBe(total);
  });
});
