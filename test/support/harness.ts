import { CallAutomationClient, parseCallAutomationEvent, type CallAutomationEvent } from "@azure/communication-call-automation";
import { createEmulator, type Emulator, type EmulatorOptions } from "../../emulator/emulator.js";
import { startReceiver, type Receiver } from "./receiver.js";

/** A running emulator, an SDK client for it and an endpoint that receives its events. */
export interface Harness {
  emulator: Emulator;
  client: CallAutomationClient;
  receiver: Receiver;
  /** The callback URL to give createCall / answerCall / connectCall. */
  callbackUri: string;
  /** The server's base URL. */
  url: string;
  connectionString: string;
  /** Forgets the emulator's state and what the receiver got. */
  reset(): Promise<void>;
  /** Calls the control plane and returns the parsed JSON answer. */
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Awaits a callback event of `type` for `callConnectionId`, parsed by the SDK's parser. */
  waitForEvent<T extends CallAutomationEvent["kind"]>(type: T, callConnectionId: string, extra?: (data: any) => boolean): Promise<Extract<CallAutomationEvent, { kind: T }>>;
  /** Every callback event for a connection, in arrival order, by type name. */
  eventTypes(callConnectionId: string): string[];
  close(): Promise<void>;
}

/** Starts the emulator's server on a free loopback port, with a fixed seed. */
export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const emulator = createEmulator({ seed: 1, ...options });
  const info = await emulator.listen({ port: 0, logLevel: "silent" });
  const receiver = await startReceiver();
  const client = new CallAutomationClient(info.connectionString, { allowInsecureConnection: true });
  return {
    emulator,
    client,
    receiver,
    callbackUri: receiver.url("/callbacks"),
    url: info.url,
    connectionString: info.connectionString,
    async reset() {
      // Let deliveries already on the wire land first, so none arrives after the receiver is cleared.
      await emulator.whenIdle();
      await this.control("POST", "/emulator/reset");
      receiver.received.length = 0;
    },
    async control(method, path, body) {
      const response = await fetch(`${info.url}${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
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
      await emulator.close();
      await receiver.close();
    },
  };
}
