import { decodeJwt } from "jose";

/** The claims of an access token, read by a standard JWT decoder (which refuses a malformed one). */
export function tokenClaims(token: string): Record<string, any> {
  return decodeJwt(token);
}

/** A base64url part of a JWT-shaped token: any JSON value, as a client or an attacker may send it. */
export function jwtPart(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** A JWT-shaped Entra ID token of a Teams user, as the exchange reads it (its signature is never checked). */
export function entraToken(payload: unknown): string {
  return `${jwtPart({ alg: "RS256", typ: "JWT" })}.${jwtPart(payload)}.c2lnbmF0dXJl`;
}
