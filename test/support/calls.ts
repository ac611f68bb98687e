import { expect } from "vitest";
import type { Harness } from "./harness.js";

/** ACS user `n` of the simulated world, as a raw id. */
export const acsUser = (n: number) => `8:acs:11111111-1111-1111-1111-111111111111_0000000${n}-0000-0000-0000-000000000000`;

/** Places a group call from the app to ACS users 1..n and waits until all of them are in it. */
export async function groupCall(h: Harness, n: number) {
  const targets = Array.from({ length: n }, (_, i) => ({ communicationUserId: acsUser(i + 1) }));
  const result = await h.client.createGroupCall(targets, h.callbackUri);
  const id = result.callConnectionProperties.callConnectionId!;
  await h.waitForEvent("ParticipantsUpdated", id, (d) => d.participants.length === n + 1);
  return { id, connection: result.callConnection, serverCallId: result.callConnectionProperties.serverCallId! };
}

/** Calls ACS user `rawId` from the app and waits until they are in the call (its first roster). */
export async function callTo(h: Harness, rawId: string) {
  const result = await h.client.createCall({ targetParticipant: { communicationUserId: rawId } }, h.callbackUri);
  const id = result.callConnectionProperties.callConnectionId!;
  await h.waitForEvent("ParticipantsUpdated", id);
  return { id, connection: result.callConnection, serverCallId: result.callConnectionProperties.serverCallId! };
}

/** Subscribes the receiver's `path` to Event Grid (all event types unless named) and checks it is active. */
export async function subscribeEventGrid(h: Harness, path = "/eventgrid", eventTypes?: string[]): Promise<void> {
  const subscribed = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url(path), eventTypes });
  expect(subscribed.body.state).toBe("active");
}

/** What an SDK call's refusal says: status, code, message and the field its body names (`error.target`). */
export interface Refusal {
  status: number;
  code: string;
  message: string;
  target: string | undefined;
}

/** Awaits an SDK call that must be refused and returns the refusal. */
export async function refusal(promise: Promise<unknown>): Promise<Refusal> {
  const error: any = await promise.then(
    () => undefined,
    (e) => e,
  );
  expect(error, "the request should have been refused").toBeDefined();
  return { status: error.statusCode, code: error.code, message: String(error.message), target: error.details?.error?.target };
}

/** The raw id of an identifier the SDK parsed (an ACS user's comes as communicationUserId alone). */
export function rawIdOf(identifier: unknown): string {
  const id = identifier as { rawId?: string; communicationUserId?: string };
  return id.rawId ?? id.communicationUserId!;
}
