import { SignJWT, type JWTPayload } from "jose";
import type { ForgeryKind } from "./forgeries.js";
import { CALLBACK_TOKEN_ALGORITHM, generatedKey, type SigningKey } from "./signingKeys.js";

/** A forgery that still carries a token (every kind but `noToken`). */
export type TokenForgery = Exclude<ForgeryKind, "noToken">;

/** What a token says and who signs it; {@link mintJwt} forges it as `kind` asks. */
export interface JwtPlan {
  /** The key the verifier's JWKS lists. */
  key: Promise<SigningKey>;
  issuer: string;
  audience: string;
  lifetimeS: number;
  /** Now, in seconds since the epoch, on the emulator's clock. */
  nowS: number;
  /** The other claims of the token (`jti`, `appid`, `roles`...). */
  claims: JWTPayload;
  /** Header members beside `alg`, `kid`, `typ` (Entra's `x5t`). */
  header?: (kid: string) => Record<string, string>;
  /** The issuer and audience a `wrongIssuer` or `wrongAudience` forgery carries. */
  forged: { issuer: string; audience: string };
}

// The key of "unknownKey" and "badSignature" forgeries: never in any JWKS callsim serves.
let rogueKey: Promise<SigningKey> | undefined;

/**
 * An RS256 JWT as `plan` says, or its forgery `kind`: issued two lifetimes ago (expired), for
 * another audience or issuer, signed by a key the JWKS lacks (`unknownKey`), or signed by that
 * key while naming the real key's `kid` (`badSignature`: the JWKS has the key, the signature
 * does not match it).
 */
export async function mintJwt(plan: JwtPlan, kind?: TokenForgery): Promise<string> {
  const issuedAt = kind === "expiredToken" ? plan.nowS - 2 * plan.lifetimeS : plan.nowS;
  const rogue = kind === "unknownKey" || kind === "badSignature";
  const signer = rogue ? await (rogueKey ??= generatedKey("forged-callback-key")) : await plan.key;
  const kid = kind === "badSignature" ? (await plan.key).jwk.kid : signer.jwk.kid;
  return new SignJWT(plan.claims)
    .setProtectedHeader({ alg: CALLBACK_TOKEN_ALGORITHM, typ: "JWT", kid, ...plan.header?.(kid) })
    .setIssuer(kind === "wrongIssuer" ? plan.forged.issuer : plan.issuer)
    .setAudience(kind === "wrongAudience" ? plan.forged.audience : plan.audience)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(issuedAt + plan.lifetimeS)
    .sign(signer.privateKey);
}
