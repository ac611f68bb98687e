import { ExploreSetupError } from "./exploreErrors.js";

/** Replay tokens, and the seeded generator behind sampling: both repeat from the seed. */

/**
 * `v2.<seed>.<choices>`: choices in base 36, dot-free. v2 numbers the candidates plain step
 * first (answers, events, time, end, copies); a v1 token meant another numbering.
 */
export function encodeToken(seed: number, choices: number[]): string {
  return `v2.${seed}.${choices.map((c) => c.toString(36)).join("-")}`;
}

export function decodeToken(token: string): number[] {
  const [version, , path = ""] = token.split(".");
  if (version === "v1") throw new ExploreSetupError(`The replay token "${token}" comes from an older callsim that numbered orders differently; explore again to get a v2 token.`);
  if (version !== "v2") throw new ExploreSetupError(`Unknown replay token "${token}"; tokens look like v2.<seed>.<choices>.`);
  return path ? path.split("-").map((c) => Number.parseInt(c, 36)) : [];
}

/** A small seeded PRNG (mulberry32), so sampling repeats from the seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
