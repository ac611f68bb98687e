import { JWKS_PATH, OPENID_CONFIGURATION_PATH, type CallbackSigner } from "../delivery/callbackToken.js";
import { headerValue } from "./requestParts.js";
import type { RouteRequest, RouteResponse } from "./routes.js";

/**
 * The OpenID configuration and JWKS that verify callback tokens, at the service's paths:
 * `GET /calling/.well-known/acsopenidconfiguration` and the `jwks_uri` it names
 * (`/calling/keys`), on whatever host asked, so the real host
 * (`acscallautomation.communication.azure.com`, through msw or the HTTPS proxy) and callsim's
 * own endpoint both answer. Anonymous, as OpenID discovery is.
 */
export function createOpenIdRoutes(signer: CallbackSigner): (request: RouteRequest) => Promise<RouteResponse> | undefined {
  return (request) => {
    const path = request.url.split("?")[0];
    if (request.method !== "GET" || (path !== OPENID_CONFIGURATION_PATH && path !== JWKS_PATH)) return undefined;
    const origin = `${request.protocol}://${headerValue(request.headers, "host") ?? "localhost"}`;
    const document = path === JWKS_PATH ? signer.jwks() : Promise.resolve(signer.openIdConfiguration(origin));
    return document.then((body) => ({ status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) }));
  };
}
