import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { validateCallbackEvent } from "../../contracts/validator.js";
import type { CallConnection, CallMedia, CreateCallOptions } from "@azure/communication-call-automation";
import type { PartyInput } from "../../emulator/engine/world.js";
import { startHarness, type Harness } from "./harness.js";

/** The simulated caller of the media suites, and the number the app calls from. */
export const CALLER = "4:+14255550123";
export const CALLER_ID = { phoneNumber: "+18005550100" };
export const caller = { phoneNumber: "+14255550123" };

/** A connected 1:1 call from the app to CALLER, whose scripted input is `input`. */
export async function connectedCall(
  h: Harness,
  input: PartyInput[] = [],
  options: CreateCallOptions = {},
): Promise<{ id: string; serverCallId: string; connection: CallConnection; media: CallMedia }> {
  if (input.length > 0) {
    const set = await h.control("PUT", `/emulator/parties/${encodeURIComponent(CALLER)}`, { input });
    if (set.status !== 200) throw new Error(`PUT party failed: ${JSON.stringify(set.body)}`);
  }
  const result = await h.client.createCall({ targetParticipant: caller, sourceCallIdNumber: CALLER_ID }, h.callbackUri, options);
  const id = result.callConnectionProperties.callConnectionId!;
  const connected = await h.waitForEvent("CallConnected", id);
  return { id, serverCallId: connected.serverCallId, connection: result.callConnection, media: result.callConnection.getCallMedia() };
}

/** Runs what is due now: virtual time stays put, the real clock runs its zero-delay work. */
export async function due(h: Harness): Promise<void> {
  if (h.emulator.clock) h.emulator.advance(0);
  else await h.emulator.settle();
}

/** Milliseconds between the first `from` and the first `to` event of a connection, by their `time` stamps. */
export function elapsed(h: Harness, id: string, from: string, to: string): number {
  const time = (type: string) => {
    const event = h.receiver.events().find((e) => e.type === `Microsoft.Communication.${type}` && e.data?.callConnectionId === id);
    if (!event) throw new Error(`no ${type} for ${id}`);
    return Date.parse(String(event.time).replace(/(\.\d{3})\d+/, "$1"));
  };
  return time(to) - time(from);
}

/** A text play source. */
export const text = (value: string) => ({ kind: "textSource" as const, text: value, voiceName: "en-US-NancyNeural" });
/** A file play source. */
export const file = (url: string) => ({ kind: "fileSource" as const, url });

/** Every callback event received so far conforms to the spec's model of its type. */
export function expectEventsMatchSpec(h: Harness): void {
  const problems = h.receiver
    .events()
    .filter((e) => typeof e.type === "string")
    .flatMap((e) => validateCallbackEvent(e).map((v) => `${e.type} ${v.path} ${v.message}`));
  expect(problems).toEqual([]);
}

/**
 * The life of a media suite's harness: started once per transport, reset before each test,
 * every callback event checked against the spec after it, closed at the end. The returned
 * object stands for the harness once it has started.
 */
export function useMediaHarness(options: Parameters<typeof startHarness>[0]): Harness {
  let current: Harness | undefined;
  beforeAll(async () => {
    current = await startHarness(options);
  });
  afterAll(() => current?.close());
  afterEach(() => expectEventsMatchSpec(current!));
  beforeEach(() => current!.reset());
  return new Proxy({} as Harness, { get: (_, key) => (current as unknown as Record<string | symbol, unknown>)[key] });
}

/** The event log's note on the first `type` event of a connection: callsim's explanation, never sent. */
export function noteOf(h: Harness, type: string, id: string): string | undefined {
  return h.emulator.events({ callConnectionId: id, type }).at(0)?.note;
}
