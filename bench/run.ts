/**
 * `npm run bench`: callsim against a bare fastify route in one run on loopback, printed as a
 * table with ratios to the baseline. Every figure is measured here; nothing is assumed.
 */
import { loadavg } from "node:os";
import { request } from "undici";
import { drive, median, medianExtraMs, signedCreateCall, type LoadResult } from "./load.js";
import { startBaseline, startCallbackFloor, startCallsim, startCountingSink } from "./processes.js";
import { sustainedWithEvents, type SustainedTurn } from "./sustained.js";
import { actionToCallback, captureFloorSamples, type Spread } from "./latency.js";
import { flowLatencies, flowsPerSecond, heapPerLiveCall } from "./inProcess.js";
import { overload } from "./overload.js";
import { exploreCatalog } from "./explore.js";

const LOAD = { connections: 16, durationMs: Number(process.env.BENCH_DURATION_MS ?? 2_000), warmupMs: 500 };
/** Turns of bare route and callsim each in the throughput comparison. */
const TURNS = 3;
const MB = 1024 * 1024;
const rows: Array<[string, string, string, string]> = [];
const row = (what: string, value: string, ratio = "", target = "") => {
  rows.push([what, value, ratio, target]);
  process.stderr.write(`  ${what}: ${value}\n`);
};
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const medianBy = <T>(values: T[], by: (value: T) => number): T => [...values].sort((a, b) => by(a) - by(b))[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  process.stderr.write(`callsim benchmark (loopback, this machine; load average ${loadavg()[0].toFixed(1)} at the start)\n`);
  // BENCH_ONLY=explore measures the explorer alone (the rest takes minutes).
  if (process.env.BENCH_ONLY !== "explore") await serviceRows();
  await exploreRows();
  await printTable();
}

/** The explorer over the catalog: default settings, one thread, and plain, side by side. */
async function exploreRows(): Promise<void> {
  const load = () => loadavg()[0].toFixed(1);
  const loadBefore = load();
  const scenarios = await exploreCatalog(Number(process.env.BENCH_EXPLORE_PLAIN_MAX_RUNS ?? 2_000));
  const secs = (ms: number) => `${fmt(ms / 1000, 2)} s`;
  const rate = (n: number, ms: number) => fmt((n * 1000) / ms);
  const how = (m: { runs: number; exhaustive: boolean; ms: number }) => `${fmt(m.runs)} runs${m.exhaustive ? "" : " (not exhaustive)"}, ${secs(m.ms)} (${rate(m.runs, m.ms)} orders/s)`;
  for (const { name, pruned, plain } of scenarios) {
    row(`explore ${name}, default / plain`, `${how(pruned)}, ${fmt(pruned.states)} states (${rate(pruned.states, pruned.ms)} states/s) / ${how(plain)}`, fmt(plain.runs / pruned.runs, 1));
  }
  const sum = (pick: (s: (typeof scenarios)[number]) => number) => scenarios.reduce((n, s) => n + pick(s), 0);
  const total = (pick: (s: (typeof scenarios)[number]) => { runs: number; states: number; ms: number; cpuMs: number; exhaustive: boolean }) => {
    const ms = sum((s) => pick(s).ms);
    const exhaustive = scenarios.filter((s) => pick(s).exhaustive).length;
    return { ms, text: `${secs(ms)} (CPU ${secs(sum((s) => pick(s).cpuMs))}), ${exhaustive} of ${scenarios.length} exhaustive; ${rate(sum((s) => pick(s).runs), ms)} orders/s, ${rate(sum((s) => pick(s).states), ms)} states/s` };
  };
  const pruned = total((s) => s.pruned);
  const oneThread = total((s) => s.oneThread);
  const plain = total((s) => s.plain);
  const threads = Math.max(...scenarios.map((s) => s.pruned.workers));
  row(`explore the whole catalog, default settings (pruned, up to ${threads} threads; load ${loadBefore} → ${load()})`, pruned.text, "", "< 10 s, all exhaustive");
  row("explore the whole catalog, pruned on one thread (same run)", oneThread.text, fmt(oneThread.ms / pruned.ms, 2));
  row("explore the whole catalog, plain (same run)", plain.text, fmt(plain.ms / pruned.ms, 1));
}

async function serviceRows(): Promise<void> {

  // Cold start: spawn to the connection string, five times; idle memory of the last one.
  // In turns with the bare fastify server's start (spawn to its URL line), the floor of any
  // fastify server on this machine at this moment.
  const starts: number[] = [];
  const bareStarts: number[] = [];
  let idle = { rssBytes: 0, heapUsedBytes: 0 };
  for (let i = 0; i < 5; i++) {
    const bareServer = await startBaseline("{}");
    bareStarts.push(bareServer.readyMs);
    await bareServer.stop();
    const cli = await startCallsim();
    starts.push(cli.readyMs);
    if (i === 4) {
      // Idle: a second after ready, nothing asked of it yet but this one read.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      idle = ((await (await request(`${cli.url}/emulator/info`)).body.json()) as any).memory;
    }
    await cli.stop();
  }

  // REST throughput: the bare route and signed createCall in turns (callee never answers, so
  // the run measures the REST surface, not callback deliveries). Taking turns, with callsim
  // reset between its turns, keeps a machine whose speed drifts from favouring either side;
  // the ratio is the median of the turns' ratios.
  const callsim = await startCallsim();
  const callback = "http://127.0.0.1:9/never-called";
  const target = "8:acs:99999999-9999-9999-9999-999999999999_00000001-0000-0000-0000-000000000000";
  const freshCallsim = async () => {
    await request(`${callsim.url}/emulator/reset`, { method: "POST" });
    await request(`${callsim.url}/emulator/parties/${encodeURIComponent(target)}`, { method: "PUT", body: JSON.stringify({ behavior: "noAnswer" }), headers: { "content-type": "application/json" } });
  };
  await freshCallsim();
  const sample = signedCreateCall(callsim.url, callsim.accessKey, target, callback);
  const sampleBody = await (await request(callsim.url + sample.path, { method: "POST", headers: sample.headers, body: sample.body })).body.text();
  // The bare route gets the very request callsim gets, signature headers and all (it ignores
  // them), so that the two differ only in what the server does with a request.
  const baseline = await startBaseline(sampleBody);
  const turns: Array<{ bare: LoadResult; created: LoadResult }> = [];
  for (let turn = 0; turn < TURNS; turn++) {
    const bare = await drive(baseline.url, () => sample, LOAD);
    await freshCallsim();
    const created = await drive(callsim.url, () => signedCreateCall(callsim.url, callsim.accessKey, target, callback), { ...LOAD, prepared: 40_000 });
    if ((created.statuses[201] ?? 0) !== created.requests) throw new Error(`createCall answered ${JSON.stringify(created.statuses)}`);
    turns.push({ bare, created });
  }
  // The baseline for latency: one request at a time to the bare route, answer fully read.
  const bareLatency = await drive(baseline.url, () => sample, { connections: 1, durationMs: 1_000, warmupMs: 200 });
  await baseline.stop();
  await callsim.stop();
  const bare = medianBy(turns.map((t) => t.bare), (r) => r.perSecond);
  const created = medianBy(turns.map((t) => t.created), (r) => r.perSecond);
  const ratio = median(turns.map((t) => t.created.perSecond / t.bare.perSecond));
  const each = (pick: (t: (typeof turns)[number]) => LoadResult) => turns.map((t) => fmt(pick(t).perSecond)).join(", ");
  row(`bare fastify JSON route (baseline, ${sampleBody.length} B answer)`, `${fmt(bare.perSecond)} req/s, p50 ${fmt(bare.p50Ms, 2)} ms (turns: ${each((t) => t.bare)})`, "1.00", "");
  row("bare route round trip, one at a time (latency baseline)", `p50 ${fmt(bareLatency.p50Ms, 2)} ms, p99 ${fmt(bareLatency.p99Ms, 2)} ms`, "1.00", "");
  row("signed createCall through REST", `${fmt(created.perSecond)} req/s, p50 ${fmt(created.p50Ms, 2)} ms (turns: ${each((t) => t.created)})`, fmt(ratio, 2), ">= 0.50");

  // Action-to-callback latency, one action at a time, on a fresh process, in turns with its
  // floor: a bare fastify route that gives callsim's own answers and POSTs callsim's own events
  // back through a pooled undici client, with nothing emulated. What a REST round trip and two
  // callbacks cost on this machine is what no emulator can go below.
  const quiet = await startCallsim();
  const floor = await startCallbackFloor(await captureFloorSamples({ origin: quiet.url, accessKey: quiet.accessKey }));
  const latency = await actionToCallback({ callsim: { origin: quiet.url, accessKey: quiet.accessKey }, floor: { origin: floor.url, accessKey: quiet.accessKey } }, { warmup: 300, rounds: 10, perRound: 60 });
  // Sustained createCalls with their events delivered, against the same floor: one callback URL,
  // an app endpoint that answers at once; only calls whose two events arrived count.
  const sink = await startCountingSink();
  const sustained = await sustainedWithEvents(quiet, floor, sink, { turns: TURNS, ...LOAD });
  await sink.stop();
  await floor.stop();
  await quiet.stop();
  const ms = (s: Spread) => `p50 ${fmt(s.p50Ms, 2)} ms, p99 ${fmt(s.p99Ms, 2)} ms`;
  const vsBare = (s: Spread) => `${fmt(s.p50Ms / bareLatency.p50Ms, 2)} (p50)`;
  const { callsim: cs, floor: fl } = latency;
  row("createCall -> CallConnected at the app", ms(cs.createCall), vsBare(cs.createCall), "p50 < 0.5, p99 < 2");
  row("addParticipant -> AddParticipantSucceeded", ms(cs.addParticipant), vsBare(cs.addParticipant), "p50 < 0.5, p99 < 2");
  row("  the same, from createCall's answer -> CallConnected", ms(cs.createCallAnswered), vsBare(cs.createCallAnswered), "");
  row("  the same, from addParticipant's answer -> Succeeded", ms(cs.addParticipantAnswered), vsBare(cs.addParticipantAnswered), "");
  row("  floor: createCall -> CallConnected, nothing emulated", ms(fl.createCall), vsBare(fl.createCall), "");
  row("  floor: addParticipant -> AddParticipantSucceeded", ms(fl.addParticipant), vsBare(fl.addParticipant), "");
  row("  callsim's own share of an action (median of the rounds' median minus floor)", `${fmt(medianExtraMs(cs, fl) * 1000)} µs`);
  const perTurn = (turns: SustainedTurn[]) => turns.map((t) => fmt(t.callsPerSecond)).join(", ");
  const refused = (turns: SustainedTurn[]) => turns.reduce((n, t) => n + (t.statuses[429] ?? 0), 0);
  const sustainedFloor = medianBy(sustained.floor, (t) => t.callsPerSecond);
  const sustainedCallsim = medianBy(sustained.callsim, (t) => t.callsPerSecond);
  row("  floor: sustained createCalls, both events delivered, one callback URL", `${fmt(sustainedFloor.callsPerSecond)} calls/s, ${fmt(sustainedFloor.eventsPerSecond)} events/s (turns: ${perTurn(sustained.floor)})`, "1.00", "");
  row(
    "sustained signed createCalls with both events delivered, one callback URL",
    `${fmt(sustainedCallsim.callsPerSecond)} calls/s, ${fmt(sustainedCallsim.eventsPerSecond)} events/s (turns: ${perTurn(sustained.callsim)}; 429s ${fmt(refused(sustained.callsim))})`,
    fmt(sustained.ratio, 2),
    ">= 0.50",
  );

  // In-process full call flows (2 REST calls and 3 events each) on the virtual clock.
  await flowsPerSecond("direct", 300); // warm-up: load and compile the SDK's and callsim's code first
  const direct = await flowsPerSecond("direct", 2_000);
  const msw = await flowsPerSecond("msw", 2_000);
  row("in-process full call flows, direct httpClient", `${fmt(direct.perSecond)} flows/s (${fmt(direct.perSecond * 2)} req/s)`, fmt((direct.perSecond * 2) / bare.perSecond, 2));
  row("in-process full call flows, msw", `${fmt(msw.perSecond)} flows/s (${fmt(msw.perSecond * 2)} req/s)`, fmt((msw.perSecond * 2) / bare.perSecond, 2));
  // One flow at a time, as an app's test runs it (create, connected, add, succeeded, hang up,
  // disconnected): each way in a worker thread of its own, taking turns, 10 rounds of 100 flows.
  // The two floors answer from replayed responses: what the SDK, and the SDK through msw, cost
  // with no emulator behind them.
  const steps = (s: Record<string, number>) => Object.entries(s).map(([step, ms]) => `${step} ${fmt(ms * 1000)}`).join(", ");
  const flowName = { direct: "direct httpClient", msw: "msw", sdk: "the SDK alone, answers replayed (floor of direct)", mswFloor: "the SDK through msw, answers replayed (floor of msw)" };
  const flows = await flowLatencies(["direct", "msw", "sdk", "mswFloor"], { rounds: 10, perRound: 100 });
  for (const [via, target] of [["direct", "< 1 ms"], ["sdk", ""], ["msw", "< 5 ms"], ["mswFloor", ""]] as const) {
    const flow = flows[via];
    row(`one in-process call flow, ${flowName[via]} (median of ${fmt(flow.flows)})`, `${fmt(flow.medianMs, 2)} ms (µs: ${steps(flow.steps)})`, "", target);
  }
  const share = (via: "direct" | "msw", floor: "sdk" | "mswFloor") => fmt(medianExtraMs(flows[via], flows[floor]) * 1000);
  row("  callsim's own share of a flow, direct / msw (median of the rounds' flow minus floor)", `${share("direct", "sdk")} / ${share("msw", "mswFloor")} µs`);

  row("cold start to ready (spawn -> connectionString=)", `median ${fmt(median(starts))} ms (of ${starts.map((s) => fmt(s)).join(", ")})`, `${fmt(median(starts) / median(bareStarts), 2)} (${fmt(median(bareStarts))} ms)`, "< 400 ms");
  row("idle memory of the started server (1 s after ready)", `RSS ${fmt(idle.rssBytes / MB, 1)} MB, heap ${fmt(idle.heapUsedBytes / MB, 1)} MB`, "", "< 80 MB");
  const heap = await heapPerLiveCall(1_000);
  row(`heap growth for 1,000 live calls${heap.gc ? "" : " (no --expose-gc: noisy)"}`, `${fmt(heap.heapGrowthBytes / MB, 1)} MB (${fmt(heap.perCallBytes / 1024, 1)} KB per call)`, "", "< 100 MB");

  // Overload: a slow app, createCall as fast as callsim answers, backlog bounded at 1,000.
  const busy = await startCallsim(["--max-backlog", "1000"]);
  const over = await overload(busy.url, busy.accessKey, { durationMs: Number(process.env.BENCH_DURATION_MS ?? 3_000), appMs: 5, connections: 8 });
  await busy.stop();
  const peak = Math.max(...over.samples.map((s) => s.pending));
  const heaps = over.samples.map((s) => s.heapUsedBytes / MB);
  const half = Math.floor(heaps.length / 2);
  row(
    "overload: slow app (5 ms per callback), backlog limit 1,000",
    `accepted ${fmt(over.load.statuses[201] ?? 0)}, refused 429 ${fmt(over.load.statuses[429] ?? 0)}; backlog peak ${fmt(peak)}, oldest wait ${fmt(over.final.oldestPendingMs)} ms; heap ${fmt(Math.max(...heaps.slice(0, half)), 1)} -> ${fmt(Math.max(...heaps.slice(half)), 1)} MB (max of 1st/2nd half)`,
    "",
    "bounded, flat",
  );

}

async function printTable(): Promise<void> {
  const header: [string, string, string, string] = ["measure", "result", "x baseline", "target"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  const os = await import("node:os");
  console.log(`\ncallsim bench, node ${process.version}, ${os.cpus().length} cores, load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}\n`);
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const r of rows) console.log(line(r));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
