import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { percentile, signedAddParticipant, signedCreateCall, type LoadRequest } from "./load.js";

/** The app's callback endpoint: notes when each event arrives, by type and call, and how often. */
async function startReceiver() {
  const arrivals = new Map<string, number[]>();
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
  return { url, arrival, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function send(origin: string, r: LoadRequest): Promise<any> {
  const response = await request(origin + r.path, { method: r.method, headers: r.headers, body: r.body });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${r.method} ${r.path}: ${response.statusCode} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Action-to-callback latency at light load (one action at a time): from sending createCall
 * to its CallConnected arriving, and from sending addParticipant to AddParticipantSucceeded,
 * with callees that answer at once. Signed requests over loopback to the callsim process.
 * Each is also given from the moment the REST answer was read, which leaves out the REST
 * round trip itself (see the bare route's round trip for what that costs on loopback).
 */
export async function actionToCallback(origin: string, accessKey: string, samples: number, warmup = 50) {
  const receiver = await startReceiver();
  const callee = "8:acs:77777777-7777-7777-7777-777777777777_00000001-0000-0000-0000-000000000000";
  const added = "8:acs:77777777-7777-7777-7777-777777777777_00000002-0000-0000-0000-000000000000";
  for (const rawId of [callee, added]) {
    await request(`${origin}/emulator/parties/${encodeURIComponent(rawId)}`, { method: "PUT", body: JSON.stringify({ behavior: "answer", delayMs: 0 }), headers: { "content-type": "application/json" } });
  }
  const create: number[] = [];
  const createAnswered: number[] = [];
  const add: number[] = [];
  const addAnswered: number[] = [];
  for (let i = 0; i < samples + warmup; i++) {
    // Each request is signed before the clock starts: signing is the client's work, not callsim's.
    const createRequest = signedCreateCall(origin, accessKey, callee, receiver.url);
    const t0 = performance.now();
    const call = await send(origin, createRequest);
    const created = performance.now();
    const connectedAt = await receiver.arrival("CallConnected", call.callConnectionId);
    await receiver.arrival("ParticipantsUpdated", call.callConnectionId);
    const addRequest = signedAddParticipant(origin, accessKey, call.callConnectionId, added);
    const t1 = performance.now();
    await send(origin, addRequest);
    const accepted = performance.now();
    const addedAt = await receiver.arrival("AddParticipantSucceeded", call.callConnectionId);
    // The add's ParticipantsUpdated too: the next action starts when no event is on its way,
    // so that it does not wait behind this one's deliveries.
    await receiver.arrival("ParticipantsUpdated", call.callConnectionId, 2);
    if (i >= warmup) {
      create.push(connectedAt - t0);
      createAnswered.push(connectedAt - created);
      add.push(addedAt - t1);
      addAnswered.push(addedAt - accepted);
    }
  }
  await receiver.close();
  const summary = (values: number[]) => {
    values.sort((a, b) => a - b);
    return { p50Ms: percentile(values, 50), p99Ms: percentile(values, 99) };
  };
  return {
    createCall: summary(create),
    createCallAnswered: summary(createAnswered),
    addParticipant: summary(add),
    addParticipantAnswered: summary(addAnswered),
  };
}
