/** How the Identity service refuses a request: which kind of failure, in the service's own codes. */
export type IdentityErrorKind = "validation" | "notFound" | "invalidAccessToken";

/**
 * A refusal of the Identity service. Its wire shape is `{"error":{"code","message","target"?}}`
 * with `code` as recorded (`ValidationError`, `InvalidAccessToken`); only the route table
 * turns the kind into a status.
 */
export class IdentityError extends Error {
  constructor(
    readonly kind: IdentityErrorKind,
    readonly code: string,
    message: string,
    /** The request field at fault, as the service names it (`Scopes`, `ExpiresInMinutes`). */
    readonly target?: string,
  ) {
    super(message);
    this.name = "IdentityError";
  }
}
