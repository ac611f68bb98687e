import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { median, percentile, signedAddParticipant, signedCreateCall, type LoadRequest } from "./load.js";

/** Where the flows go: callsim, or the floor that answers and calls back with nothing emulated. */
export interface LatencyTarget {
  origin: string;
  accessKey: string;
}

/** callsim's own answers and events for one flow, which the floor server sends back as they are. */
export interface FloorSamples {
  /** The id in the samples, replaced by each flow's own. */
  callConnectionId: string;
  createAnswer: string;
  addAnswer: string;
  /** The bodies of CallConnected and the ParticipantsUpdated after it. */
  created: string[];
  /** The bodies of AddParticipantSucceeded and the ParticipantsUpdated after it. */
  added: string[];
}

/** p50 and p99, in ms. */
export interface Spread {
  p50Ms: number;
  p99Ms: number;
}

/** What one target measured over all its rounds. */
export interface TargetLatency {
  createCall: Spread;
  createCallAnswered: Spread;
  addParticipant: Spread;
  addParticipantAnswered: Spread;
  /** Each round's median of both actions from sending, in round order: targets' rounds ran side by side. */
  roundMediansMs: number[];
}

const CALLEE = "8:acs:77777777-7777-7777-7777-777777777777_00000001-0000-0000-0000-000000000000";
const ADDED = "8:acs:77777777-7777-7777-7777-777777777777_00000002-0000-0000-0000-000000000000";

/**
 * The app's callback endpoint: notes when each event arrives, by type and call, and how often;
 * with `keepBodies`, also the raw body that carried each.
 */
async function startReceiver(keepBodies = false) {
  const arrivals = new Map<string, number[]>();
  const bodies = new Map<string, string>();
  const waiters = new Map<string, { nth: number; resolve: (at: number) => void }>();
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const at = performance.now();
      res.end();
      for (const event of JSON.parse(raw) as Array<{ type: string; data: { callConnectionId: string } }>) {
        const key = `${event.type.replace("Microsoft.Communication.", "")}|${event.data.callConnectionId}`;
        const times = arrivals.get(key) ?? [];
        times.push(at);
        arrivals.set(key, times);
        if (keepBodies) bodies.set(`${key}|${times.length}`, raw);
        const waiter = waiters.get(key);
        if (waiter && times.length >= waiter.nth) {
          waiters.delete(key);
          waiter.resolve(times[waiter.nth - 1]);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`;
  /** When the `nth` event of `type` for call `id` arrived (waits for it). */
  const arrival = (type: string, id: string, nth = 1) => {
    const key = `${type}|${id}`;
    const at = arrivals.get(key)?.[nth - 1];
    return at !== undefined ? Promise.resolve(at) : new Promise<number>((resolve) => waiters.set(key, { nth, resolve }));
  };
  /** The raw body that carried the `nth` event of `type` for call `id` (with `keepBodies` only). */
  const body = (type: string, id: string, nth = 1) => bodies.get(`${type}|${id}|${nth}`)!;
  return { url, arrival, body, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

async function send(origin: string, r: LoadRequest): Promise<string> {
  const response = await request(origin + r.path, { method: r.method, headers: r.headers, body: r.body });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${r.method} ${r.path}: ${response.statusCode} ${text}`);
  return text;
}

/** Callees that answer at once, and a participant who accepts at once. */
async function prepare(target: LatencyTarget): Promise<void> {
  for (const rawId of [CALLEE, ADDED]) {
    await request(`${target.origin}/emulator/parties/${encodeURIComponent(rawId)}`, { method: "PUT", body: JSON.stringify({ behavior: "answer", delayMs: 0 }), headers: { "content-type": "application/json" } });
  }
}

/**
 * One flow: createCall, its CallConnected, addParticipant, its AddParticipantSucceeded. Times
 * each action from sending and from reading its answer. The next action starts once the last
 * one's trailing ParticipantsUpdated has arrived, so that it never waits behind a delivery.
 */
async function flow(target: LatencyTarget, receiver: Receiver) {
  // Each request is signed before the clock starts: signing is the client's work, not callsim's.
  const createRequest = signedCreateCall(target.origin, target.accessKey, CALLEE, receiver.url);
  const t0 = performance.now();
  const createAnswer = await send(target.origin, createRequest);
  const created = performance.now();
  const { callConnectionId } = JSON.parse(createAnswer) as { callConnectionId: string };
  const connectedAt = await receiver.arrival("CallConnected", callConnectionId);
  await receiver.arrival("ParticipantsUpdated", callConnectionId);
  const addRequest = signedAddParticipant(target.origin, target.accessKey, callConnectionId, ADDED);
  const t1 = performance.now();
  const addAnswer = await send(target.origin, addRequest);
  const accepted = performance.now();
  const addedAt = await receiver.arrival("AddParticipantSucceeded", callConnectionId);
  await receiver.arrival("ParticipantsUpdated", callConnectionId, 2);
  return { callConnectionId, createAnswer, addAnswer, create: connectedAt - t0, createAnswered: connectedAt - created, add: addedAt - t1, addAnswered: addedAt - accepted };
}

/** Runs one flow against callsim and keeps its answers and event bodies for the floor server. */
export async function captureFloorSamples(target: LatencyTarget): Promise<FloorSamples> {
  const receiver = await startReceiver(true);
  await prepare(target);
  const { callConnectionId, createAnswer, addAnswer } = await flow(target, receiver);
  await receiver.close();
  const body = (type: string, nth = 1) => receiver.body(type, callConnectionId, nth);
  return {
    callConnectionId,
    createAnswer,
    addAnswer,
    created: [body("CallConnected"), body("ParticipantsUpdated")],
    added: [body("AddParticipantSucceeded"), body("ParticipantsUpdated", 2)],
  };
}

/**
 * Action-to-callback latency at light load (one action at a time): from sending createCall to
 * its CallConnected arriving, and from sending addParticipant to AddParticipantSucceeded, with
 * callees that answer at once; each also from the moment the REST answer was read. Signed
 * requests over loopback. The targets take turns: `warmup` flows each first (the steady state,
 * as the bare route's round trip is measured after its own warm-up), then `rounds` rounds of
 * `perRound` flows each, the order flipping every round, so that a machine whose speed drifts
 * favours none of them.
 */
export async function actionToCallback<K extends string>(targets: Record<K, LatencyTarget>, options: { warmup: number; rounds: number; perRound: number }): Promise<Record<K, TargetLatency>> {
  const receiver = await startReceiver();
  const names = Object.keys(targets) as K[];
  for (const name of names) await prepare(targets[name]);
  for (let i = 0; i < options.warmup; i++) for (const name of names) await flow(targets[name], receiver);
  const samples = Object.fromEntries(names.map((name) => [name, { create: [] as number[], createAnswered: [] as number[], add: [] as number[], addAnswered: [] as number[], roundMediansMs: [] as number[] }]));
  for (let round = 0; round < options.rounds; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const into = samples[name];
      const both: number[] = [];
      for (let i = 0; i < options.perRound; i++) {
        const times = await flow(targets[name], receiver);
        into.create.push(times.create);
        into.createAnswered.push(times.createAnswered);
        into.add.push(times.add);
        into.addAnswered.push(times.addAnswered);
        both.push(times.create, times.add);
      }
      into.roundMediansMs.push(median(both));
    }
  }
  await receiver.close();
  const spread = (values: number[]): Spread => {
    values.sort((a, b) => a - b);
    return { p50Ms: percentile(values, 50), p99Ms: percentile(values, 99) };
  };
  return Object.fromEntries(
    names.map((name) => {
      const s = samples[name];
      return [name, { createCall: spread(s.create), createCallAnswered: spread(s.createAnswered), addParticipant: spread(s.add), addParticipantAnswered: spread(s.addAnswered), roundMediansMs: s.roundMediansMs }];
    }),
  ) as Record<K, TargetLatency>;
}
