import { createHash, randomUUID } from "node:crypto";
import type { JWK } from "jose";
import type { EntraDeliveryAuth } from "../engine/eventGridAuth.js";
import { mintJwt, type TokenForgery } from "./mintJwt.js";
import { CALLBACK_TOKEN_ALGORITHM, generatedKey, loadKey, type SigningKey } from "./signingKeys.js";

/**
 * Event Grid's own application in Microsoft Entra ID: the client that asks Entra for the token
 * it delivers with (`appid` of v1.0 tokens, `azp` of v2.0 ones). Learn, "Deliver events to
 * Microsoft Entra protected endpoints", the PowerShell scripts: `$eventGridAppId`.
 */
export const EVENT_GRID_APP_ID = "4962773b-9cdb-44cf-a8bf-237846a00ab7";
/**
 * The app role those scripts create on the webhook's application and assign to Event Grid's
 * service principal (`$eventGridRoleName`): Entra puts it in the token's `roles`.
 */
export const EVENT_GRID_WEBHOOK_ROLE = "AzureEventGridSecureWebhookSubscriber";
/** Where Microsoft Entra ID publishes tenants' OpenID configurations and keys. */
export const ENTRA_AUTHORITY = "https://login.microsoftonline.com";
/**
 * Rule (assumed): a token lives 60 minutes. Entra gives access tokens a random lifetime of 60
 * to 90 minutes (Learn, "Configurable token lifetimes"); callsim takes the shortest.
 */
export const ENTRA_TOKEN_LIFETIME_S = 3600;

/** The issuer of a tenant's tokens: `https://sts.windows.net/<tenant>/` (v1.0) or `.../<tenant>/v2.0` (v2.0). */
export function entraIssuer(tenantId: string, version: 1 | 2 = 1): string {
  return version === 2 ? `${ENTRA_AUTHORITY}/${tenantId}/v2.0` : `https://sts.windows.net/${tenantId}/`;
}

/**
 * Rule (assumed): the object id of Event Grid's service principal in a tenant (`oid`, `sub`),
 * derived from the tenant so that it is stable; the real one is the tenant's own.
 */
export function eventGridPrincipalId(tenantId: string): string {
  const hex = createHash("sha256").update(`Microsoft.EventGrid/${tenantId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Issuer tenant of `wrongIssuer` forgeries: another tenant, whose tokens Entra signs with the same keys. */
const FORGED_TENANT = "0f0f0f0f-0000-4000-8000-00000000e0e0";
/** Audience of `wrongAudience` forgeries: another application's id. */
const FORGED_APPLICATION = "0f0f0f0f-0000-4000-8000-00000000a0a0";

// One pair per process, kept in the temp directory as the callback key is.
let generatedEntraKey: Promise<SigningKey> | undefined;

/**
 * Signs Event Grid deliveries to Entra-protected webhooks as Event Grid does: the access token
 * it gets from Entra for the subscription's tenant and application, in `Authorization: Bearer`.
 * Serves the tenant's OpenID configurations (v1.0 and v2.0) and the JWKS that verify them.
 * @see https://learn.microsoft.com/azure/event-grid/secure-webhook-delivery
 */
export function createEntraSigner(options: { now: () => number; privateKeyPem?: string }) {
  const key = options.privateKeyPem ? loadKey(options.privateKeyPem) : (generatedEntraKey ??= generatedKey("entra-signing-key"));
  key.catch(() => undefined);

  /** The access token Event Grid delivers with for `auth`, or the forgery `kind` of one. */
  function token(auth: EntraDeliveryAuth, kind?: TokenForgery): Promise<string> {
    const tenant = auth.azureActiveDirectoryTenantId;
    const version = auth.accessTokenAcceptedVersion ?? 1;
    const principal = eventGridPrincipalId(tenant);
    const common = { oid: principal, sub: principal, tid: tenant, roles: [EVENT_GRID_WEBHOOK_ROLE], uti: randomUUID().replace(/-/g, ""), ver: `${version}.0` };
    // v1.0 names the client `appid` and says how it signed in with `appidacr` (2: a certificate); v2.0 says `azp`, `azpacr`.
    const client = version === 2 ? { azp: EVENT_GRID_APP_ID, azpacr: "2" } : { appid: EVENT_GRID_APP_ID, appidacr: "2", idp: entraIssuer(tenant) };
    return mintJwt(
      {
        key,
        issuer: entraIssuer(tenant, version),
        audience: auth.azureActiveDirectoryApplicationIdOrUri,
        lifetimeS: ENTRA_TOKEN_LIFETIME_S,
        nowS: Math.floor(options.now() / 1000),
        claims: { ...client, ...common },
        // v1.0 tokens repeat the key's id as `x5t` (Learn, "Access token claims reference").
        header: (kid): Record<string, string> => (version === 1 ? { x5t: kid } : {}),
        forged: { issuer: entraIssuer(FORGED_TENANT, version), audience: FORGED_APPLICATION },
      },
      kind,
    );
  }

  return {
    token,
    /** The JWKS of every tenant: Entra signs all tenants' tokens with the same keys. */
    jwks: async (): Promise<{ keys: JWK[] }> => ({ keys: [{ ...(await key).jwk }] }),
    /**
     * A tenant's OpenID configuration in Entra's shape (the members a validating library reads):
     * v2.0 at `/<tenant>/v2.0/.well-known/openid-configuration`, v1.0 at `/<tenant>/.well-known/openid-configuration`.
     */
    openIdConfiguration: (origin: string, tenantId: string, version: 1 | 2) => ({
      issuer: entraIssuer(tenantId, version),
      jwks_uri: `${origin}/${tenantId}/discovery/${version === 2 ? "v2.0/" : ""}keys`,
      token_endpoint: `${origin}/${tenantId}/oauth2/${version === 2 ? "v2.0/" : ""}token`,
      authorization_endpoint: `${origin}/${tenantId}/oauth2/${version === 2 ? "v2.0/" : ""}authorize`,
      response_types_supported: ["code", "id_token", "code id_token", "token id_token", "token"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: [CALLBACK_TOKEN_ALGORITHM],
      tenant_region_scope: "NA",
      cloud_instance_name: "microsoftonline.com",
    }),
  };
}

/** A signer made by {@link createEntraSigner}. */
export type EntraSigner = ReturnType<typeof createEntraSigner>;
