import type { HttpClient, HttpHeaders, PipelineRequest, PipelineResponse, RawHttpHeaders } from "@azure/core-rest-pipeline";
import { Readable } from "node:stream";
import { splitUrl } from "./requestParts.js";
import type { RouteRequest, RouteResponse } from "./routes.js";

/**
 * An SDK `httpClient` (CommonClientOptions.httpClient) that hands each request to the route
 * table in the same process: no socket, no interception. The SDK's own pipeline, HMAC
 * signing included, runs unchanged before it.
 */
export function createSdkHttpClient(handle: (request: RouteRequest) => Promise<RouteResponse>): HttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const { protocol, host, target } = splitUrl(request.url);
      // toJSON() names the headers in lower case, as every transport hands them to the routes.
      const requestHeaders: Record<string, string> = request.headers.toJSON();
      requestHeaders.host ??= host;
      const response = await handle({
        method: request.method,
        url: target,
        headers: requestHeaders,
        rawBody: typeof request.body === "string" ? request.body : "",
        protocol,
      });
      const status = response.status;
      const headers = new ResponseHeaders(response.headers);
      const body = response.body ?? "";
      // Recording downloads ask for a stream (streamResponseStatusCodes); everything else reads text.
      if (request.streamResponseStatusCodes?.has(status)) return { request, status, headers, readableStreamBody: Readable.from([Buffer.from(body)]) };
      return { request, status, headers, bodyAsText: typeof body === "string" ? body : new TextDecoder().decode(body) };
    },
  };
}

/**
 * The SDK's `HttpHeaders` over a response's headers (callsim writes their names in lower
 * case). Written here rather than imported: loading core-rest-pipeline for this one helper
 * would cost the server a quarter of its start.
 */
class ResponseHeaders implements HttpHeaders {
  /** By lower-case name: each header with its name as it was set, as the SDK's own headers keep it. */
  private readonly entries = new Map<string, { name: string; value: string }>();

  constructor(raw: Record<string, string>) {
    for (const name in raw) this.set(name, raw[name]);
  }

  get(name: string): string | undefined {
    return this.entries.get(name.toLowerCase())?.value;
  }

  has(name: string): boolean {
    return this.entries.has(name.toLowerCase());
  }

  set(name: string, value: string | number | boolean): void {
    // As the SDK's headers do: values trimmed, CR and LF removed (no header folding).
    this.entries.set(name.toLowerCase(), { name, value: String(value).trim().replace(/[\r\n]/g, "") });
  }

  delete(name: string): void {
    this.entries.delete(name.toLowerCase());
  }

  toJSON(options?: { preserveCase?: boolean }): RawHttpHeaders {
    const json: RawHttpHeaders = {};
    for (const [key, entry] of this.entries) json[options?.preserveCase ? entry.name : key] = entry.value;
    return json;
  }

  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (const entry of this.entries.values()) yield [entry.name, entry.value];
  }
}
