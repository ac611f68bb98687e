import type { Engine } from "../engine/engine.js";
import type { RecordingFilePart } from "../engine/recording/recordingFiles.js";
import { verifyHmacRequest } from "./auth.js";
import { errorResponse, HttpError } from "./errors.js";
import type { RouteRequest, RouteResponse } from "./routes.js";
import { headerValue, safeDecode } from "./requestParts.js";

/** Options of the recording storage routes. */
export interface RecordingContentRoutesOptions {
  engine: Engine;
  accessKey: string;
  loose: boolean;
  /** Wall-clock time for x-ms-date checks. */
  now: () => number;
}

const OBJECT = /^\/v1\/objects\/([^/]+)(?:\/content\/(audio|video|acsmetadata))?$/;

/**
 * Recording storage: the contentLocation, metadataLocation and deleteLocation of
 * RecordingFileStatusUpdated. GET a part (a `Range` header gives 206), DELETE the object (200,
 * which is what the SDK's `delete` expects). HMAC as the SDK signs these: over the endpoint's
 * host, named in `x-ms-host`, while the request goes to the storage host.
 */
export function createRecordingContentRoutes(options: RecordingContentRoutesOptions): (request: RouteRequest) => RouteResponse | undefined {
  return (request) => {
    const path = request.url.split("?")[0];
    const match = OBJECT.exec(path);
    if (!match) return undefined;
    const [, documentId, part] = match;
    try {
      if (!options.loose) {
        const host = request.headers["x-ms-host"] ?? request.headers.host;
        const auth = verifyHmacRequest({ ...request, headers: { ...request.headers, host } }, options.accessKey, options.now());
        if (!auth.ok) throw new HttpError("unauthorized", auth.message);
      }
      if (request.method === "DELETE" && !part) {
        options.engine.deleteRecordingFile(safeDecode(documentId));
        return { status: 200, headers: {} };
      }
      if (request.method !== "GET" || !part) {
        throw new HttpError("methodNotAllowed", `${request.method} is not allowed on ${path}. GET …/content/audio or …/content/acsmetadata; DELETE the object itself.`);
      }
      const file = options.engine.recordingFile(safeDecode(documentId), part as RecordingFilePart);
      return ranged(file.bytes, file.contentType, headerValue(request.headers, "range"));
    } catch (error) {
      const { status, body } = errorResponse(error);
      // The SDK reads `status` and `message` from a failed download's JSON; the service's error object rides along.
      return { status, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify({ ...body, status, message: body.error.message }) };
    }
  };
}

/** The whole file (200), or the part a `bytes=start-end` range asks for (206). */
function ranged(bytes: Uint8Array, contentType: string, range: string | undefined): RouteResponse {
  const total = bytes.byteLength;
  const m = range ? /^bytes=(\d+)-(\d*)$/.exec(range.trim()) : null;
  if (!m) return { status: 200, headers: { "content-type": contentType, "content-length": String(total) }, body: bytes };
  const start = Number(m[1]);
  // The last byte asked for, at most the file's last: an open range (`bytes=10-`) runs to it.
  const end = m[2] ? Math.min(total - 1, Number(m[2])) : total - 1;
  // A start at or past the end of the file leaves end < start too.
  if (end < start) {
    return { status: 416, headers: { "content-range": `bytes */${total}` } };
  }
  return {
    status: 206,
    headers: { "content-type": contentType, "content-length": String(end - start + 1), "content-range": `bytes ${start}-${end}/${total}` },
    body: bytes.subarray(start, end + 1),
  };
}

