import type { Chooser, RunOutcome, Visit } from "./explorerRun.js";

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
}

/** A stable key for a cost, so the cheapest pending prefix is taken first. */
const key = (cost: OrderCost) => cost.duplicates * 1_000_000 + cost.moved;

/**
 * Every leaf of the choice tree once, rerunning from the start for each (stateless search),
 * cheapest first: the plain order, then orders that move one event, two events..., and orders
 * with copies only after every copy-free order. The first failure found is therefore a cheapest
 * one, and the orders run so far are every order below a cost, which is what the report states.
 */
export async function searchByCost(
  run: (choose: Chooser, visit?: Visit) => Promise<RunOutcome>,
  options: { maxRuns: number; all: boolean; prune: boolean; onRun(outcome: RunOutcome): void },
): Promise<SearchProgress> {
  const buckets = new Map<number, Array<{ prefix: number[]; cost: OrderCost }>>();
  const push = (prefix: number[], cost: OrderCost) => {
    const k = key(cost);
    if (!buckets.has(k)) buckets.set(k, []);
    buckets.get(k)!.push({ prefix, cost });
  };
  push([], { duplicates: 0, moved: 0 });
  const failing: RunOutcome[] = [];
  let runs = 0;
  // State-based pruning: the cheapest cost at which each state was reached. A state reached
  // again at no smaller cost has its futures explored already (or queued, cheapest first).
  const visited = new Map<string, number>();
  let pruned = 0;
  let stateless = options.prune ? undefined : "state-based pruning was turned off";
  const totals = () => ({ states: visited.size, pruned, stateless });
  for (;;) {
    const cheapest = Math.min(...buckets.keys());
    if (!Number.isFinite(cheapest)) return { runs, failing, exhaustive: true, notRun: 0, ...totals() };
    const bucket = buckets.get(cheapest)!;
    if (runs >= options.maxRuns || (failing.length > 0 && !options.all)) {
      const notRun = [...buckets.values()].reduce((n, b) => n + b.length, 0);
      return { runs, failing, exhaustive: false, notRun, completeBelow: bucket[0].cost, ...totals() };
    }
    const { prefix, cost } = bucket.shift()!;
    if (bucket.length === 0) buckets.delete(cheapest);
    let spent = 0;
    const choose: Chooser = (candidates, step) => {
      const choice = prefix[step] ?? 0;
      const picked = candidates[choice];
      spent += picked?.kind === "event" && picked.duplicate ? 1_000_000 : choice > 0 ? 1 : 0;
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
            const before = visited.get(state.fingerprint);
            if (before !== undefined && before <= spent) return false;
            visited.set(state.fingerprint, spent);
            return true;
          }
        : undefined;
    const outcome = await run(choose, visit);
    if (outcome.pruned) pruned++;
    runs++;
    options.onRun(outcome);
    if (outcome.failure) failing.push(outcome);
    for (let depth = prefix.length; depth < outcome.choices.length; depth++) {
      for (let alt = 1; alt < outcome.branching[depth]; alt++) {
        const copy = alt >= outcome.duplicateFrom[depth];
        push([...outcome.choices.slice(0, depth), alt], { duplicates: cost.duplicates + (copy ? 1 : 0), moved: cost.moved + (copy ? 0 : 1) });
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
  for (let improved = true; improved && runs < budget; ) {
    improved = false;
    const deviations = best.choices.flatMap((choice, step) => (choice > 0 ? [step] : []));
    const variants = deviations.flatMap((step) => [best.choices.slice(0, step), best.choices.map((c, i) => (i === step ? 0 : c))]);
    for (const path of variants) {
      if (runs >= budget) break;
      // A changed step changes what comes after it: a choice beyond the candidates falls back to the plain one.
      const outcome = await run((candidates, step) => (path[step] !== undefined && path[step] < candidates.length ? path[step] : 0));
      runs++;
      onRun(outcome);
      if (outcome.failure && compareOutcomes(outcome, best) < 0) {
        best = outcome;
        improved = true;
        break;
      }
    }
  }
  return { outcome: best, runs };
}
