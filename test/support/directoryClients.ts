import { CommunicationIdentityClient } from "@azure/communication-identity";
import { RoomsClient } from "@azure/communication-rooms";
import type { Harness } from "./harness.js";

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
