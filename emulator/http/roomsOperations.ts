import { RoomsError, type RoomsErrorKind } from "../engine/rooms/roomsError.js";
import type { RoomRole } from "../engine/rooms/roomRequests.js";
import type { RoomModel } from "../engine/rooms/rooms.js";
import { commonErrorParts, dataPlaneOperation as op, type DataPlaneOperation, type DataPlaneService } from "./dataPlaneRoutes.js";

/**
 * api-versions the published @azure/communication-rooms releases send: 1.0.0 2023-06-14,
 * 1.1.0-beta.1 2023-10-30-preview, 1.1.0 2024-04-15, 1.2.0 2025-03-13 (their generated clients).
 */
export const ROOMS_API_VERSIONS = ["2025-03-13", "2024-04-15", "2023-10-30-preview", "2023-06-14"] as const;

/**
 * What an older version's spec does not have: pstnDialOutEnabled came with 2023-10-30-preview,
 * the Collaborator role with 2025-03-13 (and so in the SDKs that send them).
 */
const VERSION_GAPS: Record<string, { fields: Array<keyof RoomModel>; roles: RoomRole[] }> = {
  "2024-04-15": { fields: [], roles: ["Collaborator"] },
  "2023-10-30-preview": { fields: [], roles: ["Collaborator"] },
  "2023-06-14": { fields: ["pstnDialOutEnabled"], roles: ["Collaborator"] },
};

const ROOM = "^/rooms/([^/]+)";

/**
 * The Rooms operations, each a pattern and a line that calls the engine.
 * @see specification/communication/data-plane/Rooms/stable/2025-03-13 in Azure/azure-rest-api-specs
 */
const OPERATIONS: DataPlaneOperation[] = [
  {
    operationId: "Rooms_Create",
    method: "POST",
    pattern: /^\/rooms$/,
    repeatable: true,
    handle: ({ engine, body, apiVersion }) => {
      const room = engine.rooms.create(versioned(body, apiVersion));
      // Recorded: the Location header carries the new room's id.
      return { status: 201, body: shaped(room, apiVersion), headers: { location: room.id } };
    },
  },
  op("Rooms_List", "GET", "^/rooms$", ({ engine, apiVersion }) => ({ status: 200, body: { value: engine.rooms.list().map((room) => shaped(room, apiVersion)) } })),
  op("Rooms_Get", "GET", `${ROOM}$`, ({ engine, params, apiVersion }) => ({ status: 200, body: shaped(engine.rooms.get(params[0]), apiVersion) })),
  op("Rooms_Update", "PATCH", `${ROOM}$`, ({ engine, params, body, apiVersion }) => ({ status: 200, body: shaped(engine.rooms.update(params[0], versioned(body, apiVersion)), apiVersion) })),
  op("Rooms_Delete", "DELETE", `${ROOM}$`, ({ engine, params }) => (engine.rooms.delete(params[0]), { status: 204 })),
  op("Participants_List", "GET", `${ROOM}/participants$`, ({ engine, params }) => ({ status: 200, body: { value: engine.rooms.participants(params[0]) } })),
  op("Participants_Update", "PATCH", `${ROOM}/participants$`, ({ engine, params, body, apiVersion }) => ({
    status: 200,
    body: engine.rooms.updateParticipants(params[0], versioned(body, apiVersion) ?? {}),
  })),
];

const STATUS: Record<RoomsErrorKind, { status: number; code: string }> = { badRequest: { status: 400, code: "BadRequest" }, notFound: { status: 404, code: "NotFound" } };

/**
 * The Rooms service on the resource's endpoint: errors as `{"error":{"code","message","details"?}}`
 * with the code in `x-ms-error-code` too (recorded).
 */
export const ROOMS_SERVICE: DataPlaneService = {
  name: "Rooms",
  owns: /^\/rooms(\/|$)/,
  apiVersions: ROOMS_API_VERSIONS,
  operations: OPERATIONS,
  renderError(error) {
    if (error instanceof RoomsError) {
      const { status, code } = STATUS[error.kind];
      return { status, body: { error: { code, message: error.message, ...(error.details ? { details: error.details } : {}) } }, headers: { "x-ms-error-code": code } };
    }
    const { status, code, message, target, headers } = commonErrorParts(error);
    return { status, body: { error: { code, message, ...(target ? { target } : {}) } }, headers: { ...headers, "x-ms-error-code": code } };
  },
};

/** The model as its api-version's spec has it. */
function shaped(room: RoomModel, apiVersion: string): Partial<RoomModel> {
  const absent = VERSION_GAPS[apiVersion]?.fields;
  if (!absent?.length) return room;
  const copy: Partial<RoomModel> = { ...room };
  for (const field of absent) delete copy[field];
  return copy;
}

/**
 * A request as its api-version knows it: fields that version does not have are dropped, and a
 * role it does not have is refused as the service refuses an unknown role.
 */
function versioned(body: Record<string, unknown> | undefined, apiVersion: string): Record<string, unknown> | undefined {
  const gaps = VERSION_GAPS[apiVersion];
  if (!body || !gaps) return body;
  // Participants of any other shape have no role to refuse here: the engine refuses their shape.
  const unknown = Object.entries(body.participants ?? {}).find(([, p]) => gaps.roles.includes((p as { role?: RoomRole } | null)?.role as RoomRole));
  if (unknown) {
    throw new RoomsError("badRequest", "Invalid value for the Participants.", [
      { code: "BadArgument", message: `The role ${(unknown[1] as { role: string }).role} of ${unknown[0]} does not exist in api-version ${apiVersion}; it came with 2025-03-13.`, target: "Participants" },
    ]);
  }
  const copy = { ...body };
  for (const field of gaps.fields) delete copy[field];
  return copy;
}
