import { after, emit, type EngineContext } from "../context.js";
import type { CallbackEventName } from "../events.js";
import type { CallConnection } from "../model.js";
import { existingMedia, mediaOf, type MediaOperation } from "./mediaState.js";

/**
 * Puts a play or recognize operation in the connection's queue: operations run one at a time
 * in the order they were asked for (DOC: media operations are queued). With
 * `interruptCallMediaOperation` it barges in: the running operation is canceled and the new
 * one runs at once, ahead of those still queued (assumed: queued ones stay queued).
 */
export function enqueue(ctx: EngineContext, connection: CallConnection, operation: MediaOperation, interrupt: boolean): void {
  const { queue } = mediaOf(connection);
  if (interrupt && queue.length > 0) {
    const running = queue.shift()!;
    stop(ctx, running);
    after(ctx, 0, () => running.canceled());
  }
  if (interrupt) queue.unshift(operation);
  else queue.push(operation);
  if (queue[0] === operation) after(ctx, 0, () => begin(operation));
}

/** The running operation is done: the next one starts. */
export function finish(ctx: EngineContext, connection: CallConnection, operation: MediaOperation): void {
  const { queue } = mediaOf(connection);
  stop(ctx, operation);
  const index = queue.indexOf(operation);
  // Stryker disable next-line ConditionalExpression: a guard no caller reaches: only the running operation finishes, and it is the queue's head (begin starts only the head; an interrupt, cancelAll and stopMedia take the running one out and stop it, its timers with it)
  if (index >= 0) queue.splice(index, 1);
  // Stryker disable next-line ConditionalExpression: as above, the finishing operation was the head
  if (index !== 0) return;
  const next = queue[0];
  if (next) after(ctx, 0, () => begin(next));
}

/** Cancels every queued and running operation, each with its *Canceled event. @see CallMedia_CancelAllMediaOperations */
export function cancelAll(ctx: EngineContext, connection: CallConnection): MediaOperation[] {
  const { queue } = mediaOf(connection);
  const canceled = queue.splice(0);
  for (const operation of canceled) stop(ctx, operation);
  after(ctx, 0, () => canceled.forEach((operation) => operation.canceled()));
  return canceled;
}

/** Sends a media event for `connection`, unless the connection has ended meanwhile. */
export function emitMedia(ctx: EngineContext, connection: CallConnection, name: CallbackEventName, fields: Record<string, unknown>, callbackUri?: string): void {
  if (connection.state === "disconnected" || connection.state === "disconnecting") return;
  emit(ctx, connection, name, fields, callbackUri);
}

function begin(operation: MediaOperation): void {
  if (operation.state !== "queued") return;
  operation.state = "running";
  operation.start();
}

function stop(ctx: EngineContext, operation: MediaOperation): void {
  operation.state = "done";
  for (const timer of operation.timers.splice(0)) ctx.clock.cancel(timer);
}

/** The call connection has ended: its media operations stop without events (nothing follows CallDisconnected). */
export function stopMedia(ctx: EngineContext, connection: CallConnection): void {
  const media = existingMedia(connection);
  if (!media) return;
  for (const operation of media.queue.splice(0)) {
    stop(ctx, operation);
    operation.stopped?.();
  }
  media.continuousDtmf.clear();
  media.transcription.state = "inactive";
  media.mediaStreaming.state = "inactive";
}
