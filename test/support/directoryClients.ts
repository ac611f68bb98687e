import type { CommunicationUserIdentifier } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { RoomsClient } from "@azure/communication-rooms";
import { DEFAULT_ACCESS_KEY } from "../../emulator/emulator.js";
import { signHmacRequest } from "../../emulator/http/auth.js";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startHarness, type Harness, type Transport } from "./harness.js";

/** Client options that reach the harness's emulator the way its Call Automation client does. */
function clientOptions(h: Harness) {
  if (h.transport === "server") return { allowInsecureConnection: true };
  if (h.transport === "direct") return { httpClient: h.emulator.httpClient() };
  return {};
}

/** The official Identity SDK, built from the same connection string as the harness's client. */
export function identityClientFor(h: Harness): CommunicationIdentityClient {
  return new CommunicationIdentityClient(h.connectionString, clientOptions(h));
}

/** The official Rooms SDK, built from the same connection string as the harness's client. */
export function roomsClientFor(h: Harness): RoomsClient {
  return new RoomsClient(h.connectionString, clientOptions(h));
}

/**
 * A request signed as the SDKs sign it, through the harness's route table: for what the SDKs
 * cannot send (another api-version, a field they refuse client-side).
 */
export async function signedRequest(h: Harness, method: string, pathAndQuery: string, body?: unknown, signed = true, extraHeaders: Record<string, string> = {}) {
  const rawBody = body === undefined ? "" : JSON.stringify(body);
  const auth = signed ? signHmacRequest({ method, url: `${h.url}${pathAndQuery}`, body: rawBody }, DEFAULT_ACCESS_KEY) : {};
  const headers = { ...extraHeaders, ...auth, host: new URL(h.url).host, "content-type": "application/json" };
  const response = await h.emulator.handle({ method, url: pathAndQuery, headers, rawBody, protocol: h.url.startsWith("https") ? "https" : "http" });
  return { status: response.status, headers: response.headers, body: JSON.parse(String(response.body ?? "null")) };
}

/** What a Rooms suite's tests work with: set up before each test. */
export interface RoomsSuite {
  h: Harness;
  rooms: RoomsClient;
  presenter: CommunicationUserIdentifier;
  attendee: CommunicationUserIdentifier;
  /** A user of the resource whom no room invites. */
  stranger: CommunicationUserIdentifier;
  /** Forgets everything and makes three fresh users. */
  reset(): Promise<void>;
}

/** A harness on `transport` with a Rooms client; before each test, a reset and three fresh ACS users. */
export function roomsSuite(transport: Transport): RoomsSuite {
  const suite = {
    async reset() {
      await suite.h.reset();
      const identity = identityClientFor(suite.h);
      [suite.presenter, suite.attendee, suite.stranger] = await Promise.all([identity.createUser(), identity.createUser(), identity.createUser()]);
    },
  } as RoomsSuite;
  beforeAll(async () => {
    suite.h = await startHarness({ transport });
    suite.rooms = roomsClientFor(suite.h);
  });
  afterAll(() => suite.h.close());
  beforeEach(() => suite.reset());
  return suite;
}

/** Every item of a paged SDK listing (listRooms, listParticipants), in order. */
export async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
