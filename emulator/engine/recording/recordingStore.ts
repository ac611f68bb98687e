import { NotFoundError } from "../errors.js";
import type { Recording, RecordingDocument } from "./model.js";

/** Recordings and the files they left, by id. Lookups that fail raise NotFoundError. */
export class RecordingStore {
  constructor(
    /** Scheme and host of the locations in RecordingFileStatusUpdated. */
    readonly storageOrigin: string,
  ) {}

  readonly recordings = new Map<string, Recording>();
  readonly documents = new Map<string, RecordingDocument>();

  clear(): void {
    this.recordings.clear();
    this.documents.clear();
  }

  /** A recording that has not stopped; 404 for an unknown or stopped one. */
  live(recordingId: string): Recording {
    const recording = this.recordings.get(recordingId);
    if (!recording) {
      throw new NotFoundError(`Recording ${recordingId} was not found. Use the recordingId returned by StartRecording.`, "recordingId");
    }
    if (recording.stopped) {
      throw new NotFoundError(`Recording ${recordingId} has stopped. Start a new recording; its files are announced by RecordingFileStatusUpdated.`, "recordingId");
    }
    return recording;
  }

  /** The recording of `serverCallId` that has not stopped yet, if any. */
  liveOfCall(serverCallId: string): Recording | undefined {
    return [...this.recordings.values()].find((r) => r.serverCallId === serverCallId && !r.stopped);
  }

  /** A stored file that was not deleted; 404 otherwise. */
  document(documentId: string): RecordingDocument {
    const document = this.documents.get(documentId);
    if (!document || document.deleted) {
      throw new NotFoundError(
        document
          ? `Recording file ${documentId} was deleted.`
          : `Recording file ${documentId} was not found. Use a contentLocation or metadataLocation from a RecordingFileStatusUpdated event.`,
        "documentId",
      );
    }
    return document;
  }
}
