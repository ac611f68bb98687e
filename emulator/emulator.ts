import { createServiceRoutes, SUPPORTED_API_VERSIONS, type RouteRequest, type RouteResponse } from "./http/routes.js";
import { createControlRoutes, type EmulatorInfo } from "./http/control.js";
import { errorResponse, HttpError } from "./http/errors.js";
import { createFastifyTransport } from "./http/fastify.js";
import { createEngine, type Engine } from "./engine/engine.js";
import { createRealClock } from "./clock/realClock.js";
import { VirtualClock } from "./clock/virtualClock.js";
import { createHttpSink } from "./delivery/httpSink.js";
import type { DeliverySink, EventRecord } from "./engine/outbox.js";
import { CallbackRouter, type CallbackHandler, type FetchHandler, type UrlMatcher } from "./delivery/inProcessSink.js";
import { createSdkHttpClient } from "./http/sdkHttpClient.js";
import { createFetchAudioSource } from "./audio/fetchAudio.js";
import type { SettleOptions } from "./clock/virtualClock.js";
import type { PartyBehavior, PartyInput } from "./engine/world.js";
import type { IncomingCallInput } from "./engine/actions/incomingCall.js";
import type { ExternalCallInput } from "./engine/actions/world.js";
import type { FaultableAction } from "./engine/faults.js";

/** A planted failure, as `POST /emulator/faults` takes it. */
export interface FaultInput {
  action: FaultableAction;
  status?: number;
  code?: string;
  subCode?: number;
  message?: string;
  async?: boolean;
  times?: number;
}

/**
 * The well-known development access key (base64), like Azurite's: not a secret, so that a
 * connection string for callsim can be written down in docs and CI files.
 */
export const DEFAULT_ACCESS_KEY = Buffer.from("callsim-well-known-development-key-not-a-secret").toString("base64");

/** Options of {@link createEmulator}. */
export interface EmulatorOptions {
  /** Seeds ids, data and sampled choices; random (and reported) when absent. */
  seed?: number;
  /** `real` for a server; `virtual` for in-process tests that advance time themselves. */
  clock?: "real" | "virtual";
  /** Base64 HMAC key; defaults to {@link DEFAULT_ACCESS_KEY}. */
  accessKey?: string;
  /** Accept requests without valid HMAC auth. */
  loose?: boolean;
  /** Reject request fields the spec does not know. */
  strict?: boolean;
  /** Participants per page of GetParticipants before a nextLink; default 100. */
  participantsPageSize?: number;
  /** Endpoint used in the connection string until `listen()` reports the real one. */
  endpoint?: string;
  /**
   * Fetch play files (play, recognize prompts, hold music) to read their WAV header: their
   * length sets the play's duration, and a file that cannot be fetched or is not a mono
   * 16-bit 16 kHz WAV fails as the service fails it. Off by default: files play 1 s.
   */
  fetchAudio?: boolean;
}

/** Options of {@link Emulator.listen}. */
export interface ListenOptions {
  host?: string;
  port?: number;
  https?: { key: string; cert: string };
  logLevel?: string;
}

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
  const httpSink = createHttpSink();
  const accessKey = options.accessKey ?? DEFAULT_ACCESS_KEY;
  let endpoint = options.endpoint ?? "https://callsim.communication.azure.com";
  const router = new CallbackRouter(httpSink);
  const trackedSink: DeliverySink = virtualClock ? (delivery) => virtualClock.track(router.sink(delivery)) : router.sink;
  const fetchAudio = options.fetchAudio ? createFetchAudioSource() : undefined;
  // On the virtual clock, settle() waits for a file being read as it waits for a delivery.
  const audio = fetchAudio && virtualClock ? (uri: string) => virtualClock.track(fetchAudio(uri)) : fetchAudio;
  const engine: Engine = createEngine({ clock, seed, sink: trackedSink, audio });
  const info = (): EmulatorInfo => ({
    endpoint,
    connectionString: `endpoint=${endpoint}/;accesskey=${accessKey}`,
    apiVersions: SUPPORTED_API_VERSIONS,
    seed,
    clock: clockKind,
  });
  const service = createServiceRoutes({
    engine,
    accessKey,
    loose: options.loose ?? false,
    strict: options.strict ?? false,
    now: () => Date.now(),
    participantsPageSize: options.participantsPageSize ?? 100,
  });
  const control = createControlRoutes({ engine, info });
  let closeServer: (() => Promise<void>) | undefined;

  /** Serves one request through the route tables: what every transport calls. */
  async function handle(request: RouteRequest): Promise<RouteResponse> {
    const served = service(request) ?? (await control(request));
    if (served) return served;
    const { status, body } = errorResponse(new HttpError("routeNotFound", `Nothing is served at ${request.method} ${request.url}. Call Automation lives under /calling/, the control plane under /emulator/.`));
    return { status, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) };
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
     * Delivers events for callback URLs starting with `prefix` to `handler`, in-process: no
     * socket. The handler gets what the service would POST; returning nothing means 200.
     */
    onCallback: (prefix: UrlMatcher, handler: CallbackHandler) => router.handle(prefix, handler),
    /** Delivers events for URLs starting with `prefix` through the app's own fetch handler. */
    routeCallbacks: (prefix: UrlMatcher, handler: FetchHandler) => router.fetch(prefix, handler),
    /**
     * An SDK `httpClient` that hands requests straight to the route table: the fastest
     * in-process path, for apps that can pass client options.
     * @example new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() })
     */
    httpClient: () => createSdkHttpClient(handle),
    /** The connection string for this emulator's current endpoint. */
    connectionString: () => info().connectionString,

    // The control plane (DESIGN §3) as methods, for in-process use.
    /** Forgets every call, event, party behaviour, fault and subscription. */
    reset: () => engine.reset(),
    /**
     * How a simulated party reacts to invitations (`PUT /emulator/parties/{rawId}`), and what
     * it keys or says, in order, each time a recognition listens to it.
     * @example emulator.setParty("4:+14255550123", { input: [{ dtmf: "1" }, { speech: "talk to an agent" }, { silence: true }] })
     */
    setParty: (rawId: string, settings: { behavior?: PartyBehavior; delayMs?: number; input?: PartyInput[] }) => engine.setParty(rawId, settings),
    /** Subscribes an Event Grid webhook, with the validation handshake (`POST /emulator/subscriptions`). */
    subscribe: (endpoint: string, eventTypes: string[] = []) => engine.eventGrid.subscribe(endpoint, eventTypes, info().endpoint),
    /** A caller in the world calls the app: IncomingCall to subscribers (`POST /emulator/incoming-calls`). */
    placeIncomingCall: (input: IncomingCallInput) => engine.placeIncomingCall(input),
    /** A call started outside the app (`POST /emulator/calls`). */
    startCall: (input: ExternalCallInput) => engine.startCall(input),
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
    /** Plants a failure for the next matching action(s) (`POST /emulator/faults`). */
    addFault: (fault: FaultInput) => engine.addFault(fault),
    /** Every call with its connections, participants and invitations (`GET /emulator/calls`). */
    calls: () => engine.calls(),
    /** Every event so far, oldest first, with its destination and delivery attempts (`GET /emulator/events`). */
    events: (filter: { callConnectionId?: string; type?: string } = {}): EventRecord[] =>
      engine.outbox
        .events()
        .filter((e) => (!filter.callConnectionId || e.callConnectionId === filter.callConnectionId) && (!filter.type || e.type === filter.type || e.type === `Microsoft.Communication.${filter.type}`)),
    /** Resolves once every queued event was delivered or dead-lettered. */
    whenIdle: () => engine.outbox.whenIdle(),

    /** Starts the HTTP server (127.0.0.1 and port 10010 unless told otherwise). */
    async listen(listenOptions: ListenOptions = {}): Promise<EmulatorInfo & { url: string }> {
      const app = createFastifyTransport(handle, { https: listenOptions.https, logLevel: listenOptions.logLevel });
      const host = listenOptions.host ?? "127.0.0.1";
      await app.listen({ host, port: listenOptions.port ?? 10010 });
      const address = app.server.address();
      const port = typeof address === "object" && address ? address.port : listenOptions.port;
      const shownHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
      endpoint = `${listenOptions.https ? "https" : "http"}://${shownHost}:${port}`;
      closeServer = () => app.close();
      return { ...info(), url: endpoint };
    },

    /** Stops the server and the delivery agent. */
    async close(): Promise<void> {
      await closeServer?.();
      closeServer = undefined;
      await httpSink.close();
    },
  };
}

/** An emulator made by {@link createEmulator}. */
export type Emulator = ReturnType<typeof createEmulator>;
