import type { Faker } from "@faker-js/faker";
// The English build only: the package root loads every locale (about 0.5 s and 40 MB at start).
import { faker as english } from "@faker-js/faker/locale/en";

/** Faker's class, from the English instance, so each engine gets its own seeded generator. */
const FakerClass = english.constructor as typeof Faker;

/**
 * Every id and every piece of generated data comes from here, so one seed reproduces a run.
 * Shapes follow what the service returns (see reference/callautomation/CONTRACT.md §7, §12).
 */
export interface IdGenerator {
  readonly seed: number;
  uuid(): string;
  /** Base64 of a conversation URL, as real serverCallIds are. */
  serverCallId(): string;
  /** `8:acs:<resource>_<user>`: exactly one underscore, so SDK parsers see a communicationUser. */
  acsUserId(resourceId: string): string;
  /** A JWT-shaped opaque context, as the service hands out in IncomingCall. */
  incomingCallContext(payload: Record<string, string>): string;
  /** A display name for a simulated caller. */
  displayName(): string;
}

export function createIdGenerator(seed: number): IdGenerator {
  const faker = new FakerClass({ locale: english.rawDefinitions });
  faker.seed(seed);
  return {
    seed,
    uuid: () => faker.string.uuid(),
    serverCallId: () => {
      const conv = faker.string.alphanumeric(22);
      const url = `https://api.callsim.local/api/v2/cp/conv-callsim-01.conv.callsim.local/conv/${conv}?i=10-0-0-1&e=${faker.string.numeric(18)}`;
      return base64(url);
    },
    acsUserId: (resourceId) => `8:acs:${resourceId}_${faker.string.uuid()}`,
    incomingCallContext: (payload) => {
      const header = base64Url(JSON.stringify({ alg: "none", typ: "JWT" }));
      const body = base64Url(JSON.stringify({ ...payload, nonce: faker.string.alphanumeric(16) }));
      return `${header}.${body}.`;
    },
    displayName: () => faker.person.fullName(),
  };
}

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function base64Url(text: string): string {
  return base64(text).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}
