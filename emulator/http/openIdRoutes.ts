import { JWKS_PATH, OPENID_CONFIGURATION_PATH, type CallbackSigner } from "../delivery/callbackToken.js";
import { headerValue, safeDecode } from "./requestParts.js";
import type { RouteRequest, RouteResponse } from "./routes.js";

/** A tenant's OpenID configuration on Entra's host: `/<tenant>/.well-known/...` (v1.0) or `/<tenant>/v2.0/.well-known/...`. */
const ENTRA_CONFIGURATION = /^\/([^/]+)\/(v2\.0\/)?\.well-known\/openid-configuration$/;
/** A tenant's keys on Entra's host: `/<tenant>/discovery/keys` (v1.0) or `/<tenant>/discovery/v2.0/keys`. */
const ENTRA_KEYS = /^\/[^/]+\/discovery\/(v2\.0\/)?keys$/;

/**
 * The OpenID configurations and JWKS that verify the tokens callsim sends, on whatever host
 * asked, so the real hosts (through msw or the HTTPS proxy) and callsim's own endpoint all
 * answer. Anonymous, as OpenID discovery is.
 * - Call Automation callbacks: the service's paths, `GET /calling/.well-known/acsopenidconfiguration`
 *   and the `jwks_uri` it names (`/calling/keys`), as on `acscallautomation.communication.azure.com`.
 * - Event Grid deliveries to Entra-protected webhooks: a tenant's configuration and keys at
 *   Entra's paths, as on `login.microsoftonline.com`, for any tenant.
 */
export function createOpenIdRoutes(signer: CallbackSigner): (request: RouteRequest) => Promise<RouteResponse> | undefined {
  return (request) => {
    if (request.method !== "GET") return undefined;
    const path = request.url.split("?")[0];
    const origin = () => `${request.protocol}://${headerValue(request.headers, "host") ?? "localhost"}`;
    if (path === OPENID_CONFIGURATION_PATH) return json(Promise.resolve(signer.openIdConfiguration(origin())));
    if (path === JWKS_PATH) return json(signer.jwks());
    const tenant = ENTRA_CONFIGURATION.exec(path);
    if (tenant) return json(Promise.resolve(signer.entra.openIdConfiguration(origin(), safeDecode(tenant[1]), tenant[2] ? 2 : 1)));
    if (ENTRA_KEYS.test(path)) return json(signer.entra.jwks());
    return undefined;
  };
}

function json(document: Promise<unknown>): Promise<RouteResponse> {
  return document.then((body) => ({ status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) }));
}
