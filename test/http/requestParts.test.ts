import { describe, expect, test } from "vitest";
import { headerValue, parseHttpDate, safeDecode, splitTarget, splitUrl } from "../../emulator/http/requestParts.js";

// How every transport reads a request: headers by name, the target's path and query, and the
// scheme, host and target of an absolute URL exactly as a client would send them.
describe("headerValue", () => {
  test("finds a header by its lower-case name, in any case, and the first of a repeated one", () => {
    expect(headerValue({ "x-ms-date": "a" }, "x-ms-date")).toBe("a");
    expect(headerValue({ "X-MS-Date": "b" }, "x-ms-date")).toBe("b");
    expect(headerValue({ "x-ms-date": ["c", "d"] }, "x-ms-date")).toBe("c");
    expect(headerValue({ "x-ms-datex": "e", "x-ms-dat": "f" }, "x-ms-date")).toBeUndefined();
    expect(headerValue({}, "host")).toBeUndefined();
  });
});

describe("splitTarget", () => {
  test("splits at the first question mark, keeping the path's percent-encoding", () => {
    const { path, query } = splitTarget("/calling/a%3Ab?api-version=2026-03-12&x=1?2");
    expect(path).toBe("/calling/a%3Ab");
    expect(query.get("api-version")).toBe("2026-03-12");
    expect(query.get("x")).toBe("1?2");
    expect(splitTarget("/calling").path).toBe("/calling");
    expect([...splitTarget("/calling").query]).toEqual([]);
    expect(splitTarget("?a=1").path).toBe("");
  });
});

describe("splitUrl", () => {
  test.each([
    ["http://127.0.0.1:4010/calling/x?api-version=2026-03-12", "http", "127.0.0.1:4010", "/calling/x?api-version=2026-03-12"],
    ["https://r1.communication.azure.com/calling/a%3Ab", "https", "r1.communication.azure.com", "/calling/a%3Ab"],
    ["https://r1.communication.azure.com:443/calling/x", "https", "r1.communication.azure.com", "/calling/x"],
    ["http://r1.test:80/x", "http", "r1.test", "/x"],
    ["http://r1.test:8080/x", "http", "r1.test:8080", "/x"],
    ["https://R1.Test/x", "https", "r1.test", "/x"],
    ["http://r1.test/a b", "http", "r1.test", "/a%20b"],
    ["http://r1.test/ ~", "http", "r1.test", "/%20~"],
    ["http://r1.test/x?a b", "http", "r1.test", "/x?a%20b"],
    ["http://r1.test/x?q=1#frag", "http", "r1.test", "/x?q=1"],
    ["http://r1.test/a/../b", "http", "r1.test", "/b"],
    ["http://r1.test", "http", "r1.test", "/"],
  ])("%s is sent to %s://%s as %s", (url, protocol, host, target) => {
    expect(splitUrl(url)).toEqual({ protocol, host, target });
  });
});

describe("safeDecode and parseHttpDate", () => {
  test("decode what decodes and keep what does not", () => {
    expect(safeDecode("4%3A%2B1425")).toBe("4:+1425");
    expect(safeDecode("%E0%A4%A")).toBe("%E0%A4%A");
  });

  test("parse HTTP dates, the same one twice and then another", () => {
    expect(parseHttpDate("Thu, 12 Mar 2026 10:00:00 GMT")).toBe(Date.parse("2026-03-12T10:00:00Z"));
    expect(parseHttpDate("Thu, 12 Mar 2026 10:00:00 GMT")).toBe(Date.parse("2026-03-12T10:00:00Z"));
    expect(parseHttpDate("Thu, 12 Mar 2026 10:00:01 GMT")).toBe(Date.parse("2026-03-12T10:00:01Z"));
    expect(parseHttpDate("soon")).toBeNaN();
  });
});
