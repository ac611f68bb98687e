import type { Chooser, RunOutcome, Visit } from "./explorerRun.js";
import { independent, moveOf, type Independence, type Move } from "./explorerIndependence.js";

/** How far an order strays from the plain one: copies delivered, events moved ahead of their turn. */
export interface OrderCost {
  duplicates: number;
  moved: number;
}

/** The cost of a run's choices: a choice from `duplicateFrom` on is a copy, any other non-zero choice a move. */
export function costOf(outcome: Pick<RunOutcome, "choices" | "duplicateFrom">): OrderCost {
  let duplicates = 0;
  let moved = 0;
  outcome.choices.forEach((choice, step) => {
    if (choice >= outcome.duplicateFrom[step]) duplicates++;
    else if (choice > 0) moved++;
  });
  return { duplicates, moved };
}

/** Fewer copies first, then fewer moved events, then a shorter run. */
export function compareOutcomes(a: RunOutcome, b: RunOutcome): number {
  const ca = costOf(a);
  const cb = costOf(b);
  return ca.duplicates - cb.duplicates || ca.moved - cb.moved || a.trace.length - b.trace.length;
}

/** Where a systematic search stopped. */
export interface SearchProgress {
  runs: number;
  failing: RunOutcome[];
  /** True when the whole tree was run. */
  exhaustive: boolean;
  /** Orders known to exist but not run (a lower bound on what is left). */
  notRun: number;
  /** Every order cheaper than this was run (undefined when exhaustive). */
  completeBelow?: OrderCost;
  /** Distinct states reached (0 when the search did not prune by state). */
  states: number;
  /** Runs cut short at a state explored before, at no greater cost. */
  pruned: number;
  /** Why the search could not prune by state, when it could not. */
  stateless?: string;
  /** The states reached, by fingerprint (what a shard hands back, and a later search may inherit). */
  visited: Visited;
  /** With `splitAt`: the prefixes left to explore, cheapest first, when the search stopped to split them. */
  pending?: Pending[];
}

/** What state-based pruning remembers of each state: the cheapest cost it was reached at, the copies then left, what was asleep. */
export type Visited = Map<string, { spent: number; copiesLeft: number; sleep: Set<string> }>;

/** A stable key for a cost, so the cheapest pending prefix is taken first. */
const key = (cost: OrderCost) => cost.duplicates * 1_000_000 + cost.moved;

/** A queued prefix: the choices to replay, their cost, and the moves asleep at the state it leads to. */
export interface Pending {
  prefix: number[];
  cost: OrderCost;
  sleep: Move[];
}

/**
 * Every leaf of the choice tree once, rerunning from the start for each (stateless search),
 * cheapest first: the plain order, then orders that move one event, two events..., and orders
 * with copies only after every copy-free order. The first failure found is therefore a cheapest
 * one, and the orders run so far are every order below a cost, which is what the report states.
 *
 * Two reductions, each sound on its own assumption: with `prune`, a run stops at a state
 * explored before at no smaller cost (the fingerprint holds all that decides the future); with
 * `independence`, sleep sets (Godefroid) skip an order that differs from one already queued only
 * by swapping independent events. A run's free part then takes the first step not asleep, which
 * may move an event; its cost counts that.
 */
export async function searchByCost(
  run: (choose: Chooser, visit?: Visit) => Promise<RunOutcome>,
  options: {
    maxRuns: number;
    all: boolean;
    prune: boolean;
    independence?: Independence;
    onRun(outcome: RunOutcome): void;
    /** Where to start: these prefixes (a shard's part of the tree) instead of the whole tree. */
    start?: Pending[];
    /** States already explored, or whose futures are queued elsewhere (a split's shared part). */
    visited?: Visited;
    /** Stop, before running anything more, once this many prefixes are queued: they are the pieces to share out. */
    splitAt?: number;
    /** Runs made before `splitAt` is heeded: a small search is not worth splitting. Default 0. */
    splitAfter?: number;
  },
): Promise<SearchProgress> {
  const independence = options.independence ?? "none";
  const buckets = new Map<number, Pending[]>();
  const push = (entry: Pending) => {
    const k = key(entry.cost);
    if (!buckets.has(k)) buckets.set(k, []);
    buckets.get(k)!.push(entry);
  };
  for (const entry of options.start ?? [{ prefix: [], cost: { duplicates: 0, moved: 0 }, sleep: [] }]) push(entry);
  const failing: RunOutcome[] = [];
  let runs = 0;
  // State-based pruning: the cheapest cost at which each state was reached, the copies left and
  // what was asleep there. A state reached again at no smaller cost, with no more copies left
  // and at least as much asleep, has its futures explored already (or queued, cheapest first).
  const visited: Visited = new Map(options.visited);
  let pruned = 0;
  let stateless = options.prune ? undefined : "state-based pruning was turned off";
  const totals = () => ({ states: visited.size, pruned, stateless, visited });
  const queued = () => [...buckets.values()].reduce((n, b) => n + b.length, 0);
  const add = (cost: OrderCost, copy: boolean, choice: number): OrderCost =>
    copy ? { duplicates: cost.duplicates + 1, moved: cost.moved } : { duplicates: cost.duplicates, moved: cost.moved + (choice > 0 ? 1 : 0) };
  for (;;) {
    const cheapest = Math.min(...buckets.keys());
    if (!Number.isFinite(cheapest)) return { runs, failing, exhaustive: true, notRun: 0, ...totals() };
    const bucket = buckets.get(cheapest)!;
    if (options.splitAt !== undefined && runs >= (options.splitAfter ?? 0) && queued() >= options.splitAt && (failing.length === 0 || options.all)) {
      const pending = [...buckets.keys()].sort((a, b) => a - b).flatMap((k) => buckets.get(k)!);
      return { runs, failing, exhaustive: false, notRun: pending.length, completeBelow: bucket[0].cost, ...totals(), pending };
    }
    if (runs >= options.maxRuns || (failing.length > 0 && !options.all)) {
      return { runs, failing, exhaustive: false, notRun: queued(), completeBelow: bucket[0].cost, ...totals() };
    }
    const { prefix, cost, sleep } = bucket.shift()!;
    if (bucket.length === 0) buckets.delete(cheapest);
    // Past the prefix: at each decision, the candidates, what was asleep, and the cost so far.
    const nodes: Array<{ moves: Move[]; asleep: Move[]; cost: OrderCost }> = [];
    let spent = cost;
    let asleep = sleep;
    const choose: Chooser = (candidates, step) => {
      if (step < prefix.length) return prefix[step];
      const moves = candidates.map(moveOf);
      const sleeping = new Set(asleep.map((m) => m.key));
      const choice = moves.findIndex((m) => !sleeping.has(m.key));
      // Every candidate asleep: each order from here is covered where its first step was taken.
      if (choice < 0) return -1;
      nodes[step] = { moves, asleep, cost: spent };
      spent = add(spent, moves[choice].copy, choice);
      asleep = asleep.filter((m) => independent(m, moves[choice], independence));
      return choice;
    };
    // The states before decision prefix.length were reached by the run that queued this prefix.
    const visit: Visit | undefined =
      stateless === undefined
        ? (step, fingerprint) => {
            if (step < prefix.length || stateless !== undefined) return true;
            const state = fingerprint();
            if (!("fingerprint" in state)) {
              stateless = `the app's state cannot be fingerprinted: ${state.why}`;
              return true;
            }
            const now = key(spent);
            const sleeping = new Set(asleep.map((m) => m.key));
            const before = visited.get(state.fingerprint);
            const copiesLeft = state.copiesLeft ?? 0;
            if (before !== undefined && before.spent <= now && before.copiesLeft >= copiesLeft && [...before.sleep].every((k) => sleeping.has(k))) return false;
            visited.set(state.fingerprint, { spent: now, copiesLeft, sleep: sleeping });
            return true;
          }
        : undefined;
    const outcome = await run(choose, visit);
    if (outcome.pruned) pruned++;
    runs++;
    options.onRun(outcome);
    if (outcome.failure) failing.push(outcome);
    for (let depth = prefix.length; depth < outcome.choices.length; depth++) {
      // Every decision past the prefix made its node: a chooser's -1 ends the run before it is a choice.
      const node = nodes[depth]!;
      const taken = outcome.choices[depth];
      const sleeping = new Set(node.asleep.map((m) => m.key));
      // Siblings in the order they count as explored: the step taken, then the others by index.
      const done: Move[] = [...node.asleep, node.moves[taken]];
      for (let alt = 0; alt < outcome.branching[depth]; alt++) {
        const move = node.moves[alt];
        if (alt === taken || sleeping.has(move.key)) continue;
        push({ prefix: [...outcome.choices.slice(0, depth), alt], cost: add(node.cost, move.copy, alt), sleep: done.filter((m) => independent(m, move, independence)) });
        done.push(move);
      }
    }
  }
}

/**
 * Shrinks a failing order as fast-check shrinks a counterexample: tries the order with one
 * deviation undone, or cut short after a deviation (the plain steps after it), and keeps any
 * variant that still fails and is cheaper, until none is or `budget` runs are spent.
 */
export async function shrink(failing: RunOutcome, run: (choose: Chooser) => Promise<RunOutcome>, budget: number, onRun: (outcome: RunOutcome) => void): Promise<{ outcome: RunOutcome; runs: number }> {
  let best = failing;
  let runs = 0;
  // The budget is checked before each run below; a pass that spends it ends with improved false.
  for (let improved = true; improved; ) {
    improved = false;
    const deviations = best.choices.flatMap((choice, step) => (choice > 0 ? [step] : []));
    const variants = deviations.flatMap((step) => [best.choices.slice(0, step), best.choices.map((c, i) => (i === step ? 0 : c))]);
    for (const path of variants) {
      if (runs >= budget) break;
      // A changed step changes what comes after it: a choice beyond the candidates falls back to the plain one.
      const outcome = await run((candidates, step) => {
        const choice = path[step] ?? 0;
        return choice < candidates.length ? choice : 0;
      });
      runs++;
      onRun(outcome);
      // Stryker disable next-line EqualityOperator: no variant ties its order: every step offers a plain candidate first (an "end" when only copies are left), so cutting short removes a deviation outright, and undoing one leaves fewer copies or, with as many, one move fewer
      if (outcome.failure && compareOutcomes(outcome, best) < 0) {
        best = outcome;
        improved = true;
        break;
      }
    }
  }
  return { outcome: best, runs };
}
