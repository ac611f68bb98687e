import type { Clock } from "./clock.js";
import type { EventGrid } from "./eventGrid.js";
import type { AudioSource } from "./media/audio.js";
import { buildCallbackEvent, noteOf, participantModel, RESULT_OK, type CallbackEventName } from "./events.js";
import { InjectedFaultError } from "./errors.js";
import { FaultTable, type Fault, type FaultableAction } from "./faults.js";
import type { IdGenerator } from "./ids.js";
import type { CallConnection, ServerCall } from "./model.js";
import type { Outbox } from "./outbox.js";
import type { RecordingStore } from "./recording/recordingStore.js";
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
  /** Reads play files' audio, when fetching is enabled (none: the duration rule applies). */
  readonly audio?: AudioSource;
  /** Which of the recorded behaviours to send where real runs disagree (engine/variants.ts). */
  readonly variants: VariantTable;
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
  ctx.outbox.enqueue(
    {
      id: event.id,
      type: event.type,
      channel: "callback",
      destination: destination ?? connection.callbackUri,
      callConnectionId: connection.callConnectionId,
      serverCallId: connection.serverCallId,
      event: event as unknown as Record<string, unknown>,
      note: noteOf(fields.resultInformation),
    },
    { "content-type": "application/json" },
  );
}

/** Sends each live connection of `call` the roster as it is now, numbered across the call. */
export function emitParticipantsUpdated(ctx: EngineContext, call: ServerCall): void {
  const participants = [...call.participants.values()].map(participantModel);
  for (const connection of ctx.store.liveConnections(call)) {
    if (connection.state === "connecting" || connection.state === "disconnecting" || connection.state === "disconnected") continue;
    call.sequenceNumber += 1;
    emit(ctx, connection, "ParticipantsUpdated", { participants, sequenceNumber: call.sequenceNumber, resultInformation: RESULT_OK });
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
