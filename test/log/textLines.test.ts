import { describe, expect, test } from "vitest";
import { formatLine } from "../../emulator/log/textLines.js";

const time = new Date(2026, 0, 2, 7, 12, 1, 234).getTime();
const call = "4a1f0000-0000-0000-0000-000000000001";

describe("live log text lines", () => {
  test("a request reads operation, status, time and call, then its error and the spec's verdict", () => {
    expect(formatLine({ time, kind: "request", operation: "createCall", status: 201, ms: 3, callConnectionId: call }, false)).toBe(`07:12:01.234  -->  createCall                  201  3 ms  call ${call}`);
    const faulty = formatLine({ time, kind: "request", operation: "addParticipant", status: 400, ms: 1, callConnectionId: call, error: "not established yet", violations: ["targets is required"] }, false);
    expect(faulty).toBe(`07:12:01.234  -->  addParticipant              400  1 ms  call ${call}  not established yet  spec: targets is required`);
  });

  test("a delivery, a retry and a dead letter name the event, the destination and the attempt", () => {
    const base = { time, type: "CallConnected", destination: "http://127.0.0.1:3000/api/callbacks", callConnectionId: call };
    expect(formatLine({ ...base, kind: "delivery", status: 200, attempt: 1 }, false)).toBe(`07:12:01.234  <--  CallConnected               200  http://127.0.0.1:3000/api/callbacks  call ${call}  attempt 1`);
    expect(formatLine({ ...base, kind: "retry", status: 503, attempt: 1, maxAttempts: 5 }, false)).toContain("!!   retry CallConnected         503  http://127.0.0.1:3000/api/callbacks");
    expect(formatLine({ ...base, kind: "retry", error: "connect ECONNREFUSED", attempt: 2, maxAttempts: 5 }, false)).toContain("connect ECONNREFUSED");
    expect(formatLine({ ...base, kind: "deadLetter", status: 503, attempt: 5, maxAttempts: 5 }, false)).toContain("xx   dead-lettered CallConnected  503");
  });

  test("a control-plane action and fastify's own lines read as they are", () => {
    expect(formatLine({ time, kind: "control", method: "PUT", path: "/emulator/parties/4:+14255550123", status: 200 }, false)).toBe("07:12:01.234  ctl  PUT /emulator/parties/4:+14255550123  200");
    expect(formatLine({ time, level: 50, msg: "boom" }, false)).toBe("07:12:01.234  error  boom");
  });

  test("colours only when asked", () => {
    expect(formatLine({ time, kind: "control", method: "PUT", path: "/x", status: 400 }, true)).toContain("\u001b[31m400\u001b[0m");
    expect(formatLine({ time, kind: "control", method: "PUT", path: "/x", status: 400 }, false)).not.toContain("\u001b[");
  });
});
