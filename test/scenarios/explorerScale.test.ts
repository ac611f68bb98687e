import { describe, expect, test } from "vitest";
import { explore, type ExploreApp, type ExploreResult } from "../../scenarios/explorer.js";
import { inProcessBinding, runOnce } from "../../scenarios/explorerRun.js";
import { searchByCost, type SearchProgress } from "../../scenarios/explorerSearch.js";
import { parseShard, piecesOf, PIECES_PER_PART } from "../../scenarios/explorerShards.js";
import { SCENARIOS } from "../../scenarios/catalog/index.js";
import type { Scenario } from "../../scenarios/scenario.js";
import { scenarioApp } from "../../scenarios/scenarioApp.js";
import { answerJob, type PartJob, type Reply, type WorkerJob } from "../../scenarios/explorerWorkers.js";
import * as apps from "./apps/inProcessApps.js";

const APPS = new URL("./apps/inProcessApps.ts", import.meta.url).href;
const MODULE = new URL("./apps/answeringModule.buggy.ts", import.meta.url).href;

/** An app of the suite that a worker thread can build too: its module and export. */
const portable = (name: "assumesConnectedFirst" | "assumesAnswerFirst" | "countsCopies" | "actsAfterTheEnd" | "robust"): ExploreApp => ({ ...apps[name](), worker: { module: APPS, export: name } });

/** Every class of buggy in-process app in the suite, with the settings its own test uses. */
const BUGGY: Array<[string, () => ExploreApp, { seed: number; duplicates?: number }]> = [
  ["assumes CallConnected precedes ParticipantsUpdated", () => portable("assumesConnectedFirst"), { seed: 3 }],
  ["assumes the answer precedes the first event", () => portable("assumesAnswerFirst"), { seed: 4 }],
  ["counts a copy twice", () => portable("countsCopies"), { seed: 5 }],
  ["acts after the call ended", () => portable("actsAfterTheEnd"), { seed: 6, duplicates: 0 }],
  ["trusts the answerCall response to come first (module)", () => ({ worker: { module: MODULE, export: "app" }, ...(awaitedModule as ExploreApp) }), { seed: 1 }],
];
const { app: awaitedModule } = await import("./apps/answeringModule.buggy.js");

/** The smallest failure over several reports (the shards'), as the plain search ranks them: fewer copies, fewer moves, shorter (ties: the first). */
function smallest(results: ExploreResult[]): ExploreResult["failure"] {
  const failures = results.flatMap((r) => (r.failure ? [r.failure] : []));
  return failures.sort((a, b) => a.cost.duplicates - b.cost.duplicates || a.cost.moved - b.cost.moved || a.order.length - b.order.length)[0];
}

describe("nothing lost: pruned, parallel and sharded searches find the plain search's bugs", () => {
  test.each(BUGGY)("%s: same failure and minimal order, pruned, on worker threads and over 3 shards", async (_, app, settings) => {
    const common = { ...settings, maxRuns: 20_000, samples: 0 };
    const plain = await explore({ app: app(), ...common, prune: false, workers: 1 });
    expect(plain.failure).toBeDefined();
    const pruned = await explore({ app: app(), ...common, workers: 1 });
    // Split at once, so that the worker thread takes part even in a search that fails early.
    const parallel = await explore({ app: app(), ...common, workers: 2, splitAfterRuns: 0 });
    const shards = await Promise.all([1, 2, 3].map((index) => explore({ app: app(), ...common, workers: 1, shard: `${index}/3` })));
    // Over shards: no shard reports a cheaper failure, and one of them reports the plain search's own.
    const cheapestShard = smallest(shards)!;
    expect([cheapestShard.cost.duplicates, cheapestShard.cost.moved, cheapestShard.order.length]).toEqual([plain.failure!.cost.duplicates, plain.failure!.cost.moved, plain.failure!.order.length]);
    const sharded = shards.find((r) => r.failure?.token === plain.failure!.token)?.failure;
    for (const [how, found] of [["pruned", pruned.failure], ["parallel", parallel.failure], ["sharded", sharded]] as const) {
      expect(found?.reason, how).toBe(plain.failure!.reason);
      expect(found?.order.join(" → "), how).toBe(plain.failure!.order.join(" → "));
      expect(found?.order).toEqual(plain.failure!.order);
      expect(found?.cost).toEqual(plain.failure!.cost);
      expect(found?.token).toBe(plain.failure!.token);
    }
  });
});

/** The split explore() makes, by hand: the shared part, then each shard's prefixes with what the shared part visited. */
async function shardedSearch(app: () => ExploreApp, seed: number, prune: boolean, count: number, splitAt: number, scenario?: Scenario) {
  const binding = inProcessBinding(app());
  const runs: string[][] = [];
  const run = (choose: Parameters<typeof runOnce>[4], visit?: Parameters<typeof runOnce>[5]) => runOnce(binding, scenario, seed, 1, choose, visit);
  const onRun = (list: string[]) => (outcome: { choices: number[]; pruned?: boolean }) => void list.push(outcome.choices.join(","));
  const whole: string[] = [];
  const unsharded = await searchByCost(run, { maxRuns: 50_000, all: true, prune, onRun: onRun(whole) });
  const shared: string[] = [];
  const split = await searchByCost(run, { maxRuns: 50_000, all: true, prune, onRun: onRun(shared), splitAt });
  expect(split.pending?.length).toBeGreaterThanOrEqual(splitAt);
  const parts: SearchProgress[] = [];
  for (let index = 1; index <= count; index++) {
    const mine: string[] = [];
    parts.push(await searchByCost(run, { maxRuns: 50_000, all: true, prune, onRun: onRun(mine), start: piecesOf(split.pending!, { index, count }), visited: split.visited }));
    runs.push(mine);
  }
  return { unsharded, whole, shared, split, parts, runs };
}

const reasonsOf = (searches: SearchProgress[]) => [...new Set(searches.flatMap((s) => s.failing.map((f) => f.failure)))].sort();

describe("--shard i/n: the union of the shards is exactly the whole search", () => {
  test.each([
    ["a robust app", apps.robust, 7],
    ["an app that assumes CallConnected comes first", apps.assumesConnectedFirst, 3],
  ] as const)("%s, plain search: every order runs in exactly one shard (or in the shared part)", async (_, app, seed) => {
    // A small tree: split as soon as there is a prefix for each shard.
    const { unsharded, whole, shared, parts, runs } = await shardedSearch(app, seed, false, 3, 3);
    expect(unsharded.exhaustive && parts.every((p) => p.exhaustive)).toBe(true);
    const union = [...shared, ...runs.flat()];
    // Leaves of the tree: a run that queued siblings is itself one order; none runs twice.
    expect(new Set(union).size).toBe(union.length);
    expect([...union].sort()).toEqual([...whole].sort());
    expect(runs.every((r) => r.length > 0)).toBe(true);
  });

  const addParticipant = SCENARIOS.find((s) => s.name === "add-participant-succeeded")!;
  test.each([
    ["add-participant-succeeded's own steps", () => scenarioApp(addParticipant), 1, PIECES_PER_PART, addParticipant],
    ["an app that assumes CallConnected comes first", apps.assumesConnectedFirst, 3, 1, undefined],
    ["an app that counts a copy twice", apps.countsCopies, 5, 1, undefined],
  ] as const)("%s, pruned search: the shards' states together are the whole search's states, and so are its bugs", async (_, app, seed, perShard, scenario) => {
    const { unsharded, split, parts } = await shardedSearch(app, seed, true, 3, 3 * perShard, scenario);
    const union = new Set([...split.visited.keys(), ...parts.flatMap((p) => [...p.visited.keys()])]);
    expect(union.size).toBe(unsharded.visited.size);
    expect([...union].sort()).toEqual([...unsharded.visited.keys()].sort());
    expect(reasonsOf([split, ...parts])).toEqual(reasonsOf([unsharded]));
  });

  test("each shard reports what it covered, and every shard of a robust app passes exhaustively", async () => {
    const results = await Promise.all([1, 2].map((index) => explore({ app: apps.robust(), seed: 7, workers: 1, shard: { index, count: 2 } })));
    for (const [i, result] of results.entries()) {
      expect(result.exhaustive).toBe(true);
      expect(result.failures).toBe(0);
      expect(result.coverage.shard).toMatchObject({ index: i + 1, count: 2 });
      expect(result.coverage.shard!.pieces).toBeGreaterThan(0);
      expect(result.summary).toMatch(new RegExp(`shard ${i + 1}/2 \\(the \\d+ runs every shard makes alike, then \\d+ of the \\d+ prefixes they split into\\)`));
    }
    expect(results[0].coverage.shard!.pieces + results[1].coverage.shard!.pieces).toBe(results[0].coverage.shard!.of);
  });

  test("a shard is i/n with 1 <= i <= n, and the error says so", () => {
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    for (const bad of ["0/3", "4/3", "3", "a/b", "1/0"]) expect(() => parseShard(bad)).toThrow(/--shard \(or CALLSIM_SHARD\) is <index>\/<count>/);
  });
});

describe("worker threads", () => {
  test("a robust app split over a worker thread covers every state the single-threaded search does, and says on how many threads", async () => {
    const single = await explore({ app: portable("robust"), seed: 7, workers: 1 });
    const parallel = await explore({ app: portable("robust"), seed: 7, workers: 2, splitAfterRuns: 0 });
    expect(parallel.exhaustive && single.exhaustive).toBe(true);
    expect(parallel.coverage.workers).toBe(2);
    expect(parallel.coverage.states).toBe(single.coverage.states);
    expect(single.coverage.workers).toBeUndefined();
  });

  // What a worker thread does with a job, run on this thread: mutation testing and coverage see
  // only this thread, and the thread's own wiring (explorerWorker.ts) is one line.
  const wholeTree = (over: Partial<PartJob> = {}): PartJob => ({ seed: 7, duplicates: 1, start: [{ prefix: [], cost: { duplicates: 0, moved: 0 }, sleep: [] }], visited: new Map(), maxRuns: 10_000, all: false, prune: true, independence: "none", ...over });
  const answers = async (job: WorkerJob): Promise<Reply[]> => {
    const replies: Reply[] = [];
    await answerJob(job, (reply) => replies.push(reply));
    return replies;
  };

  test("a worker answers a job with one message per run, then its part's result, as this thread's search of the same part", async () => {
    const replies = await answers({ recipe: { module: APPS, export: "robust" }, job: wholeTree() });
    const done = replies.at(-1)!;
    expect(done.kind).toBe("done");
    const result = (done as Extract<Reply, { kind: "done" }>).result;
    expect(replies.slice(0, -1)).toEqual(Array.from({ length: result.runs }, () => ({ kind: "run", failure: false })));
    const single = await explore({ app: apps.robust(), seed: 7, workers: 1 });
    expect(result).toMatchObject({ runs: single.coverage.systematic, exhaustive: true, failing: [], divergent: 0 });
    expect(result.states).toHaveLength(single.coverage.states);
  });

  test("a worker reports each failing run, and the failures in its result", async () => {
    const replies = await answers({ recipe: { module: APPS, export: "assumesConnectedFirst" }, job: wholeTree({ seed: 3, maxRuns: 50 }) });
    const done = replies.at(-1) as Extract<Reply, { kind: "done" }>;
    expect(done.kind).toBe("done");
    expect(done.result.failing.length).toBeGreaterThan(0);
    expect(replies.filter((r) => r.kind === "run" && r.failure)).toHaveLength(done.result.failing.length);
    expect(done.result.failing[0].failure).toMatch(/roster for a call that is not connected/);
  });

  test("a worker runs a catalog scenario's world, named, when the recipe brings none", async () => {
    const recipe = { module: APPS, export: "catalogStepsOnly", args: ["outbound-declined"] };
    const named = await answers({ recipe, scenario: "outbound-declined", job: wholeTree({ seed: 1, duplicates: 0 }) });
    expect(named.at(-1)).toMatchObject({ kind: "done", result: { exhaustive: true, failing: [] } });
    // Without the world the callee answers, and the steps, waiting for the decline, fail.
    const bare = await answers({ recipe, job: wholeTree({ seed: 1, duplicates: 0, maxRuns: 1 }) });
    expect((bare.at(-1) as Extract<Reply, { kind: "done" }>).result.failing).toHaveLength(1);
  });

  test("a recipe that makes no app is a setup error; an app that throws while built is reported as it threw", async () => {
    expect(await answers({ recipe: { module: APPS, export: "noSuchExport" }, job: wholeTree() })).toEqual([
      { kind: "error", message: `the worker recipe's module ${APPS} has no export "noSuchExport" that makes an app.`, setup: true },
    ]);
    expect(await answers({ recipe: { module: "data:text/javascript,export default () => { throw new Error('cannot build'); }" }, job: wholeTree() })).toEqual([{ kind: "error", message: "cannot build", setup: false }]);
    expect(await answers({ recipe: { module: "data:text/javascript,export default () => { throw 'a string'; }" }, job: wholeTree() })).toEqual([{ kind: "error", message: "a string", setup: false }]);
  });

  test("an app without a worker recipe runs on one thread whatever workers says", async () => {
    const result = await explore({ app: apps.robust(), seed: 7, workers: 4, splitAfterRuns: 0 });
    expect(result.exhaustive).toBe(true);
    expect(result.coverage.workers).toBeUndefined();
  });
});

describe("mode: 'pct', prioritised random search", () => {
  test("finds an ordering bug, seeded and replayable, and states its guarantee", async () => {
    const first = await explore({ app: apps.assumesConnectedFirst(), seed: 11, mode: "pct", maxRuns: 300, samples: 0 });
    const again = await explore({ app: apps.assumesConnectedFirst(), seed: 11, mode: "pct", maxRuns: 300, samples: 0 });
    expect(first.failure?.reason).toMatch(/roster for a call that is not connected/);
    expect(again.failure?.token).toBe(first.failure?.token);
    const replayed = await explore({ app: apps.assumesConnectedFirst(), replay: first.failure!.token });
    expect(replayed.failure?.reason).toBe(first.failure!.reason);
    expect(first.exhaustive).toBe(false);
  });

  test("a robust app: the report gives 1/(n*k^(d-1)) per run and what the runs made add up to", async () => {
    const result = await explore({ app: apps.robust(), seed: 2, mode: "pct", maxRuns: 50, depth: 2 });
    const pct = result.coverage.pct!;
    expect(result.failure).toBeUndefined();
    expect(result.exhaustive).toBe(false);
    expect(pct).toMatchObject({ runs: 50, depth: 2 });
    expect(pct.perRun).toBeCloseTo(1 / (pct.steps * pct.length), 12);
    expect(pct.atLeast).toBeCloseTo(1 - (1 - pct.perRun) ** 50, 12);
    expect(result.summary).toMatch(/prioritised random search \(PCT\), 50 runs at depth 2: with n = \d+ steps offered and runs of k = \d+ steps, each run meets any given bug of depth <= 2 with probability at least 1\/\(n\*k\^1\) = 1\/[\d,]+, so these runs met it with probability at least [\d.]+%/);
    expect(result.coverage.sampled).toBe(50);
    expect(result.coverage.systematic).toBe(0);
  });
});
