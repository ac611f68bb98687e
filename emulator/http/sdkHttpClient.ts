import type { HttpClient, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import type { RouteRequest, RouteResponse } from "./routes.js";

/**
 * An SDK `httpClient` (CommonClientOptions.httpClient) that hands each request to the route
 * table in the same process: no socket, no interception. The SDK's own pipeline, HMAC
 * signing included, runs unchanged before it.
 */
export function createSdkHttpClient(handle: (request: RouteRequest) => Promise<RouteResponse>): HttpClient {
  // Loaded on first use: only in-process SDK clients need it, and the server starts faster without.
  let pipeline: Promise<typeof import("@azure/core-rest-pipeline")> | undefined;
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
      const { createHttpHeaders } = await (pipeline ??= import("@azure/core-rest-pipeline"));
      return { request, status: response.status, headers: createHttpHeaders(response.headers), bodyAsText: response.body ?? "" };
    },
  };
}
