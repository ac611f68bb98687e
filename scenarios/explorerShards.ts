import { ExploreSetupError } from "./exploreErrors.js";
import type { OrderCost, Pending, SearchProgress, Visited } from "./explorerSearch.js";

/**
 * Sharding: the search's tree cut into pieces that CI machines (`--shard i/n`, vitest's own
 * convention) or worker threads explore apart. Every shard first runs the same shared part of
 * the search, deterministic from the seed, until it has queued enough prefixes; the prefixes are
 * then dealt out round-robin, cheapest first. Each order is under exactly one prefix (or ran in
 * the shared part), so the union of the shards' orders is the whole search; a shard prunes only
 * at states it, or the shared part, explored, so the union of their states is every state the
 * whole search reaches.
 */

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Prefixes queued per part before the shared part stops and deals them out. */
export const PIECES_PER_PART = 4;

/** Reads `i/n` as vitest's `--shard` takes it. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || index < 1 || index > count) throw new ExploreSetupError(`--shard (or CALLSIM_SHARD) is <index>/<count> with 1 <= index <= count, e.g. 1/3; got "${text}".`);
  return { index, count };
}

/** The pieces part `index` (1-based) of `count` explores: every count-th prefix, from the index-th. */
export function piecesOf(pending: Pending[], part: Shard): Pending[] {
  return pending.filter((_, j) => j % part.count === part.index - 1);
}

/** What one part of a split search found, as it travels back from a worker thread. */
export interface PartResult {
  runs: number;
  failing: SearchProgress["failing"];
  exhaustive: boolean;
  notRun: number;
  completeBelow?: OrderCost;
  pruned: number;
  stateless?: string;
  /** The fingerprints of the states this part reached. */
  states: string[];
  divergent: number;
}

/** A part's progress as it travels. */
export function partResult(search: SearchProgress, divergent: number): PartResult {
  const { runs, failing, exhaustive, notRun, completeBelow, pruned, stateless } = search;
  return { runs, failing, exhaustive, notRun, completeBelow, pruned, stateless, states: [...search.visited.keys()], divergent };
}

/** The shared part and every part after it, as one search: states are counted once however many parts reached them. */
export function mergeParts(shared: SearchProgress, parts: PartResult[]): SearchProgress & { divergent: number } {
  // A part's states come back as fingerprints alone; where the shared part reached one too, its own entry stays.
  const unseen = (state: string) => [state, { spent: 0, copiesLeft: 0, sleep: new Set<string>() }] as const;
  const visited: Visited = new Map([...parts.flatMap((p) => p.states.map(unseen)), ...shared.visited]);
  const open = parts.filter((p) => !p.exhaustive);
  const below = open.flatMap((p) => p.completeBelow ?? []);
  const cheapest = below.sort((a, b) => a.duplicates - b.duplicates || a.moved - b.moved)[0];
  return {
    runs: shared.runs + parts.reduce((n, p) => n + p.runs, 0),
    failing: [...shared.failing, ...parts.flatMap((p) => p.failing)],
    exhaustive: open.length === 0,
    notRun: parts.reduce((n, p) => n + p.notRun, 0),
    completeBelow: cheapest,
    states: shared.stateless ? 0 : visited.size,
    pruned: shared.pruned + parts.reduce((n, p) => n + p.pruned, 0),
    stateless: shared.stateless ?? parts.find((p) => p.stateless)?.stateless,
    visited,
    divergent: parts.reduce((n, p) => n + p.divergent, 0),
  };
}
