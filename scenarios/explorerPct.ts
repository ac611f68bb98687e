import { ExploreSetupError } from "./exploreErrors.js";
import type { Chooser, RunOutcome } from "./explorerRun.js";
import type { SearchProgress } from "./explorerSearch.js";
import { moveOf } from "./explorerIndependence.js";

/**
 * Probabilistic concurrency testing (PCT; Burckhardt, Kothari, Musuvathi and Nagarakatte,
 * ASPLOS 2010), as Microsoft Coyote runs it, over delivery orders: every step the service may
 * take (an event, a copy, a held answer, time moving on) gets a random priority when it is
 * first offered, the highest-priority step goes next, and at d-1 random points the step about
 * to go is lowered below all others. For n steps offered in all and runs of at most k steps,
 * each run meets a given bug of depth d (one that needs d ordering constraints) with
 * probability at least 1/(n*k^(d-1)).
 */

/** Default bug depth a PCT run targets. */
export const DEFAULT_PCT_DEPTH = 3;

/** What a PCT search guarantees, from its figures. */
export interface PctGuarantee {
  runs: number;
  /** The bug depth targeted. */
  depth: number;
  /** n: distinct steps offered in a run, the largest seen. */
  steps: number;
  /** k: the length of the longest run seen. */
  length: number;
  /** 1/(n*k^(d-1)): the least chance that one run meets a given bug of depth <= d. */
  perRun: number;
  /** 1-(1-perRun)^runs: the least chance that the runs made met it. */
  atLeast: number;
}

/** A PCT chooser for one run: `length` is k as estimated so far (the change points fall among its steps). */
export function pctChooser(random: () => number, depth: number, length: number, offered: Set<string>): Chooser {
  const priority = new Map<string, number>();
  // Change point i (1..d-1) lowers the step about to go at a random step to priority d-i, below every initial one (>= d).
  const changes = new Map<number, number>();
  for (let i = 1; i < depth; i++) changes.set(Math.floor(random() * Math.max(1, length)), depth - i);
  return (candidates, step) => {
    const keys = candidates.map((c) => moveOf(c).key);
    for (const key of keys) {
      offered.add(key);
      if (!priority.has(key)) priority.set(key, depth + random());
    }
    const highest = () => keys.reduce((best, key, i) => (priority.get(key)! > priority.get(keys[best])! ? i : best), 0);
    let chosen = highest();
    const lowered = changes.get(step);
    if (lowered !== undefined) {
      priority.set(keys[chosen], lowered);
      chosen = highest();
    }
    return chosen;
  };
}

/** The guarantee of `runs` PCT runs at `depth`, n steps offered and runs of at most k steps. */
export function pctGuarantee(runs: number, depth: number, steps: number, length: number): PctGuarantee {
  const perRun = 1 / (Math.max(1, steps) * Math.max(1, length) ** (depth - 1));
  return { runs, depth, steps, length, perRun, atLeast: 1 - (1 - perRun) ** runs };
}

/** The guarantee in words, for the report. */
export function pctText(g: PctGuarantee): string {
  const oneIn = Math.round(1 / g.perRun).toLocaleString("en-US");
  // Stryker disable next-line EqualityOperator: atLeast = 1 - (1 - 1/m)^runs for whole m and runs never lands exactly on 0.9995 or 0.01 (none does for m <= 200,000, runs <= 400), so the bounds' sides do not matter
  const percent = g.atLeast >= 0.9995 ? "over 99.9%" : `${(100 * g.atLeast).toFixed(g.atLeast < 0.01 ? 2 : 1)}%`;
  return (
    `prioritised random search (PCT), ${g.runs} runs at depth ${g.depth}: with n = ${g.steps} steps offered and runs of k = ${g.length} steps, ` +
    `each run meets any given bug of depth <= ${g.depth} with probability at least 1/(n*k^${g.depth - 1}) = 1/${oneIn}, so these runs met it with probability at least ${percent}`
  );
}

/** `maxRuns` PCT runs, seeded; stops at the first failure unless `all`. */
export async function pctSearch(run: (choose: Chooser) => Promise<RunOutcome>, random: () => number, maxRuns: number, depth: number, all: boolean, onRun: (outcome: RunOutcome) => void): Promise<SearchProgress & { pct: PctGuarantee }> {
  if (!Number.isInteger(depth) || depth < 1) throw new ExploreSetupError(`the PCT depth must be a whole number of at least 1, got ${depth}.`);
  const failing: RunOutcome[] = [];
  let length = 0;
  let steps = 0;
  let runs = 0;
  // The first run is the plain order; it measures k before any change point is drawn.
  for (; runs < maxRuns && (failing.length === 0 || all); runs++) {
    const offered = new Set<string>();
    const outcome = await run(runs === 0 ? () => 0 : pctChooser(random, depth, length, offered));
    length = Math.max(length, outcome.choices.length);
    steps = Math.max(steps, offered.size, outcome.choices.length);
    onRun(outcome);
    if (outcome.failure) failing.push(outcome);
  }
  return { runs, failing, exhaustive: false, notRun: 0, states: 0, pruned: 0, visited: new Map(), pct: pctGuarantee(runs, depth, steps, length) };
}
