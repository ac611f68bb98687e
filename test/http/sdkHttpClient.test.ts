import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { RouteRequest } from "../../emulator/http/routes.js";
import { createSdkHttpClient } from "../../emulator/http/sdkHttpClient.js";

describe("the direct SDK httpClient", () => {
  test("hands the route table the scheme, host and target the SDK's Node client would send", async () => {
    let seen: RouteRequest | undefined;
    const client = createSdkHttpClient(async (request) => {
      seen = request;
      return { status: 200, headers: { "content-type": "application/json", "x-ms-test": " a " }, body: "{}" };
    });
    const piece = fc.string({ unit: fc.constantFrom("a", "Z", "0", "-", "_", ".", ":", "=", "&", "%3A", "%2b", "%", "+", " ", "~", "/", "..", "é", "#"), maxLength: 8 });
    const host = fc.constantFrom("127.0.0.1:10010", "callsim.communication.azure.com", "Callsim.Communication.Azure.com", "x.test:443", "x.test:80");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("http", "https"), host, piece, piece, async (scheme, authority, path, query) => {
        const url = `${scheme}://${authority}/calling/${path}?api-version=2026-03-12&${query}`;
        const response = await client.sendRequest(createPipelineRequest({ url, method: "GET", headers: createHttpHeaders() }));
        const parsed = new URL(url);
        expect(seen).toMatchObject({ url: parsed.pathname + parsed.search, protocol: parsed.protocol.slice(0, -1), headers: { host: parsed.host } });
        expect(response.headers.get("X-MS-TEST")).toBe("a");
        expect(response.headers.toJSON()).toEqual({ "content-type": "application/json", "x-ms-test": "a" });
      }),
      { seed: 9, numRuns: 500 },
    );
  });
});
