import type { IdGenerator } from "../ids.js";
import { base64Url, base64UrlBytes } from "../ids.js";

/** Token lifetimes the service accepts, in minutes; unset means the longest (spec: default 1440). */
export const TOKEN_MINUTES = { min: 60, max: 1440, default: 1440 } as const;

/**
 * Rule (assumed): every token carries `scp: 1792`, the value in the recorded token of the
 * Python SDK's identity tests; what the number encodes is not documented.
 */
export const TOKEN_SCP = 1792;

/** What an access token is issued for. */
export interface TokenGrant {
  /** `acs:<resource>_<user>` for an ACS user (its rawId without `8:`), `orgid:<oid>` for a Teams user. */
  skypeId: string;
  resourceId: string;
  scopes: readonly string[];
  issuedAt: number;
  expiresAt: number;
}

/**
 * A JWT-shaped access token with the claims a real one carries (recorded, sanitized, in the
 * Python SDK's identity test helper): `skypeid`, `scp`, `csi`, `exp`, `acsScope`, `resourceId`,
 * `iat`. Clients read `exp` to know when to refresh (communication-common's token credential).
 * The signature is seeded noise: nothing outside callsim can verify it, as with real tokens
 * without the service's keys.
 */
export function buildAccessToken(ids: IdGenerator, grant: TokenGrant): string {
  const iat = Math.floor(grant.issuedAt / 1000);
  const header = { alg: "RS256", kid: "callsim-1", x5t: base64Url(ids.uuid()).slice(0, 27), typ: "JWT" };
  const claims = {
    skypeid: grant.skypeId,
    scp: TOKEN_SCP,
    csi: String(iat),
    exp: Math.floor(grant.expiresAt / 1000),
    acsScope: grant.scopes.join(","),
    resourceId: grant.resourceId,
    iat,
  };
  // 256 seeded bytes, the length of an RS256 signature, from the hex digits of 16 ids.
  const hex = Array.from({ length: 16 }, () => ids.uuid().replace(/-/g, "")).join("");
  const signature = base64UrlBytes(Uint8Array.from(hex.match(/../g)!, (byte) => Number.parseInt(byte, 16)));
  return `${base64Url(JSON.stringify(header))}.${base64Url(JSON.stringify(claims))}.${signature}`;
}

/** The claims of a JWT-shaped token, or undefined when it is not one (no signature check). */
export function readTokenClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const json = atob(parts[1].replace(/-/g, "+").replace(/_/g, "/"));
    const claims: unknown = JSON.parse(json);
    return claims && typeof claims === "object" && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    // Not base64url JSON: no claims.
  }
  return undefined;
}
