import { createCall, type CreateCallRequest } from "./actions/createCall.js";
import { connectCall, type ConnectRequest } from "./actions/connect.js";
import { hangUp, terminateCall } from "./actions/hangUp.js";
import { answerCall, placeIncomingCall, redirectCall, rejectCall, type AnswerCallRequest, type IncomingCallInput } from "./actions/incomingCall.js";
import {
  addParticipant,
  cancelAddParticipant,
  getParticipant,
  listParticipants,
  muteParticipants,
  removeParticipant,
  type AddParticipantRequest,
} from "./actions/participants.js";
import {
  deleteRecordingFile,
  getRecordingState,
  pauseRecording,
  resumeRecording,
  startRecording,
  stopRecording,
  type StartRecordingRequest,
} from "./actions/recording.js";
import { transferCall, type TransferRequest } from "./actions/transfer.js";
import { moveParticipants, type MoveParticipantsRequest } from "./actions/moveParticipants.js";
import { partyHangUp, startExternalCall, type ExternalCallInput } from "./actions/world.js";
import { ScopedClock, type Clock } from "./clock.js";
import { takeFault, type EngineContext, type EventShaper } from "./context.js";
import { InvalidArgumentError, NotFoundError } from "./errors.js";
import { phoneNumberFromModel } from "./identifiers.js";
import { EventGrid } from "./eventGrid.js";
import { checkFaultAction, FaultTable, type Fault, type FaultableAction } from "./faults.js";
import { createIdGenerator } from "./ids.js";
import { IdentityDirectory } from "./identity/identities.js";
import { RoomDirectory } from "./rooms/rooms.js";
import type { AudioSource } from "./media/audio.js";
import { createCallMedia } from "./media/callMedia.js";
import { mediaView } from "./media/mediaState.js";
import { Outbox, type DeliverySink, type OutboxLimits, type RetryPolicy } from "./outbox.js";
import type { DeliveryOrdering, EventGridRetryPolicy } from "./deliveryPolicy.js";
import { DEFAULT_RECORDING_STORAGE_ORIGIN, recordingFileContent, type RecordingFilePart } from "./recording/recordingFiles.js";
import { RecordingStore } from "./recording/recordingStore.js";
import { recordingsOfCall } from "./recording/recordingViews.js";
import { CallStore } from "./store.js";
import { callConnectionProperties, callParticipant } from "./views.js";
import { checkVariants, DEFAULT_VARIANTS, VariantTable, type Variants } from "./variants.js";
import { checkPartySettings } from "./partySettings.js";
import { World } from "./world.js";

/** What the engine is built from. */
export interface EngineOptions {
  clock: Clock;
  seed: number;
  /** Where events go. */
  sink: DeliverySink;
  /** The emulated resource's name, used in Event Grid topics. */
  resourceName?: string;
  /** How callbacks are retried; unset fields keep their defaults. */
  retryPolicy?: Partial<RetryPolicy>;
  /** Event-log retention and the delivery backlog bound; unset fields keep their defaults. */
  outboxLimits?: Partial<OutboxLimits>;
  /** How Event Grid webhooks are retried; unset fields keep Event Grid's defaults. */
  eventGridRetryPolicy?: Partial<EventGridRetryPolicy>;
  /** How events wait for each other; one at a time per callback URL unless told. */
  deliveryOrdering?: Partial<DeliveryOrdering>;
  /** Ended calls kept before the oldest are forgotten (default 10,000). */
  endedCallRetention?: number;
  /** Scheme and host of recording file locations; defaults to {@link DEFAULT_RECORDING_STORAGE_ORIGIN}. */
  recordingStorageOrigin?: string;
  /** Reads play files' audio (length, format); without it files play FILE_PLAY_MS and are not fetched. */
  audio?: AudioSource;
  /** Phone numbers the resource owns (E.164): a call to one raises IncomingCall. */
  phoneNumbers?: string[];
  /** Fits callback events to each connection's api-version; without it every event is sent as built. */
  shapeEvent?: EventShaper;
  /** Where real runs disagree, which recorded behaviour to send (defaults: the most recent). */
  variants?: Partial<Variants>;
}

/**
 * The Call Automation engine: plain method calls in, wire models out, events through the
 * outbox. It knows nothing of HTTP.
 */
export type Engine = ReturnType<typeof createEngine>;

/** Builds an engine. */
export function createEngine(options: EngineOptions) {
  const ids = createIdGenerator(options.seed);
  const clock = new ScopedClock(options.clock);
  const resourceId = ids.uuid();
  const outbox = new Outbox(clock, options.sink, {
    policy: options.retryPolicy,
    eventGrid: options.eventGridRetryPolicy,
    limits: options.outboxLimits,
    ordering: options.deliveryOrdering,
  });
  const resourceName = options.resourceName ?? "callsim";
  const eventGrid = new EventGrid(
    clock,
    ids,
    outbox,
    `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/callsim/providers/Microsoft.Communication/communicationServices/${resourceName}`,
  );
  const ctx: EngineContext = {
    clock,
    ids,
    store: new CallStore(options.endedCallRetention),
    world: new World(),
    faults: new FaultTable(),
    outbox,
    resourceId,
    appIdentity: ids.acsUserId(resourceId),
    eventGrid,
    recordings: new RecordingStore(options.recordingStorageOrigin ?? DEFAULT_RECORDING_STORAGE_ORIGIN),
    identities: new IdentityDirectory(clock, ids, resourceId),
    rooms: new RoomDirectory(clock, ids),
    audio: options.audio,
    shapeEvent: options.shapeEvent,
    variants: new VariantTable({ ...DEFAULT_VARIANTS, ...checkVariants(options.variants) }),
  };
  const view = callConnectionProperties;
  const phoneNumbers = {
    list: () => [...ctx.store.resourceNumbers],
    add: (number: unknown) => {
      const value = phoneNumberFromModel({ value: number }, "phoneNumber");
      ctx.store.resourceNumbers.add(value);
      return { phoneNumber: value };
    },
    remove: (number: string) => {
      if (!ctx.store.resourceNumbers.delete(number)) throw new NotFoundError(`${number} is not one of the resource's phone numbers. GET /emulator/phone-numbers lists them.`, "phoneNumber");
    },
  };
  for (const number of options.phoneNumbers ?? []) phoneNumbers.add(number);

  return {
    /** The engine's context, for in-process tools (scenarios, explorer). @internal */
    context: ctx,
    seed: options.seed,
    outbox,
    eventGrid,

    createCall: (request: CreateCallRequest, apiVersion: string) => view(createCall(ctx, request, apiVersion)),
    answerCall: (request: AnswerCallRequest, apiVersion: string) => view(answerCall(ctx, request, apiVersion)),
    connectCall: (request: ConnectRequest, apiVersion: string) => view(connectCall(ctx, request, apiVersion)),
    rejectCall: (request: { incomingCallContext: string; callRejectReason?: string }) => rejectCall(ctx, request),
    redirectCall: (request: { incomingCallContext: string; target: unknown }) => redirectCall(ctx, request),
    getCall: (callConnectionId: string) => {
      const connection = ctx.store.activeConnection(callConnectionId);
      takeFault(ctx, "getCall");
      return view(connection);
    },
    hangUp: (callConnectionId: string) => hangUp(ctx, callConnectionId),
    terminateCall: (callConnectionId: string) => terminateCall(ctx, callConnectionId),
    transferToParticipant: (callConnectionId: string, request: TransferRequest) => transferCall(ctx, callConnectionId, request),
    addParticipant: (callConnectionId: string, request: AddParticipantRequest) => addParticipant(ctx, callConnectionId, request),
    removeParticipant: (callConnectionId: string, request: Parameters<typeof removeParticipant>[2]) => removeParticipant(ctx, callConnectionId, request),
    cancelAddParticipant: (callConnectionId: string, request: Parameters<typeof cancelAddParticipant>[2]) =>
      cancelAddParticipant(ctx, callConnectionId, request),
    muteParticipants: (callConnectionId: string, request: Parameters<typeof muteParticipants>[2]) => muteParticipants(ctx, callConnectionId, request),
    moveParticipants: (callConnectionId: string, request: MoveParticipantsRequest) => moveParticipants(ctx, callConnectionId, request),
    getParticipant: (callConnectionId: string, rawId: string) => callParticipant(getParticipant(ctx, callConnectionId, rawId)),
    listParticipants: (callConnectionId: string, skip: number, top: number) => {
      const page = listParticipants(ctx, callConnectionId, skip, top);
      return { value: page.participants.map(callParticipant), more: page.more };
    },

    startRecording: (request: StartRecordingRequest, apiVersion: string) => startRecording(ctx, request, apiVersion),
    getRecordingState: (recordingId: string) => getRecordingState(ctx, recordingId),
    pauseRecording: (recordingId: string) => pauseRecording(ctx, recordingId),
    resumeRecording: (recordingId: string) => resumeRecording(ctx, recordingId),
    stopRecording: (recordingId: string) => stopRecording(ctx, recordingId),
    /** A stored recording file part (audio or metadata) as bytes. */
    recordingFile: (documentId: string, part: RecordingFilePart) => recordingFileContent(ctx, ctx.recordings.document(documentId), part),
    /** Deletes a stored recording file (its deleteLocation). */
    deleteRecordingFile: (documentId: string) => deleteRecordingFile(ctx, documentId),
    /** The Identity service: ACS users and their access tokens. */
    identities: ctx.identities,
    /** The Rooms service: rooms, their participants and validity windows. */
    rooms: ctx.rooms,
    /** CallMedia: play, recognize, DTMF, hold, transcription, media streaming, and parties' live input. */
    media: createCallMedia(ctx),

    /** Sets how a simulated party reacts to invitations. */
    setParty: (rawId: string, settings: { behavior?: unknown; delayMs?: unknown; input?: unknown }) => ({ rawId, ...ctx.world.setParty(rawId, checkPartySettings(rawId, settings)) }),
    parties: () => ctx.world.list(),
    /** The phone numbers the resource owns: calls to them raise IncomingCall. */
    phoneNumbers,
    placeIncomingCall: (input: IncomingCallInput) => {
      const record = placeIncomingCall(ctx, input);
      const call = ctx.store.call(record.serverCallId);
      return { incomingCallContext: record.incomingCallContext, serverCallId: record.serverCallId, correlationId: call.correlationId };
    },
    startCall: (input: ExternalCallInput) => {
      const call = startExternalCall(ctx, input);
      return { serverCallId: call.serverCallId, correlationId: call.correlationId, groupCallId: call.groupCallId, roomId: call.roomId, participants: [...call.participants.keys()] };
    },
    partyHangUp: (serverCallId: string, rawId: string) => partyHangUp(ctx, serverCallId, rawId),
    addFault: (input: Partial<Fault> & { action: FaultableAction; times?: number }) => {
      checkFaultInput(input);
      const status = input.status ?? 500;
      return ctx.faults.add({
        id: ids.uuid(),
        action: input.action,
        status,
        code: input.code ?? (input.async ? String(status) : "InternalServerError"),
        subCode: input.subCode ?? 9999,
        message: input.message ?? `Injected failure of ${input.action} (POST /emulator/faults).`,
        async: !!input.async,
        times: input.times,
      });
    },
    faults: () => ctx.faults.list(),
    /** The variants in force (`GET /emulator/variants`). */
    variants: () => ctx.variants.list(),
    /** Picks recorded variants, e.g. `{ decline: "200/5002" }` (`PUT /emulator/variants`); a reset restores the emulator's own. */
    setVariants: (input: unknown) => ctx.variants.set(input),

    /** Every call with its connections (and their media), participants, invitations and recordings. */
    calls: () =>
      [...ctx.store.calls.values()].map((call) => ({
        serverCallId: call.serverCallId,
        correlationId: call.correlationId,
        origin: call.origin,
        groupCallId: call.groupCallId,
        roomId: call.roomId,
        ended: call.ended,
        participants: [...call.participants.values()].map((p) => ({ rawId: p.rawId, isMuted: p.isMuted, isOnHold: p.isOnHold, callConnectionId: p.callConnectionId })),
        connections: call.connectionIds.map((id) => {
          const connection = ctx.store.connections.get(id)!;
          return Object.assign(view(connection), { media: mediaView(connection) });
        }),
        invitations: [...ctx.store.invitations.values()]
          .filter((i) => i.serverCallId === call.serverCallId)
          .map(({ timers: _timers, ...invitation }) => invitation),
        recordings: recordingsOfCall(ctx, call.serverCallId),
      })),

    /** Forgets every call, event, party behaviour, fault and subscription. */
    reset: () => {
      clock.cancelAll();
      ctx.store.clear();
      ctx.world.clear();
      ctx.faults.clear();
      ctx.outbox.clear();
      ctx.eventGrid.clear();
      ctx.recordings.clear();
      ctx.identities.clear();
      ctx.rooms.clear();
      ctx.variants.reset();
    },
  };
}

function checkFaultInput(input: Record<string, unknown>): void {
  // First: the default message names the action.
  checkFaultAction(input.action);
  const integer = (field: string, min: number, max: number) => {
    const value = input[field];
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < min || (value as number) > max)) {
      throw new InvalidArgumentError(field, `${field} must be an integer from ${min} to ${max}.`);
    }
  };
  integer("status", 400, 699);
  integer("subCode", 0, 99_999);
  integer("times", 1, 1_000_000);
  for (const field of ["code", "message"]) {
    if (input[field] !== undefined && typeof input[field] !== "string") throw new InvalidArgumentError(field, `${field} must be a string.`);
  }
  if (input.async !== undefined && typeof input.async !== "boolean") throw new InvalidArgumentError("async", "async must be true or false.");
}
