import type { Clock } from "../clock.js";
import { formatEventTime } from "../clock.js";
import type { IdGenerator } from "../ids.js";
import { isAcsUserRawId } from "../identifierRules.js";
import { buildAccessToken, readTokenClaims, TOKEN_MINUTES } from "./accessToken.js";
import { IdentityError } from "./identityError.js";

/** Scopes a token may carry (CommunicationIdentityTokenScope in the 2023-10-01 spec). */
export const TOKEN_SCOPES = ["chat", "voip", "chat.join", "chat.join.limited", "voip.join"] as const;

/** Rule (assumed): what a Teams user's exchanged token grants; the service does not say which scopes it carries. */
const TEAMS_USER_SCOPES = ["voip", "chat"];

/**
 * Rule (assumed): the latest `exp` the Teams exchange reads, 9999-12-31T23:59:59Z, the last
 * instant an `expiresOn` can be written with a four-digit year; an exp past it, or before 1970,
 * is no time at all.
 */
const LAST_EXP_SECONDS = 253_402_300_799;

/** An ACS user of the emulated resource. */
export interface AcsUser {
  rawId: string;
  createdAt: number;
  /** Tokens issued before this instant are revoked. */
  revokedBefore?: number;
}

/** An access token as the service returns it. */
export interface AccessTokenModel {
  token: string;
  expiresOn: string;
}

/**
 * The Identity service of the emulated resource: ACS users of callsim's world (ids in the real
 * `8:acs:<resourceId>_<guid>` form) and their access tokens.
 * @see CommunicationIdentity_* in the Identity spec 2023-10-01
 */
export class IdentityDirectory {
  private readonly users = new Map<string, AcsUser>();

  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly resourceId: string,
  ) {}

  /** Creates a user, with a token when `createTokenWithScopes` names scopes. @see CommunicationIdentity_Create */
  create(request: { createTokenWithScopes?: unknown; expiresInMinutes?: unknown } = {}): { identity: { id: string }; accessToken?: AccessTokenModel } {
    const body = request ?? {};
    // Checked before the user exists: a refused request creates nobody.
    const scopes = body.createTokenWithScopes == null ? [] : checkScopes(body.createTokenWithScopes, "CreateTokenWithScopes");
    const minutes = checkMinutes(body.expiresInMinutes);
    const user: AcsUser = { rawId: `8:acs:${this.resourceId}_${this.ids.uuid()}`, createdAt: this.clock.now() };
    this.users.set(user.rawId, user);
    const result: { identity: { id: string }; accessToken?: AccessTokenModel } = { identity: { id: user.rawId } };
    if (scopes.length > 0) result.accessToken = this.token(user, scopes, minutes);
    return result;
  }

  /** Issues a token for an existing user. @see CommunicationIdentity_IssueAccessToken */
  issueAccessToken(id: string, request: { scopes?: unknown; expiresInMinutes?: unknown }): AccessTokenModel {
    const user = this.user(id);
    if (request.scopes == null) throw new IdentityError("validation", "ValidationError", "Scopes: The Scopes field is required.", "Scopes");
    const scopes = checkScopes(request.scopes, "Scopes");
    return this.token(user, scopes, checkMinutes(request.expiresInMinutes));
  }

  /** Revokes every token issued to the user so far. @see CommunicationIdentity_RevokeAccessTokens */
  revokeAccessTokens(id: string): void {
    this.user(id).revokedBefore = this.clock.now();
  }

  /**
   * Deletes the user and its tokens.
   * Rule (assumed): deleting a user that no longer exists answers 204 again, as deleting a
   * deleted room does (recorded for Rooms); the Identity service's answer is not recorded.
   * @see CommunicationIdentity_Delete
   */
  delete(id: string): void {
    checkUserId(id, this.resourceId);
    this.users.delete(id);
  }

  /**
   * Exchanges a Teams user's Entra ID token for an ACS token.
   * Rule (assumed): the Entra token is read, not verified: it must be JWT-shaped, unexpired,
   * with `oid` equal to userId and `appid` (or `azp`) equal to appId; anything else is 401
   * InvalidAccessToken, as recorded for an invalid token, with a message naming the check that failed.
   * @see CommunicationIdentity_ExchangeTeamsUserAccessToken
   */
  exchangeTeamsUserAccessToken(request: { token?: unknown; appId?: unknown; userId?: unknown }): AccessTokenModel {
    for (const field of ["token", "appId", "userId"] as const) {
      if (typeof request[field] !== "string") {
        const name = field[0].toUpperCase() + field.slice(1);
        throw new IdentityError("validation", "ValidationError", `${name}: The ${name} field is required.`, name);
      }
    }
    const { token, appId, userId } = request as { token: string; appId: string; userId: string };
    const claims = readTokenClaims(token);
    const problem = teamsTokenProblem(claims, userId, appId, this.clock.now());
    if (problem !== undefined) {
      throw new IdentityError("invalidAccessToken", "InvalidAccessToken", `Provided access token is not valid: ${problem}. callsim reads the Entra ID token's claims without verifying it.`);
    }
    const expiresAt = (claims!.exp as number) * 1000;
    const grant = { skypeId: `orgid:${userId}`, resourceId: this.resourceId, scopes: TEAMS_USER_SCOPES, issuedAt: this.clock.now(), expiresAt };
    return { token: buildAccessToken(this.ids, grant), expiresOn: formatEventTime(expiresAt) };
  }

  /** Whether `rawId` is a user created here and not deleted. */
  has(rawId: string): boolean {
    return this.users.has(rawId);
  }

  /** Every user that exists now, for the control plane (`GET /emulator/identities`). */
  list(): Array<{ rawId: string; createdAt: string; tokensRevokedAt?: string }> {
    return [...this.users.values()].map((user) => ({
      rawId: user.rawId,
      createdAt: formatEventTime(user.createdAt),
      ...(user.revokedBefore !== undefined ? { tokensRevokedAt: formatEventTime(user.revokedBefore) } : {}),
    }));
  }

  /** Forgets every user (the control plane's reset). */
  clear(): void {
    this.users.clear();
  }

  private user(id: string): AcsUser {
    checkUserId(id, this.resourceId);
    const user = this.users.get(id);
    if (!user) {
      throw new IdentityError("notFound", "IdentityNotFound", `Identity ${id} does not exist: it was never created on this resource or was deleted. Create one with createUser (POST /identities).`, "id");
    }
    return user;
  }

  private token(user: AcsUser, scopes: string[], minutes: number): AccessTokenModel {
    const issuedAt = this.clock.now();
    const expiresAt = issuedAt + minutes * 60_000;
    const token = buildAccessToken(this.ids, { skypeId: user.rawId.slice(2), resourceId: this.resourceId, scopes, issuedAt, expiresAt });
    return { token, expiresOn: formatEventTime(expiresAt) };
  }
}

function checkUserId(id: string, resourceId: string): void {
  if (!isAcsUserRawId(id)) {
    throw new IdentityError("validation", "ValidationError", `The identity id '${id}' is not valid: ACS user ids look like 8:acs:${resourceId}_<guid>, as createUser returns them.`, "id");
  }
}

/** Why an Entra ID token cannot be exchanged for userId and appId at `now`, or undefined when it can. */
function teamsTokenProblem(claims: Record<string, unknown> | undefined, userId: string, appId: string, now: number): string | undefined {
  if (!claims) return "it is not a JWT (three base64url parts, the second a JSON object of claims)";
  if (typeof claims.exp !== "number" || !(claims.exp >= 0 && claims.exp <= LAST_EXP_SECONDS)) return "it has no exp claim, a time in seconds from 1970 to 9999";
  if (!(claims.exp * 1000 > now)) return `it expired at ${formatEventTime(claims.exp * 1000)}`;
  if (claims.oid !== userId) return `its oid claim is ${JSON.stringify(claims.oid)}, not the userId ${JSON.stringify(userId)}`;
  const appClaim = claims.appid ?? claims.azp;
  if (appClaim !== appId) return `its appid (or azp) claim is ${JSON.stringify(appClaim)}, not the appId ${JSON.stringify(appId)}`;
  return undefined;
}

function checkScopes(value: unknown, target: string): string[] {
  if (!Array.isArray(value) || value.some((s) => typeof s !== "string")) {
    throw new IdentityError("validation", "ValidationError", `${target}: must be an array of scopes (${TOKEN_SCOPES.join(", ")}).`, target);
  }
  const unknown = value.find((s) => !(TOKEN_SCOPES as readonly string[]).includes(s));
  if (unknown !== undefined) {
    throw new IdentityError("validation", "ValidationError", `${target}: '${unknown}' is not a valid scope. Use ${TOKEN_SCOPES.join(", ")}.`, target);
  }
  return value as string[];
}

function checkMinutes(value: unknown): number {
  if (value == null) return TOKEN_MINUTES.default;
  if (typeof value !== "number" || !Number.isInteger(value) || value < TOKEN_MINUTES.min || value > TOKEN_MINUTES.max) {
    throw new IdentityError(
      "validation",
      "ValidationError",
      `ExpiresInMinutes value ${String(value)} is invalid. Value must be within the [${TOKEN_MINUTES.min}, ${TOKEN_MINUTES.max}] interval.`,
      "ExpiresInMinutes",
    );
  }
  return value;
}
