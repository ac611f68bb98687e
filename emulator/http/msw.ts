import { http, HttpResponse, type HttpHandler } from "msw";
import { splitUrl } from "./requestParts.js";
import type { RouteRequest, RouteResponse } from "./routes.js";

/**
 * Hosts the handlers intercept by default: any ACS resource endpoint, the recording storage
 * hosts the SDK downloads recordings from, and Microsoft Entra ID's login host, whose OpenID
 * configurations verify Event Grid's tokens to secured webhooks.
 */
export const ACS_HOST_PATTERN = /^https?:\/\/([^/]+\.(communication\.azure\.com|asm\.skype\.com)|login\.microsoftonline\.com)(:\d+)?\//;

/**
 * msw handlers over the route table: they intercept the endpoint of the connection string the
 * app already uses, so its unchanged client works in-process.
 */
export function createMswHandlers(handle: (request: RouteRequest) => Promise<RouteResponse>, hosts: RegExp = ACS_HOST_PATTERN): HttpHandler[] {
  return [
    http.all(hosts, async ({ request }) => {
      const { protocol, host, target } = splitUrl(request.url);
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => (headers[name] = value));
      headers.host ??= host;
      const response = await handle({
        method: request.method,
        url: target,
        headers,
        rawBody: await request.text(),
        protocol,
      });
      return new HttpResponse(response.body ?? null, { status: response.status, headers: response.headers });
    }),
  ];
}
