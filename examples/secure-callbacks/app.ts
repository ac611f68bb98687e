/**
 * A callback endpoint that checks every Call Automation callback by the docs' recipe ("How to
 * secure webhook endpoints and websocket connections"): the `Authorization: Bearer` JWT must be
 * signed by a key of the JWKS that the service's OpenID configuration names, issued by Call
 * Automation, for this resource's id, and within its lifetime. Anything else gets 401. It is
 * one web-standard fetch handler, so it runs under any framework, and in-process under callsim.
 */
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";

/** The service's OpenID configuration, hard-coded as the docs give it. */
export const OPENID_CONFIGURATION_URL = "https://acscallautomation.communication.azure.com/calling/.well-known/acsopenidconfiguration";

/** What the endpoint needs to know. */
export interface SecureCallbacksOptions {
  /** The ACS resource's immutable id: the tokens' audience. */
  audience: string;
  /** Where the OpenID configuration is (default: the service's). */
  openIdConfigurationUrl?: string;
  /** The time tokens are checked at (default: now); a test on a virtual clock passes that clock. */
  now?: () => Date;
}

/** Builds the endpoint: `fetch` answers each callback POST, `accepted` lists the events let in. */
export function createSecureCallbacks(options: SecureCallbacksOptions) {
  const accepted: Array<Record<string, any>> = [];
  let keys: Promise<{ issuer: string; jwks: JWTVerifyGetKey }> | undefined;
  // Discovery once: the configuration names the issuer and the JWKS; jose caches the keys.
  const discover = async () => {
    const response = await fetch(options.openIdConfigurationUrl ?? OPENID_CONFIGURATION_URL);
    if (!response.ok) throw new Error(`OpenID configuration: ${response.status}`);
    const configuration = (await response.json()) as { issuer: string; jwks_uri: string };
    return { issuer: configuration.issuer, jwks: createRemoteJWKSet(new URL(configuration.jwks_uri)) };
  };

  async function fetchHandler(request: Request): Promise<Response> {
    const authorization = request.headers.get("authorization") ?? "";
    if (!authorization.startsWith("Bearer ")) return new Response(null, { status: 401 });
    try {
      const { issuer, jwks } = await (keys ??= discover().catch((error) => ((keys = undefined), Promise.reject(error))));
      await jwtVerify(authorization.slice("Bearer ".length), jwks, {
        issuer,
        audience: options.audience,
        algorithms: ["RS256"],
        ...(options.now ? { currentDate: options.now() } : {}),
      });
    } catch {
      return new Response(null, { status: 401 });
    }
    accepted.push(...((await request.json()) as Array<Record<string, any>>));
    return new Response(null, { status: 200 });
  }

  return { fetch: fetchHandler, accepted };
}
