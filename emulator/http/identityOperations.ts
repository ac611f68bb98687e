import { IdentityError, type IdentityErrorKind } from "../engine/identity/identityError.js";
import { commonErrorParts, dataPlaneOperation as op, type DataPlaneOperation, type DataPlaneService } from "./dataPlaneRoutes.js";

/**
 * api-versions the published @azure/communication-identity releases send: 1.0.0 2021-03-07,
 * 1.1.0 2022-06-01, 1.2.0 2022-10-01, 1.3.x 2023-10-01 (their generated clients), and the
 * stable 2023-08-01 between them.
 */
export const IDENTITY_API_VERSIONS = ["2023-10-01", "2023-08-01", "2022-10-01", "2022-06-01", "2021-03-07"] as const;

/** Versions before expiresInMinutes existed (added in 2022-10-01): their tokens last the default 24 h. */
const WITHOUT_EXPIRES_IN_MINUTES = new Set(["2021-03-07", "2022-06-01"]);

const IDENTITY = "^/identities/([^/]+)";

/**
 * The Identity operations, each a pattern and a line that calls the engine.
 * @see specification/communication/data-plane/Identity/stable/2023-10-01 in Azure/azure-rest-api-specs
 */
const OPERATIONS: DataPlaneOperation[] = [
  op("CommunicationIdentity_Create", "POST", "^/identities$", ({ engine, body, apiVersion }) => ({ status: 201, body: engine.identities.create(versioned(body, apiVersion)) })),
  op("CommunicationIdentity_Delete", "DELETE", `${IDENTITY}$`, ({ engine, params }) => (engine.identities.delete(params[0]), { status: 204 })),
  op("CommunicationIdentity_RevokeAccessTokens", "POST", `${IDENTITY}/:revokeAccessTokens$`, ({ engine, params }) => (engine.identities.revokeAccessTokens(params[0]), { status: 204 })),
  op("CommunicationIdentity_IssueAccessToken", "POST", `${IDENTITY}/:issueAccessToken$`, ({ engine, params, body, apiVersion }) => ({
    status: 200,
    body: engine.identities.issueAccessToken(params[0], versioned(body, apiVersion) ?? {}),
  })),
  op("CommunicationIdentity_ExchangeTeamsUserAccessToken", "POST", "^/teamsUser/:exchangeAccessToken$", ({ engine, body }) => ({
    status: 200,
    body: engine.identities.exchangeTeamsUserAccessToken(body ?? {}),
  })),
];

const STATUS: Record<IdentityErrorKind, number> = { validation: 400, notFound: 404, invalidAccessToken: 401 };

/** The Identity service on the resource's endpoint: errors as `{"error":{"code","message","target"?}}`. */
export const IDENTITY_SERVICE: DataPlaneService = {
  name: "Identity",
  owns: /^\/(identities|teamsUser)(\/|$)/,
  apiVersions: IDENTITY_API_VERSIONS,
  operations: OPERATIONS,
  renderError(error) {
    if (error instanceof IdentityError) {
      return { status: STATUS[error.kind], body: { error: { code: error.code, message: error.message, ...(error.target ? { target: error.target } : {}) } } };
    }
    const { status, code, message, target, headers } = commonErrorParts(error);
    return { status, body: { error: { code, message, ...(target ? { target } : {}) } }, headers };
  },
};

/** The body as its api-version knows it: fields that version does not have are dropped. */
function versioned(body: Record<string, unknown> | undefined, apiVersion: string): Record<string, unknown> | undefined {
  if (!body || !WITHOUT_EXPIRES_IN_MINUTES.has(apiVersion)) return body;
  const { expiresInMinutes: _dropped, ...known } = body;
  return known;
}
