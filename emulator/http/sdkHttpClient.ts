import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
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
      const answer = { request, status: response.status, headers: createHttpHeaders(response.headers) };
      const body = response.body ?? "";
      // Recording downloads ask for a stream (streamResponseStatusCodes); everything else reads text.
      if (request.streamResponseStatusCodes?.has(response.status)) return { ...answer, readableStreamBody: Readable.from([Buffer.from(body)]) };
      return { ...answer, bodyAsText: typeof body === "string" ? body : new TextDecoder().decode(body) };
    },
  };
}
