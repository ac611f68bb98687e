/**
 * An Event Grid webhook secured with Microsoft Entra ID, checking every delivery as Entra's
 * recipe says (Learn: "Deliver events to Microsoft Entra protected endpoints", "Access token
 * claims reference"): the `Authorization: Bearer` access token must be signed by a key of the
 * tenant's JWKS, issued by the tenant for this webhook's application, obtained by Event Grid's
 * application and carrying the role the setup scripts grant it. Anything else gets 401. It
 * answers the validation handshake once the token passes, and keeps the IncomingCall events.
 */
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";

/** Event Grid's application id in Entra (the setup scripts' `$eventGridAppId`). */
export const EVENT_GRID_APP_ID = "4962773b-9cdb-44cf-a8bf-237846a00ab7";
/** The app role the setup scripts assign to Event Grid (`$eventGridRoleName`). */
export const EVENT_GRID_ROLE = "AzureEventGridSecureWebhookSubscriber";

/** What the webhook needs to know. */
export interface SecureEventGridOptions {
  /** The Entra tenant of the webhook's application. */
  tenantId: string;
  /** The webhook application's id or Application ID URI: the tokens' audience. */
  audience: string;
  /** Where the tenant's v2.0 OpenID configuration is (default: Entra's). */
  openIdConfigurationUrl?: string;
  /** The time tokens are checked at (default: now); a test on a virtual clock passes that clock. */
  now?: () => Date;
}

/** Builds the webhook: `fetch` answers each Event Grid POST, `incomingCalls` lists the IncomingCall events let in. */
export function createSecureEventGridWebhook(options: SecureEventGridOptions) {
  const incomingCalls: Array<Record<string, any>> = [];
  let keys: Promise<{ issuer: string; jwks: JWTVerifyGetKey }> | undefined;
  const discover = async () => {
    const response = await fetch(options.openIdConfigurationUrl ?? `https://login.microsoftonline.com/${options.tenantId}/v2.0/.well-known/openid-configuration`);
    if (!response.ok) throw new Error(`OpenID configuration: ${response.status}`);
    const configuration = (await response.json()) as { issuer: string; jwks_uri: string };
    return { issuer: configuration.issuer, jwks: createRemoteJWKSet(new URL(configuration.jwks_uri)) };
  };

  /** True when `authorization` carries Event Grid's token for this webhook. */
  async function authorized(authorization: string): Promise<boolean> {
    if (!authorization.startsWith("Bearer ")) return false;
    try {
      const { issuer, jwks } = await (keys ??= discover().catch((error) => ((keys = undefined), Promise.reject(error))));
      const { payload } = await jwtVerify(authorization.slice("Bearer ".length), jwks, {
        issuer,
        audience: options.audience,
        algorithms: ["RS256"],
        ...(options.now ? { currentDate: options.now() } : {}),
      });
      return payload.azp === EVENT_GRID_APP_ID && Array.isArray(payload.roles) && payload.roles.includes(EVENT_GRID_ROLE);
    } catch {
      return false;
    }
  }

  async function fetchHandler(request: Request): Promise<Response> {
    if (!(await authorized(request.headers.get("authorization") ?? ""))) return new Response(null, { status: 401 });
    const events = (await request.json()) as Array<Record<string, any>>;
    const validation = events.find((e) => e.eventType === "Microsoft.EventGrid.SubscriptionValidationEvent");
    if (validation) return Response.json({ validationResponse: validation.data.validationCode });
    incomingCalls.push(...events.filter((e) => e.eventType === "Microsoft.Communication.IncomingCall"));
    return new Response(null, { status: 200 });
  }

  return { fetch: fetchHandler, incomingCalls };
}
