import { createServiceRoutes, SUPPORTED_API_VERSIONS, type RouteRequest, type RouteResponse } from "./http/routes.js";
import { createControlRoutes, type EmulatorInfo } from "./http/control.js";
import { errorResponse, HttpError } from "./http/errors.js";
import { createFastifyTransport } from "./http/fastify.js";
import { createRecordingContentRoutes } from "./http/recordingContent.js";
import { createOpenIdRoutes } from "./http/openIdRoutes.js";
import { createCallbackSigner } from "./delivery/callbackToken.js";
import { forgedEventView, type ForgedEventView, type Forgery, type ForgeryInput } from "./delivery/forgeries.js";
import { attachConnectTunnel } from "./http/connectTunnel.js";
import { createEngine, type Engine } from "./engine/engine.js";
import { createRealClock } from "./clock/realClock.js";
import { VirtualClock } from "./clock/virtualClock.js";
import { createHttpSink, DEFAULT_DELIVERY_TIMEOUT_MS } from "./delivery/httpSink.js";
import type { DeliverySink, EventRecord } from "./engine/outbox.js";
import { CallbackRouter, type CallbackHandler, type FetchHandler, type UrlMatcher } from "./delivery/inProcessSink.js";
import { createSdkHttpClient } from "./http/sdkHttpClient.js";
import { createFetchAudioSource } from "./audio/fetchAudio.js";
import type { SettleOptions } from "./clock/virtualClock.js";
import type { PartyBehavior, PartyInput } from "./engine/world.js";
import type { IncomingCallInput } from "./engine/actions/incomingCall.js";
import type { ExternalCallInput } from "./engine/actions/world.js";
import type { EventGridFilter } from "./engine/eventGridFilter.js";
import type { EntraDeliveryAuth } from "./engine/eventGridAuth.js";
import type { Variants } from "./engine/variants.js";
import { ContractViolationError, SelfCheck, type SelfCheckFinding } from "../contracts/selfCheck.js";
import { shapeCallbackEventData } from "../contracts/shape.js";
import { RequestLog, type RequestLogEntry } from "./http/requestLog.js";
import type { CreateRoomRequest } from "./engine/rooms/rooms.js";
import { watchExchanges, type ExchangeWatcher } from "./http/exchangeWatch.js";

import { DEFAULT_ACCESS_KEY, deliveryOrdering, LISTEN_BACKLOG, orderingInfo, type EmulatorOptions, type FaultInput, type ListenOptions } from "./emulatorOptions.js";
export { DEFAULT_ACCESS_KEY, LISTEN_BACKLOG, type DeliveryOptions, type EmulatorOptions, type FaultInput, type ListenOptions } from "./emulatorOptions.js";

/**
 * Creates an emulator: the engine, its two route tables and a delivery sink.
 * @example
 * const emulator = createEmulator({ seed: 7 });
 * const { connectionString } = await emulator.listen({ port: 0 });
 */
export function createEmulator(options: EmulatorOptions = {}) {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const clockKind = options.clock ?? "real";
  const virtualClock = clockKind === "virtual" ? new VirtualClock() : undefined;
  const realClock = virtualClock ? undefined : createRealClock();
  const clock = virtualClock ?? realClock!;
  const delivery = options.delivery ?? {};
  const httpSink = createHttpSink({ timeoutMs: delivery.timeoutMs });
  const accessKey = options.accessKey ?? DEFAULT_ACCESS_KEY;
  let endpoint = options.endpoint ?? "https://callsim.communication.azure.com";
  const router = new CallbackRouter(httpSink);
  const selfCheck = options.selfCheck ? new SelfCheck() : undefined;
  const requestLog = new RequestLog();
  // Events are checked where they leave the outbox, whatever carries them on.
  // Callbacks carry the service's JWT, made outside the engine on the emulator's clock.
  const signer = createCallbackSigner({ now: () => clock.now(), resourceId: options.resourceId, privateKeyPem: options.callbackSigningKey, entraAuthOf: (name) => engine.eventGrid.entraAuthOf(name) });
  const signedSink = options.signCallbacks === false ? router.sink : signer.signing(router.sink);
  const checkedSink: DeliverySink = selfCheck ? (delivery) => (selfCheck.delivery(delivery), signedSink(delivery)) : signedSink;
  // Both clocks count deliveries and file reads as pending work: step() waits for them, and so
  // does settle() on the virtual clock.
  const tracker = virtualClock ?? realClock!;
  const trackedSink: DeliverySink = (delivery) => tracker.track(checkedSink(delivery));
  const fetchAudio = options.fetchAudio ? createFetchAudioSource() : undefined;
  const audio = fetchAudio && ((uri: string) => tracker.track(fetchAudio(uri)));
  const engine: Engine = createEngine({
    clock,
    seed,
    sink: trackedSink,
    retryPolicy: { maxAttempts: delivery.maxAttempts, baseDelayMs: delivery.baseDelayMs, maxDelayMs: delivery.maxDelayMs },
    outboxLimits: { eventLogLimit: delivery.eventLogLimit, maxBacklog: delivery.maxBacklog },
    eventGridRetryPolicy: delivery.eventGrid,
    deliveryOrdering: deliveryOrdering(clockKind, delivery),
    endedCallRetention: options.endedCallRetention,
    recordingStorageOrigin: options.recordingStorageOrigin,
    audio,
    phoneNumbers: options.phoneNumbers,
    shapeEvent: shapeCallbackEventData,
    variants: options.variants,
  });
  const timeoutMs = delivery.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  const connectionString = () => `endpoint=${endpoint}/;accesskey=${accessKey}`;
  // The full picture, counters and memory included: for GET /emulator/info, not for hot paths.
  const info = (): EmulatorInfo => ({
    endpoint,
    connectionString: connectionString(),
    apiVersions: SUPPORTED_API_VERSIONS,
    seed,
    clock: clockKind,
    resourceId: signer.resourceId,
    delivery: { ...engine.outbox.policy, timeoutMs, ...engine.outbox.limits, eventGrid: engine.outbox.eventGridPolicy, ...orderingInfo(engine.outbox.ordering) },
    events: engine.outbox.stats(),
    calls: engine.context.store.counts(),
    memory: { rssBytes: process.memoryUsage.rss(), heapUsedBytes: process.memoryUsage().heapUsed },
  });
  const service = createServiceRoutes({
    engine,
    accessKey,
    loose: options.loose ?? false,
    strict: options.strict ?? false,
    now: () => Date.now(),
    participantsPageSize: options.participantsPageSize ?? 100,
    onExchange: ({ operationId, request, response }) => {
      requestLog.record({ request, response });
      const finding = selfCheck?.response(operationId, request, response);
      if (finding && options.selfCheck === "throw") throw new ContractViolationError([finding]);
    },
  });
  const recordingContent = createRecordingContentRoutes({ engine, accessKey, loose: options.loose ?? false, now: () => Date.now() });
  const openId = createOpenIdRoutes(signer);
  const control = createControlRoutes({
    engine,
    info,
    forgeries: signer.forgeries,
    onReset: () => {
      service.reset();
      requestLog.clear();
      signer.forgeries.clear();
    },
    requests: () => requestLog.list(),
  });
  let closeServer: (() => Promise<void>) | undefined;

  const watchers = new Set<ExchangeWatcher>();
  const route = (request: RouteRequest) => openId(request) ?? service(request) ?? recordingContent(request) ?? serveControl(request);
  const watched = watchExchanges(route, watchers);

  /**
   * Serves a request the service's route tables answer at once, without a promise; the
   * control plane may wait, and gets a promise.
   */
  function serve(request: RouteRequest): RouteResponse | Promise<RouteResponse> {
    return watchers.size === 0 ? route(request) : watched(request);
  }

  /** Serves one request through the route tables, always as a promise: what the in-process transports call. */
  async function handle(request: RouteRequest): Promise<RouteResponse> {
    return serve(request);
  }

  /** The control plane, and the service's error shape for what no route table serves. */
  async function serveControl(request: RouteRequest): Promise<RouteResponse> {
    let response = await control(request);
    if (!response) {
      const { status, body } = errorResponse(new HttpError("routeNotFound", `Nothing is served at ${request.method} ${request.url}. Call Automation lives under /calling/, Identity under /identities, Rooms under /rooms, the control plane under /emulator/.`));
      response = { status, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) };
    }
    // The control plane has no spec, but its errors speak the service's error shape.
    const finding = selfCheck?.errorShape(request, response);
    if (finding && options.selfCheck === "throw") throw new ContractViolationError([finding]);
    return response;
  }

  const requireVirtual = (what: string): VirtualClock => {
    if (!virtualClock) throw new Error(`${what}() needs a virtual clock: createEmulator({ clock: "virtual" }).`);
    return virtualClock;
  };

  return {
    engine,
    seed,
    /** The virtual clock, when the emulator runs on one. */
    clock: virtualClock,
    handle,
    info,
    /** The emulator's time: virtual time, or the wall clock. */
    now: () => clock.now(),
    /** Moves virtual time forward by `ms`, running what falls due. */
    advance: (ms: number) => requireVirtual("advance").advance(ms),
    /** Runs the next scheduled task, moving virtual time to it; false when none is left. */
    next: () => requireVirtual("next").next(),
    /** Tasks waiting on the virtual clock, soonest first. */
    pending: () => requireVirtual("pending").pending(),
    /**
     * Runs virtual time until nothing is scheduled and every delivery (and the handlers it
     * reached) has finished. On the real clock it waits for the work already due and the
     * queued deliveries (not for rings or timeouts still to come).
     */
    settle: async (settleOptions?: SettleOptions) => {
      if (virtualClock) await virtualClock.settle(settleOptions);
      else await realClock!.settleDue();
      await engine.outbox.whenIdle();
    },
    /**
     * Lets the next scheduled task run and the events it queued be delivered: on the virtual
     * clock at once, on the real clock when it falls due. False when nothing was scheduled,
     * so a test awaiting an event can tell that it will never come.
     */
    step: async (): Promise<boolean> => {
      const ran = virtualClock ? await virtualClock.step() : (await engine.outbox.whenIdle(), await realClock!.nextRun());
      await engine.outbox.whenIdle();
      return ran;
    },
    /**
     * Delivers events for callback URLs starting with `prefix` to `handler`, in-process: no
     * socket. The handler gets what the service would POST; returning nothing means 200.
     */
    onCallback: (prefix: UrlMatcher, handler: CallbackHandler) => router.handle(prefix, handler),
    /** Delivers events for URLs starting with `prefix` through the app's own fetch handler. */
    routeCallbacks: (prefix: UrlMatcher, handler: FetchHandler) => router.fetch(prefix, handler),
    /**
     * An SDK `httpClient` that hands requests straight to the route table: the fastest
     * in-process path, for apps that can pass client options.
     * `around`, when given, sees each request first and decides when (and whether) to pass it on:
     * the explorer holds answers back with it.
     * @example new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() })
     */
    httpClient: (around?: (request: RouteRequest, next: (request: RouteRequest) => Promise<RouteResponse>) => Promise<RouteResponse>) =>
      createSdkHttpClient(around ? (request) => around(request, handle) : handle),
    /** The connection string for this emulator's current endpoint. */
    connectionString,

    // The control plane (DESIGN §3) as methods, for in-process use.
    /** Forgets every call, event, party behaviour, fault, subscription and logged request. */
    reset: () => {
      engine.reset();
      service.reset();
      requestLog.clear();
      signer.forgeries.clear();
    },
    /**
     * Every Call Automation request the app sent, oldest first, with the status it got and what
     * the spec finds wrong with it (checked strictly): assert that an app sent only valid requests.
     * @example expect(emulator.requests().filter((r) => r.violations.length > 0)).toEqual([]);
     */
    requests: (): RequestLogEntry[] => requestLog.list(),
    /** What the self-check found wrong with the emulator's own responses and events (needs `selfCheck`). */
    selfCheckFindings: (): readonly SelfCheckFinding[] => selfCheck?.list() ?? [],
    /**
     * Throws a {@link ContractViolationError} naming every field of every response or event the
     * emulator sent against the spec since the last call; does nothing without `selfCheck`.
     */
    assertSelfCheck: () => selfCheck?.assertClean(),
    /**
     * How a simulated party reacts to invitations (`PUT /emulator/parties/{rawId}`), and what
     * it keys or says, in order, each time a recognition listens to it. `leftToApps`: it never
     * answers by itself, only through an app answering its IncomingCall.
     * @example emulator.setParty("4:+14255550123", { input: [{ dtmf: "1" }, { speech: "talk to an agent" }, { silence: true }] })
     * @example emulator.setParty("8:acs:<resource>_<user>", { behavior: "leftToApps" })
     */
    setParty: (rawId: string, settings: { behavior?: PartyBehavior; delayMs?: number; input?: PartyInput[] }) => engine.setParty(rawId, settings),
    /**
     * Subscribes an Event Grid webhook, with the validation handshake (`POST /emulator/subscriptions`);
     * `filter` is Event Grid's own subscription filter; `entra` secures the webhook with
     * Microsoft Entra ID, so that every delivery carries Entra's bearer token.
     * @example emulator.subscribe(url, [], { advancedFilters: [{ operatorType: "StringNotBeginsWith", key: "data.to.rawId", values: ["8"] }] })
     * @example emulator.subscribe(url, ["IncomingCall"], undefined, { azureActiveDirectoryTenantId: tenant, azureActiveDirectoryApplicationIdOrUri: "api://my-webhook" })
     */
    subscribe: (webhook: string, eventTypes: string[] = [], filter?: EventGridFilter, entra?: EntraDeliveryAuth) => engine.eventGrid.subscribe({ endpoint: webhook, eventTypes, filter, ...entra }, endpoint),
    /** A caller in the world calls the app: IncomingCall to subscribers (`POST /emulator/incoming-calls`). */
    placeIncomingCall: (input: IncomingCallInput) => engine.placeIncomingCall(input),
    /** A call started outside the app (`POST /emulator/calls`). */
    startCall: (input: ExternalCallInput) => engine.startCall(input),
    /**
     * Creates a room as `RoomsClient.createRoom` does (`POST /rooms`), participants by rawId;
     * only they may join its calls, within its validity window.
     * @example const { id } = emulator.createRoom({ participants: { [user]: { role: "Presenter" } } })
     */
    createRoom: (request: CreateRoomRequest = {}) => engine.rooms.create(request),
    /** Creates an ACS user as `CommunicationIdentityClient.createUser` does (`POST /identities`); answers its rawId. */
    createUser: () => engine.identities.create().identity.id,
    /** A simulated party leaves a call (`POST /emulator/calls/{serverCallId}/participants/{rawId}:hangUp`). */
    hangUpParty: (serverCallId: string, rawId: string) => engine.partyHangUp(serverCallId, rawId),
    /**
     * A simulated party presses keys now, e.g. `"1#"` (`POST /emulator/calls/{serverCallId}/participants/{rawId}:dtmf`).
     * A running recognition listening to the party hears them, and a continuous DTMF
     * recognition on the party reports each tone. Answers which call connections heard them.
     * @example emulator.pressKeys(serverCallId, "4:+14255550123", "1#")
     */
    pressKeys: (serverCallId: string, rawId: string, tones: string) => engine.media.partyPressesKeys(serverCallId, rawId, tones),
    /**
     * A simulated party says `text` now (`POST /emulator/calls/{serverCallId}/participants/{rawId}:speak`):
     * a running speech or choices recognition listening to the party hears it.
     * @example emulator.speak(serverCallId, "4:+14255550123", "talk to an agent")
     */
    speak: (serverCallId: string, rawId: string, text: string) => engine.media.partySpeaks(serverCallId, rawId, text),
    /** Picks recorded variants until the next reset (`PUT /emulator/variants`), e.g. `{ terminate: "5001" }`. */
    setVariants: (variants: Partial<Variants>) => engine.setVariants(variants),
    /** The variants in force (`GET /emulator/variants`). */
    variants: (): Variants => engine.variants(),
    /** Plants a failure for the next matching action(s) (`POST /emulator/faults`). */
    addFault: (fault: FaultInput) => engine.addFault(fault),
    /** Every call with its connections, participants and invitations (`GET /emulator/calls`). */
    calls: () => engine.calls(),
    /**
     * Makes the next callback(s), or those of one call connection, arrive with a forged token
     * (`POST /emulator/forgeries`); the event log then shows each one's `forgery` and whether
     * the app `refused` it (401 or 403).
     * @example emulator.forgeCallbacks({ kind: "expiredToken", callConnectionId })
     */
    forgeCallbacks: (input: ForgeryInput): Forgery => signer.forgeries.add(input),
    /** Forgeries still waiting for a callback (`GET /emulator/forgeries`). */
    forgeries: (): Forgery[] => signer.forgeries.list(),
    /** A valid callback token for this resource on the emulator's clock, as the next callback would carry. */
    callbackToken: (): Promise<string> => signer.token(),
    /** Every event so far, oldest first, with its destination and delivery attempts (`GET /emulator/events`). */
    events: (filter: { callConnectionId?: string; type?: string } = {}): ForgedEventView<EventRecord>[] =>
      engine.outbox
        .events()
        .filter((e) => (!filter.callConnectionId || e.callConnectionId === filter.callConnectionId) && (!filter.type || e.type === filter.type || e.type === `Microsoft.Communication.${filter.type}`))
        .map((e) => forgedEventView(e, signer.forgeries)),
    /** Resolves once every queued event was delivered or dead-lettered. */
    whenIdle: () => engine.outbox.whenIdle(),
    /**
     * Calls `watcher` after every request the emulator answers (Call Automation, recording
     * files, control plane), with its answer and how long it took: what a live log shows.
     * Returns the function that stops watching.
     */
    watch: (watcher: ExchangeWatcher): (() => void) => {
      watchers.add(watcher);
      return () => void watchers.delete(watcher);
    },

    /** Starts the HTTP server (127.0.0.1 and port 10010 unless told otherwise). */
    async listen(listenOptions: ListenOptions = {}): Promise<EmulatorInfo & { url: string }> {
      const app = createFastifyTransport(serve, { https: listenOptions.https, logLevel: listenOptions.logLevel, logger: listenOptions.logger });
      // Recording downloads go to *.asm.skype.com; as the app's HTTPS proxy, callsim serves them itself.
      const tunnels = listenOptions.https ? attachConnectTunnel(app.server, listenOptions.https) : undefined;
      const host = listenOptions.host ?? "127.0.0.1";
      await app.listen({ host, port: listenOptions.port ?? 10010, backlog: LISTEN_BACKLOG });
      const address = app.server.address();
      const port = typeof address === "object" && address ? address.port : listenOptions.port;
      const shownHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
      endpoint = `${listenOptions.https ? "https" : "http"}://${shownHost}:${port}`;
      closeServer = () => (tunnels?.closeAll(), app.close());
      return { ...info(), url: endpoint };
    },

    /** What the outbox holds and has done since the last reset (also in `GET /emulator/info`). */
    deliveryStats: () => engine.outbox.stats(),

    /**
     * Stops the server and delivery: nothing more is sent or retried. Await `whenIdle()`
     * first to let queued events land; what is still pending stays in `events()`.
     */
    async close(): Promise<void> {
      engine.outbox.stop();
      await closeServer?.();
      closeServer = undefined;
      await httpSink.close();
    },
  };
}

/** An emulator made by {@link createEmulator}. */
export type Emulator = ReturnType<typeof createEmulator>;
