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

/**
 * The names a seed's Faker makes, in order, kept for the last few seeds: building a Faker costs
 * more than a short call flow, and the explorer makes an engine per order, all on one seed.
 * Faker's draws for names depend only on the seed and how many came before, so the nth name
 * of a seed is the same whether it is made now or taken from here.
 */
const NAMES_BY_SEED = new Map<number, { faker: Faker; names: string[] }>();
/** Seeds whose names are kept; the oldest is dropped beyond this. */
const NAME_SEEDS_KEPT = 8;
/**
 * Names kept per seed: enough for any explored flow. A server runs one seed for days, so its
 * names past this are drawn by an engine's own Faker, not kept for ever.
 */
const NAMES_KEPT = 256;

function seededFaker(seed: number): Faker {
  const faker = new FakerClass({ locale: english.rawDefinitions });
  faker.seed(seed);
  return faker;
}

function displayNameOf(seed: number, n: number): string {
  let kept = NAMES_BY_SEED.get(seed);
  // Stryker disable next-line ConditionalExpression: keeping names only saves work; a seed's names made again are the same names
  if (!kept) {
    const faker = seededFaker(seed);
    kept = { faker, names: [] };
    NAMES_BY_SEED.set(seed, kept);
    // Stryker disable next-line all: keeping names only saves work; a seed's nth name is the same kept, dropped or made again.
    if (NAMES_BY_SEED.size > NAME_SEEDS_KEPT) NAMES_BY_SEED.delete(NAMES_BY_SEED.keys().next().value!);
  }
  while (kept.names.length <= n) kept.names.push(kept.faker.person.fullName());
  return kept.names[n];
}

export function createIdGenerator(seed: number): IdGenerator {
  let names = 0;
  // Past the kept names: this engine's own Faker, moved on past them once.
  let ownFaker: Faker | undefined;
  const displayName = (): string => {
    const n = names++;
    if (n < NAMES_KEPT) return displayNameOf(seed, n);
    if (!ownFaker) {
      ownFaker = seededFaker(seed);
      for (let i = 0; i < NAMES_KEPT; i++) ownFaker.person.fullName();
    }
    return ownFaker.person.fullName();
  };
  // Ids are drawn a 32-bit word at a time from a small seeded generator of their own: faker's
  // helpers cost a sixth of a createCall, and ids need only be unique and reproducible.
  // Faker, seeded alike, still makes the data a person would read (names).
  const word = sfc32(seed);
  const chars = (alphabet: string, length: number) => {
    // Character codes, made into a string once: appending a character at a time made a string
    // per character, a kilobyte and a half of garbage for each serverCallId.
    // Stryker disable next-line ArrayDeclaration: the size only spares the array growing; the codes are the same.
    const codes: number[] = new Array(length);
    let n = 0;
    while (n < length) {
      // Five characters a word: 62^5 and 10^5 both fit under 2^32.
      let w = word();
      for (let i = 0; i < 5 && n < length; i++, w = Math.floor(w / alphabet.length)) codes[n++] = alphabet.charCodeAt(w % alphabet.length);
    }
    return String.fromCharCode.apply(null, codes);
  };
  const uuid = () => {
    const a = word();
    const b = word();
    const c = word();
    const d = word();
    // Written as character codes into one flat string: a template of hex pieces made a tree of
    // concatenated strings that kept 440 bytes alive per id, against 57, and took five times
    // as long. Version 4, RFC 4122 variant, as the service's ids are.
    const out = UUID_SCRATCH;
    hexDigits(out, 0, a, 0, 8);
    out[8] = DASH;
    hexDigits(out, 9, b, 0, 4);
    out[13] = DASH;
    out[14] = FOUR;
    hexDigits(out, 15, b, 5, 3);
    out[18] = DASH;
    out[19] = VARIANT[(c >>> 28) & 3];
    hexDigits(out, 20, c, 1, 3);
    out[23] = DASH;
    hexDigits(out, 24, c, 4, 4);
    hexDigits(out, 28, d, 0, 8);
    return String.fromCharCode.apply(null, out);
  };
  return {
    seed,
    uuid,
    serverCallId: () => {
      const conv = chars(ALPHANUMERIC, 22);
      const url = `https://api.callsim.local/api/v2/cp/conv-callsim-01.conv.callsim.local/conv/${conv}?i=10-0-0-1&e=${chars(DIGITS, 18)}`;
      return btoa(url);
    },
    acsUserId: (resourceId) => `8:acs:${resourceId}_${uuid()}`,
    incomingCallContext: (payload) => {
      const header = base64Url(JSON.stringify({ alg: "none", typ: "JWT" }));
      const body = base64Url(JSON.stringify({ ...payload, nonce: chars(ALPHANUMERIC, 16) }));
      return `${header}.${body}.`;
    },
    displayName,
  };
}

/**
 * SFC32 (Chris Doty-Humphrey's Small Fast Counting generator), its state spread from the seed
 * by SplitMix32: well-distributed 32-bit words for a few integer operations each.
 */
function sfc32(seed: number): () => number {
  let s = seed >>> 0;
  const splitMix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitMix();
  let b = splitMix();
  let c = splitMix();
  let d = splitMix();
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
}

const HEX_CODES = Array.from("0123456789abcdef", (digit) => digit.charCodeAt(0));
const VARIANT = Array.from("89ab", (digit) => digit.charCodeAt(0));
const DASH = "-".charCodeAt(0);
const FOUR = "4".charCodeAt(0);
/** The character codes of the id being written (ids are made one at a time). */
// Stryker disable next-line ArrayDeclaration: the size only spares the array growing; every id writes all 36 codes.
const UUID_SCRATCH: number[] = new Array(36).fill(0);

/** Writes `count` hex digits of `word`, from its `from`-th (most significant first), at `at`. */
function hexDigits(out: number[], at: number, word: number, from: number, count: number): void {
  for (let k = 0; k < count; k++) out[at + k] = HEX_CODES[(word >>> (28 - 4 * (from + k))) & 15];
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const DIGITS = "0123456789";

/** Base64url (no padding) of bytes, as JWT segments and signatures are written. */
export function base64UrlBytes(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  // Stryker disable next-line Regex: "=" appears in base64 only as its end padding, so the anchor changes nothing
  return btoa(binary).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

/** Base64url (no padding) of UTF-8 text (payloads may carry non-ASCII display names). */
export function base64Url(text: string): string {
  return base64UrlBytes(new TextEncoder().encode(text));
}
