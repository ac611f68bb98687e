import type { ExploreCoverage, ExploreResult, ShardCoverage } from "./explorer.js";
import { pctText } from "./explorerPct.js";
import type { TraceEntry } from "./explorerRun.js";

/** The explorer's report in words: what a search covered, and a failing run as a diagram. */

/** "1 copy", "2 copies". */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What the systematic search guarantees, in words. */
export function coverageText(result: Pick<ExploreResult, "exhaustive" | "coverage">): string {
  const { coverage } = result;
  if (coverage.pct) return `not exhaustive: ${pctText(coverage.pct)}`;
  const part = coverage.shard ? `${shardText(coverage.shard)}: ` : "";
  if (result.exhaustive) return `${part}exhaustive: ${allOrders(coverage)}`;
  if (coverage.divergent && coverage.notRun === 0) return `${coverage.systematic} orders run, but the app did not act the same way in reruns (${coverage.divergent} step(s)): not a guarantee`;
  const below = coverage.completeBelow;
  const complete = !below
    ? ""
    : below.duplicates === 0
      ? below.moved === 0
        ? "; not even the plain order was run"
        : below.moved === 1
          ? "; the plain order was run"
          : `; every order without copies that moves at most ${below.moved - 1} event(s) was run`
      : below.duplicates === 1
        ? "; every order without copies was run"
        : `; every order with at most ${below.duplicates - 1} copies was run`;
  const share = Math.floor((100 * coverage.systematic) / (coverage.systematic + coverage.notRun));
  const sampled = coverage.sampled > 0 ? `, then ${coverage.sampled} seeded random orders` : "";
  return `${part}not exhaustive: ${coverage.systematic} orders run of at least ${coverage.systematic + coverage.notRun} (at most ${share}%)${complete}${sampled}${pruning(coverage)}`;
}

/** Which shard this was and what it covered. */
export function shardText(shard: ShardCoverage): string {
  if (shard.of === 0) return `shard ${shard.index}/${shard.count} (the search ended in the ${shard.sharedRuns} runs every shard makes alike, so this shard ran all of it)`;
  return `shard ${shard.index}/${shard.count} (the ${shard.sharedRuns} runs every shard makes alike, then ${shard.pieces} of the ${shard.of} prefixes they split into)`;
}

/** "all N allowed orders", or with state-based pruning, how many runs covered every allowed order. */
export function allOrders(coverage: ExploreCoverage): string {
  if (coverage.states === 0 || coverage.stateless) return `all ${coverage.systematic} allowed orders${pruning(coverage)}`;
  return `all allowed orders, in ${coverage.systematic} runs${pruning(coverage)}`;
}

/** What state-based pruning did, or why there was none. */
function pruning(coverage: ExploreCoverage): string {
  if (coverage.stateless) return ` (without state-based pruning: ${coverage.stateless})`;
  if (coverage.states === 0) return "";
  return ` (${coverage.pruned} cut short at a state already explored; ${coverage.states} distinct states)`;
}

export function describe(entry: TraceEntry): string {
  switch (entry.kind) {
    case "request":
      return `app calls ${entry.label}`;
    case "response":
      return `app gets ${entry.label}`;
    case "event":
      return `${entry.type}${entry.duplicate ? " (again)" : ""}`;
    case "advance":
      return entry.label;
  }
}

/** A Mermaid sequence diagram of one run, ending with why it failed. */
export function diagram(trace: TraceEntry[], failure?: string): string {
  const lines = ["sequenceDiagram", "  participant App", "  participant ACS as callsim"];
  for (const entry of trace) {
    if (entry.kind === "request") lines.push(`  App->>ACS: ${entry.label}`);
    else if (entry.kind === "response") lines.push(`  ACS-->>App: ${entry.label}`);
    else if (entry.kind === "event") lines.push(`  ACS-)App: ${entry.type}${entry.duplicate ? " (duplicate)" : ""}`);
    else lines.push(`  Note over ACS: ${entry.label}`);
  }
  if (failure) lines.push(`  Note over App: FAILED: ${failure.replace(/[;#]/g, " ")}`);
  return lines.join("\n");
}

