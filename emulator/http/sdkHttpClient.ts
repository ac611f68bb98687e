import type { HttpClient, HttpHeaders, PipelineRequest, PipelineResponse, RawHttpHeaders } from "@azure/core-rest-pipeline";
import { Readable } from "node:stream";
import type { RouteRequest, RouteResponse } from "./routes.js";

/**
 * An SDK `httpClient` (CommonClientOptions.httpClient) that hands each request to the route
 * table in the same process: no socket, no interception. The SDK's own pipeline, HMAC
 * signing included, runs unchanged before it.
 */
export function createSdkHttpClient(handle: (request: RouteRequest) => Promise<RouteResponse>): HttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const url = new URL(request.url);
      const headers: Record<string, string> = {};
      for (const [name, value] of request.headers) headers[name.toLowerCase()] = value;
      headers.host ??= url.host;
      const response = await handle({
        method: request.method,
        url: url.pathname + url.search,
        headers,
        rawBody: typeof request.body === "string" ? request.body : "",
        protocol: url.protocol === "https:" ? "https" : "http",
      });
      const answer = { request, status: response.status, headers: responseHeaders(response.headers) };
      const body = response.body ?? "";
      // Recording downloads ask for a stream (streamResponseStatusCodes); everything else reads text.
      if (request.streamResponseStatusCodes?.has(response.status)) return { ...answer, readableStreamBody: Readable.from([Buffer.from(body)]) };
      return { ...answer, bodyAsText: typeof body === "string" ? body : new TextDecoder().decode(body) };
    },
  };
}

/**
 * The SDK's `HttpHeaders` over a response's headers (callsim writes their names in lower
 * case). Written here rather than imported: loading core-rest-pipeline for this one helper
 * would cost the server a quarter of its start.
 */
function responseHeaders(raw: Record<string, string>): HttpHeaders {
  const map = new Map<string, { name: string; value: string }>();
  const headers: HttpHeaders = {
    get: (name) => map.get(name.toLowerCase())?.value,
    has: (name) => map.has(name.toLowerCase()),
    set: (name, value) => void map.set(name.toLowerCase(), { name, value: String(value).trim().replace(/[\r\n]/g, "") }),
    delete: (name) => void map.delete(name.toLowerCase()),
    toJSON(options?: { preserveCase?: boolean }): RawHttpHeaders {
      const json: RawHttpHeaders = {};
      for (const [key, entry] of map) json[options?.preserveCase ? entry.name : key] = entry.value;
      return json;
    },
    *[Symbol.iterator](): IterableIterator<[string, string]> {
      for (const entry of map.values()) yield [entry.name, entry.value];
    },
  };
  for (const [name, value] of Object.entries(raw)) headers.set(name, value);
  return headers;
}
