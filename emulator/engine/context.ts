import type { Clock } from "./clock.js";
import type { EventGrid } from "./eventGrid.js";
import type { AudioSource } from "./media/audio.js";
import { buildCallbackEvent, noteOf, participantModel, RESULT_OK, type CallbackCloudEvent, type CallbackEventName, type EventEnvelope } from "./events.js";
import { InjectedFaultError } from "./errors.js";
import { FaultTable, type Fault, type FaultableAction } from "./faults.js";
import type { IdGenerator } from "./ids.js";
import type { CallConnection, ServerCall } from "./model.js";
import type { Outbox } from "./outbox.js";
import type { RecordingStore } from "./recording/recordingStore.js";
import type { IdentityDirectory } from "./identity/identities.js";
import type { RoomDirectory } from "./rooms/rooms.js";
import { CallStore } from "./store.js";
import type { VariantTable } from "./variants.js";
import { World } from "./world.js";

/**
 * Rule (assumed): the service answers the REST call before it acts, so every outcome is
 * scheduled at least this far ahead; with it, an app normally sees the response first.
 */
export const SERVICE_LATENCY_MS = 0;

/** What every action works with. */
export interface EngineContext {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly store: CallStore;
  readonly world: World;
  readonly faults: FaultTable;
  readonly outbox: Outbox;
  /** The emulated resource's id (the part before `_` in its ACS user ids). */
  readonly resourceId: string;
  /** The identity the app has in calls it places or connects to. */
  readonly appIdentity: string;
  /** Event Grid subscriptions and publishing. */
  readonly eventGrid: EventGrid;
  /** Call recordings and their stored files. */
  readonly recordings: RecordingStore;
  /** ACS users and their tokens (the Identity service). */
  readonly identities: IdentityDirectory;
  /** Rooms and their participants (the Rooms service). */
  readonly rooms: RoomDirectory;
  /** Reads play files' audio, when fetching is enabled (none: the duration rule applies). */
  readonly audio?: AudioSource;
  /** Fits callback event data to the api-version it is sent for; `undefined` drops the event. */
  readonly shapeEvent?: EventShaper;
  /** Which of the recorded behaviours to send where real runs disagree, first-event orders included (engine/variants.ts). */
  readonly variants: VariantTable;
}

/**
 * Fits a callback event's `data` (built as the newest spec has it) to the connection's
 * api-version: `undefined` when that version has no such event.
 */
export type EventShaper = (apiVersion: string, name: CallbackEventName, data: Record<string, unknown>) => Record<string, unknown> | undefined;

/** Sends a built callback event to `destination`, fitted to its api-version. */
export function sendCallbackEvent(ctx: EngineContext, event: CallbackCloudEvent, name: CallbackEventName, envelope: EventEnvelope, destination: string): void {
  // Read before shaping, which may copy the data: the note is kept on the built result.
  const note = noteOf(event.data.resultInformation);
  const data = ctx.shapeEvent ? ctx.shapeEvent(envelope.apiVersion, name, event.data) : event.data;
  if (!data) return;
  event.data = data;
  ctx.outbox.enqueue(
    {
      id: event.id,
      type: event.type,
      channel: "callback",
      destination,
      callConnectionId: envelope.callConnectionId || undefined,
      serverCallId: envelope.serverCallId,
      event: event as unknown as Record<string, unknown>,
      note,
    },
    { "content-type": "application/json" },
  );
}

/** Runs `task` after `delayMs` on the engine's clock. */
export function after(ctx: EngineContext, delayMs: number, task: () => void, label?: string): void {
  ctx.clock.schedule(Math.max(SERVICE_LATENCY_MS, delayMs), task, label);
}

/**
 * Sends a callback event for `connection`, to `destination` when the action named an
 * operationCallbackUri. Nothing follows CallDisconnected (or a terminal *Failed) for a connection.
 */
export function emit(
  ctx: EngineContext,
  connection: CallConnection,
  name: CallbackEventName,
  fields: Record<string, unknown>,
  destination?: string,
): void {
  if (connection.disconnectedEmitted) return;
  const event = buildCallbackEvent(name, connection, fields, ctx.ids.uuid(), ctx.clock.now());
  if (name === "CallDisconnected") {
    connection.disconnectedEmitted = true;
    connection.state = "disconnected";
  }
  sendCallbackEvent(ctx, event, name, connection, destination ?? connection.callbackUri);
}

/**
 * Rule (REC-NET MuteParticipantTest, PlayMultipleFilesSourcesWithPlayMediaTest): a change to a
 * participant's media state (muted, or on hold for a play) moves the roster version by 2, so
 * the legs see 1, 3, 5; other roster changes move it by 1.
 */
export const MEDIA_STATE_VERSION_STEP = 2;

/** Who hears a roster change, and how far it moves the call's roster version. */
export interface RosterChange {
  /** Legs still connecting that hear it too (a leg that joins hears its first roster before CallConnected). */
  include?: CallConnection[];
  /** Only these legs hear it: the change is one the others cannot see. */
  only?: CallConnection[];
  /** How far the version moves (default 1). */
  step?: number;
}

/**
 * Sends the roster as it is now to each connected leg of `call` (see {@link RosterChange}).
 * `sequenceNumber` is the call's roster version, not a per-leg count: every leg sees the same
 * number for the same change, and a leg's numbers skip the changes it does not hear
 * (REC-NET: two legs got 1, 3, 5 for the same changes; a joining leg's first roster is 2).
 */
export function emitParticipantsUpdated(ctx: EngineContext, call: ServerCall, change: RosterChange = {}): void {
  const participants = [...call.participants.values()].map(participantModel);
  const legs = change.only ?? [...ctx.store.liveConnections(call).filter((c) => c.state !== "connecting"), ...(change.include ?? [])];
  call.sequenceNumber += change.step ?? 1;
  const fields = { participants, sequenceNumber: call.sequenceNumber, resultInformation: RESULT_OK };
  for (const connection of new Set(legs)) {
    // Stryker disable next-line ConditionalExpression: emit() sends nothing to a leg past its CallDisconnected, and a disconnecting leg is past it by the time the roster goes out
    if (connection.state === "disconnecting" || connection.state === "disconnected") continue;
    emit(ctx, connection, "ParticipantsUpdated", fields);
  }
}

/**
 * Takes a planted fault for `action`. A synchronous one is thrown here, before the action
 * changes anything; an asynchronous one is returned for the action to turn into its failure event.
 */
export function takeFault(ctx: EngineContext, action: FaultableAction): Fault | undefined {
  const fault = ctx.faults.take(action);
  if (fault && !fault.async) throw new InjectedFaultError(fault.status, fault.code, fault.message);
  return fault;
}
