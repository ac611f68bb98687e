import { CallAutomationClient } from "@azure/communication-call-automation";
import type { HttpClient, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { setupServer } from "msw/node";
import { createEmulator } from "../emulator/emulator.js";
import { createMswHandlers } from "../emulator/http/msw.js";
import type { RouteRequest, RouteResponse } from "../emulator/http/routes.js";
import { Worker } from "node:worker_threads";
import { median } from "./load.js";

const CALLBACKS = "https://app.bench/";
const user = (n: number) => `8:acs:66666666-6666-6666-6666-666666666666_${String(n).padStart(8, "0")}-0000-0000-0000-000000000000`;

/**
 * Full call flows per second in-process on the virtual clock: createCall, CallConnected,
 * ParticipantsUpdated, hangUp, CallDisconnected, `batch` calls at a time, through the direct
 * SDK httpClient or through msw. Counts the events the app received to prove the flows ran.
 */
export async function flowsPerSecond(via: "direct" | "msw", durationMs: number, batch = 50): Promise<{ flows: number; perSecond: number; events: number }> {
  const { emulator, client, close } = inProcessApp(via, 11);
  let events = 0;
  emulator.onCallback(CALLBACKS, ({ events: received }) => void (events += received.length));
  let flows = 0;
  let expectedEvents = 0;
  const start = performance.now();
  while (performance.now() - start < durationMs) {
    const calls = await Promise.all(Array.from({ length: batch }, (_, i) => client.createCall({ targetParticipant: { communicationUserId: user(i) } }, `${CALLBACKS}cb`)));
    await emulator.settle();
    await Promise.all(calls.map((c) => c.callConnection.hangUp(false)));
    await emulator.settle();
    flows += batch;
    expectedEvents += batch * 3;
    if (events !== expectedEvents) throw new Error(`flows lost events: ${events} of ${expectedEvents}`);
    // Keep the run about throughput, not about a growing store.
    emulator.reset();
    events = expectedEvents = 0;
  }
  const elapsed = performance.now() - start;
  await close();
  return { flows, perSecond: flows / (elapsed / 1000), events: flows * 3 };
}

/** An emulator on the virtual clock and an SDK client that reaches it directly or through msw. */
function inProcessApp(via: "direct" | "msw", seed: number) {
  const emulator = createEmulator({ seed, clock: "virtual" });
  let server: ReturnType<typeof setupServer> | undefined;
  let client: CallAutomationClient;
  if (via === "msw") {
    server = setupServer(...createMswHandlers(emulator.handle));
    server.listen({ onUnhandledRequest: "bypass" });
    client = new CallAutomationClient(emulator.connectionString());
  } else {
    client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
  }
  const close = async () => {
    server?.close();
    await emulator.close();
  };
  return { emulator, client, close, server };
}

/**
 * Ways an app's test reaches callsim in-process, and their floors: the SDK alone ("sdk") and
 * the SDK through msw ("mswFloor"), each answered from replayed responses, no emulator behind.
 */
export type FlowVia = "direct" | "msw" | "sdk" | "mswFloor";

/**
 * The cost of one whole call flow as an app's test runs it, one flow at a time: createCall,
 * settle (CallConnected), addParticipant, settle (AddParticipantSucceeded), hangUp for
 * everyone, settle (CallDisconnected); the emulator is reset between flows.
 *
 * Each way runs in a worker thread of its own, as a test file runs one transport: sharing one
 * V8 isolate, the ways made each other's code polymorphic and the direct flow looked a third
 * slower than it is. The workers take turns, `rounds` rounds of `perRound` flows each in
 * alternating order, so that a machine whose speed drifts within minutes weighs on all of them
 * alike. Median of all flows after `warmup` each, with the median of each step.
 */
export async function flowLatencies(vias: readonly FlowVia[], options: { rounds: number; perRound: number; warmup?: number }): Promise<Record<FlowVia, FlowLatency>> {
  const workers = new Map(vias.map((via) => [via, new Worker(new URL("./flowWorker.js", import.meta.url), { workerData: { via } })]));
  const ask = <T>(worker: Worker, message: FlowWorkerRequest) =>
    new Promise<T>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.postMessage(message);
    }).finally(() => worker.removeAllListeners("error"));
  try {
    for (const worker of workers.values()) await ask(worker, { flows: options.warmup ?? 300, keep: false });
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? vias : [...vias].reverse();
      for (const via of order) await ask(workers.get(via)!, { flows: options.perRound, keep: true });
    }
    const out = {} as Record<FlowVia, FlowLatency>;
    for (const [via, worker] of workers) {
      const { totals, steps } = await ask<FlowWorkerReport>(worker, { report: true });
      const roundMediansMs = Array.from({ length: options.rounds }, (_, round) => median(totals.slice(round * options.perRound, (round + 1) * options.perRound)));
      out[via] = { medianMs: median(totals), roundMediansMs, flows: totals.length, steps: Object.fromEntries(Object.entries(steps).map(([step, values]) => [step, median(values)])) };
    }
    return out;
  } finally {
    await Promise.all([...workers.values()].map((worker) => worker.terminate()));
  }
}

/** One way's figures: the median flow, how many flows, and the median of each step. */
export interface FlowLatency {
  medianMs: number;
  /** The median flow of each round, in round order: rounds of different ways ran side by side. */
  roundMediansMs: number[];
  flows: number;
  steps: Record<string, number>;
}

/** What {@link flowLatencies} asks a flow worker: run some flows, or report what it measured. */
export type FlowWorkerRequest = { flows: number; keep: boolean } | { report: true };
/** A flow worker's measurements: each kept flow's total, and each step's times, in ms. */
export type FlowWorkerReport = { totals: number[]; steps: Record<string, number[]> };

/** Runs flows one at a time through one way, keeping what it measured. */
export interface FlowRunner extends FlowWorkerReport {
  run(flows: number, keep: boolean): Promise<void>;
  close(): Promise<void>;
}

/** A flow runner for `via`: its own emulator and SDK client. */
export async function flowRunner(via: FlowVia): Promise<FlowRunner> {
  const floor = via === "sdk" || via === "mswFloor";
  const { emulator, client, close } = via === "sdk" ? await replayingApp() : via === "mswFloor" ? await replayingMswApp() : inProcessApp(via, 13);
  // A floor has no emulator behind it: nothing to settle, no events to see.
  const settle = floor ? async () => undefined : () => emulator.settle();
  const seen = new Set<string>();
  emulator.onCallback(CALLBACKS, ({ events }) => void events.forEach((e) => seen.add(e.type.replace("Microsoft.Communication.", ""))));
  const steps: Record<string, number[]> = { createCall: [], connected: [], addParticipant: [], succeeded: [], hangUp: [], disconnected: [] };
  const totals: number[] = [];
  const run = async (flows: number, keep: boolean) => {
    for (let i = 0; i < flows; i++) {
      seen.clear();
      const marks = [performance.now()];
      await oneFlow(client, settle, () => marks.push(performance.now()));
      if (!floor) {
        for (const expected of ["CallConnected", "AddParticipantSucceeded", "CallDisconnected"]) {
          if (!seen.has(expected)) throw new Error(`a ${via} flow did not deliver ${expected}: ${[...seen].join(", ")}`);
        }
      }
      emulator.reset();
      if (!keep) continue;
      totals.push(marks[6] - marks[0]);
      Object.values(steps).forEach((values, step) => values.push(marks[step + 1] - marks[step]));
    }
  };
  return { totals, steps, run, close };
}

/** createCall, settle, addParticipant, settle, hangUp for everyone, settle; `mark` after each. */
async function oneFlow(client: CallAutomationClient, settle: () => Promise<void>, mark: () => void): Promise<void> {
  const { callConnection } = await client.createCall({ targetParticipant: { communicationUserId: user(1) } }, `${CALLBACKS}cb`);
  mark();
  await settle();
  mark();
  await callConnection.addParticipant({ targetParticipant: { communicationUserId: user(2) } });
  mark();
  await settle();
  mark();
  await callConnection.hangUp(true);
  mark();
  await settle();
  mark();
}

/**
 * The SDK with nothing behind it: a client whose httpClient answers each request with what
 * callsim answered the same request once. A flow through it costs what the SDK itself costs,
 * the floor under any in-process emulator.
 */
async function replayingApp() {
  const app = inProcessApp("direct", 13);
  const direct = app.emulator.httpClient();
  const answers = new Answers<PipelineResponse>();
  const shape = (request: PipelineRequest) => requestShape(request.method, new URL(request.url).pathname);
  const recorder: HttpClient = { sendRequest: async (request) => answers.record(shape(request), await direct.sendRequest(request)) };
  const recording = new CallAutomationClient(app.emulator.connectionString(), { httpClient: recorder });
  await oneFlow(recording, () => app.emulator.settle(), () => undefined);
  const replay: HttpClient = { sendRequest: async (request) => ({ ...answers.replay(shape(request)), request }) };
  return { ...app, client: new CallAutomationClient(app.emulator.connectionString(), { httpClient: replay }) };
}

/**
 * The SDK through msw with nothing behind it: the same msw handlers as callsim's, answering
 * each request with what callsim answered the same request once. A flow through it costs what
 * the SDK and msw's interception cost, the floor under callsim's msw transport.
 */
async function replayingMswApp() {
  const app = inProcessApp("msw", 13);
  const answers = new Answers<RouteResponse>();
  const shape = (request: RouteRequest) => requestShape(request.method, request.url.split("?")[0]);
  app.server!.resetHandlers(...createMswHandlers(async (request) => answers.record(shape(request), await app.emulator.handle(request))));
  await oneFlow(app.client, () => app.emulator.settle(), () => undefined);
  app.server!.resetHandlers(...createMswHandlers(async (request) => answers.replay(shape(request))));
  return app;
}

/** A request's method and path with the call connection id left out: what a floor replays by. */
function requestShape(method: string, path: string): string {
  return `${method} ${path.replace(/callConnections\/[^/:]+/, "callConnections/{id}")}`;
}

/** Answers recorded from one flow through callsim, replayed by a floor. */
class Answers<T> {
  private readonly byShape = new Map<string, T>();

  record(shape: string, answer: T): T {
    this.byShape.set(shape, answer);
    return answer;
  }

  replay(shape: string): T {
    const answer = this.byShape.get(shape);
    if (!answer) throw new Error(`no recorded answer for ${shape}`);
    return answer;
  }
}

/** Heap growth for `calls` live (connected) calls on one emulator, after a full GC. */
export async function heapPerLiveCall(calls: number): Promise<{ heapGrowthBytes: number; perCallBytes: number; gc: boolean }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const emulator = createEmulator({ seed: 12, clock: "virtual" });
  emulator.onCallback(CALLBACKS, () => undefined);
  const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
  // Warm the code paths so the measurement is the calls, not compiled code.
  await client.createCall({ targetParticipant: { communicationUserId: user(999_999) } }, `${CALLBACKS}cb`);
  await emulator.settle();
  emulator.reset();
  gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let offset = 0; offset < calls; offset += 100) {
    await Promise.all(Array.from({ length: Math.min(100, calls - offset) }, (_, i) => client.createCall({ targetParticipant: { communicationUserId: user(offset + i) } }, `${CALLBACKS}cb`)));
    await emulator.settle();
  }
  if (emulator.calls().filter((c) => !c.ended).length !== calls) throw new Error("not every call is live");
  gc?.();
  const growth = process.memoryUsage().heapUsed - before;
  await emulator.close();
  return { heapGrowthBytes: growth, perCallBytes: growth / calls, gc: !!gc };
}
