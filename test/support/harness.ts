import { CallAutomationClient, parseCallAutomationEvent, type CallAutomationEvent } from "@azure/communication-call-automation";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { createEmulator, type Emulator, type EmulatorOptions } from "../../emulator/emulator.js";
import { createMswHandlers } from "../../emulator/http/msw.js";
import { liveEmulators } from "./liveEmulators.js";
import { startHttpReceiver, startInProcessReceiver, type Receiver } from "./receiver.js";

/**
 * How the SDK reaches the emulator: the fastify server over loopback (real clock), msw
 * intercepting the real ACS host in-process, or the direct SDK httpClient (both in-process
 * ones on the virtual clock).
 */
export type Transport = "server" | "msw" | "direct";

/** Transports the SDK suites run on; CALLSIM_TRANSPORTS=server narrows it. */
export const TRANSPORTS: Transport[] = (process.env.CALLSIM_TRANSPORTS?.split(",") as Transport[] | undefined) ?? ["server", "direct", "msw"];

/** A running emulator, an SDK client for it and an endpoint that receives its events. */
export interface Harness {
  transport: Transport;
  emulator: Emulator;
  client: CallAutomationClient;
  receiver: Receiver;
  /** The callback URL to give createCall / answerCall / connectCall. */
  callbackUri: string;
  /** The endpoint the client talks to. */
  url: string;
  connectionString: string;
  /** Forgets the emulator's state and what the receiver got. */
  reset(): Promise<void>;
  /** Lets everything scheduled happen (virtual clock) and every queued event land. */
  settle(): Promise<void>;
  /**
   * Lets every scheduled task run (rings, retries) and every event land, on either clock:
   * on the real clock it waits for each as it falls due.
   */
  drain(): Promise<void>;
  /** Calls the control plane and returns the parsed JSON answer. */
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Awaits a callback event of `type` for `callConnectionId`, parsed by the SDK's parser. */
  waitForEvent<T extends CallAutomationEvent["kind"]>(type: T, callConnectionId: string, extra?: (data: any) => boolean): Promise<Extract<CallAutomationEvent, { kind: T }>>;
  /** Every callback event for a connection, in arrival order, by type name. */
  eventTypes(callConnectionId: string): string[];
  close(): Promise<void>;
}

/**
 * The client options that reach `h`'s emulator the way its own client does: loopback over
 * plain HTTP for the server, the direct httpClient, or none (msw intercepts the real host).
 * For another client: another SDK version, or one with a `sourceIdentity`.
 */
export function clientOptionsFor(h: Pick<Harness, "transport" | "emulator">): { allowInsecureConnection?: boolean; httpClient?: ReturnType<Emulator["httpClient"]> } {
  if (h.transport === "server") return { allowInsecureConnection: true };
  return h.transport === "direct" ? { httpClient: h.emulator.httpClient() } : {};
}

let mswServer: ReturnType<typeof setupServer> | undefined;

/** Starts an emulator reached through `transport`, with a fixed seed. */
export async function startHarness(options: EmulatorOptions & { transport?: Transport } = {}): Promise<Harness> {
  const { transport = "server", ...emulatorOptions } = options;
  const inProcess = transport !== "server";
  const emulator = createEmulator({ seed: 1, clock: inProcess ? "virtual" : "real", selfCheck: "throw", ...emulatorOptions });
  let client: CallAutomationClient;
  let receiver: Receiver;
  let baseUrl: string;
  if (transport === "server") {
    const info = await emulator.listen({ port: 0, logLevel: "silent" });
    client = new CallAutomationClient(info.connectionString, { allowInsecureConnection: true });
    receiver = await startHttpReceiver(emulator);
    baseUrl = info.url;
  } else {
    receiver = startInProcessReceiver(emulator);
    baseUrl = emulator.info().endpoint;
    if (transport === "msw") {
      const server = (mswServer ??= setupServer());
      server.listen({ onUnhandledRequest: "bypass" });
      server.resetHandlers(...createMswHandlers(emulator.handle));
      client = new CallAutomationClient(emulator.connectionString());
    } else {
      client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
    }
  }

  const control: Harness["control"] = async (method, path, body) => {
    const response = await emulator.handle({
      method,
      url: path,
      headers: { host: new URL(baseUrl).host, "content-type": "application/json" },
      rawBody: body === undefined ? "" : JSON.stringify(body),
      protocol: baseUrl.startsWith("https") ? "https" : "http",
    });
    return { status: response.status, body: typeof response.body === "string" && response.body ? JSON.parse(response.body) : undefined };
  };

  const harness: Harness = {
    transport,
    emulator,
    client,
    receiver,
    callbackUri: receiver.url("/callbacks"),
    url: baseUrl,
    connectionString: emulator.connectionString(),
    control,
    async settle() {
      await emulator.settle();
    },
    async drain() {
      while (await emulator.step());
    },
    async reset() {
      // Let deliveries already on the wire land first, so none arrives after the receiver is cleared.
      await emulator.whenIdle();
      await control("POST", "/emulator/reset");
      receiver.received.length = 0;
    },
    async waitForEvent(type, callConnectionId, extra) {
      const event = await receiver.waitFor(
        (e) => e.type === `Microsoft.Communication.${type}` && e.data?.callConnectionId === callConnectionId && (!extra || extra(e.data)),
        `${type} for ${callConnectionId}`,
      );
      return parseCallAutomationEvent([event] as any) as any;
    },
    eventTypes(callConnectionId) {
      return receiver
        .events()
        .filter((e) => e.data?.callConnectionId === callConnectionId)
        .map((e) => String(e.type).replace("Microsoft.Communication.", ""));
    },
    async close() {
      liveEmulators.delete(harness.emulator);
      if (transport === "msw") mswServer?.close();
      await emulator.close();
      await receiver.close();
      emulator.assertSelfCheck();
    },
  };
  liveEmulators.add(harness.emulator);
  return harness;
}

/**
 * One harness for the enclosing `describe` (or file): started before its first test, reset
 * before each (then `beforeEachTest`, e.g. `subscribeEventGrid`), closed after the last. The
 * object returned is filled in when the harness starts, so tests use it as they would the
 * harness itself.
 */
export function useHarness(options: Parameters<typeof startHarness>[0] = {}, beforeEachTest?: (h: Harness) => Promise<void>): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    Object.assign(h, await startHarness(options));
  });
  // A start that failed has already failed the block; closing then has nothing to close.
  afterAll(() => h.close?.());
  beforeEach(async () => {
    await h.reset();
    await beforeEachTest?.(h);
  });
  return h;
}
