/** How the Rooms service refuses a request. */
export type RoomsErrorKind = "badRequest" | "notFound";

/** One detail of a Rooms refusal, as recorded: `{ code: "BadArgument", message, target: "ValidUntil" }`. */
export interface RoomsErrorDetail {
  code: string;
  message: string;
  target?: string;
}

/** The message the Rooms service gives a request with bad arguments (recorded), its details saying which. */
export const MALFORMED_REQUEST_MESSAGE = "The request could not be understood by the server due to malformed syntax.";
/** The message the Rooms service gives for a room that does not exist (recorded). */
export const ROOM_NOT_FOUND_MESSAGE = "The server cannot find the requested resource.";

/**
 * A refusal of the Rooms service. Its wire shape is `{"error":{"code","message","details"?}}`
 * with `code` `BadRequest` or `NotFound` and the same code in `x-ms-error-code` (recorded in
 * the Python SDK's test recordings); only the route table turns the kind into a status.
 */
export class RoomsError extends Error {
  constructor(
    readonly kind: RoomsErrorKind,
    message: string,
    readonly details?: RoomsErrorDetail[],
  ) {
    super(message);
    this.name = "RoomsError";
  }
}

/** A bad argument, reported as the service does: the generic message, the field in a BadArgument detail. */
export function badArgument(target: string, message: string): RoomsError {
  return new RoomsError("badRequest", MALFORMED_REQUEST_MESSAGE, [{ code: "BadArgument", message, target }]);
}
