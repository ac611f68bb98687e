import { request } from "undici";
import { drive, median, signedCreateCall, type LoadRequest } from "./load.js";
import type { Started } from "./processes.js";

/** One turn of sustained createCalls against one target, counted at the app's endpoint. */
export interface SustainedTurn {
  /** Calls whose two events (CallConnected, ParticipantsUpdated) both reached the app in the window, per second. */
  callsPerSecond: number;
  /** Events that reached the app in the window, per second. */
  eventsPerSecond: number;
  /** createCall answers in the window, by status (429: refused while callsim's backlog was full). */
  statuses: Record<number, number>;
}

/** Both targets' turns, side by side. */
export interface SustainedResult {
  callsim: SustainedTurn[];
  floor: SustainedTurn[];
  /** The median of the turns' ratios of callsim's calls per second to the floor's. */
  ratio: number;
}

const CALLEE = "8:acs:66666666-6666-6666-6666-666666666666_00000001-0000-0000-0000-000000000000";

async function count(sink: Started): Promise<{ events: number; calls: number }> {
  return (await (await request(sink.url.replace("/cb", "/count"))).body.json()) as { events: number; calls: number };
}

/**
 * One turn: signed createCalls as fast as the target answers (closed loop, `connections`
 * sockets) for `warmupMs` + `durationMs`, every call's events going to `sink`. Only work done
 * counts: the calls whose two events arrived during the window, read from the sink at its
 * start and end. A refused createCall (429) or an event still queued is not throughput.
 */
async function turn(origin: string, accessKey: string, sink: Started, options: { connections: number; durationMs: number; warmupMs: number; prepared: number }): Promise<SustainedTurn> {
  const build = (): LoadRequest => signedCreateCall(origin, accessKey, CALLEE, sink.url);
  // Signed before the clock starts (the window is timed from here): the client's work, not the target's.
  const ready = Array.from({ length: options.prepared }, build).reverse();
  let first = { events: 0, calls: 0 };
  let last = first;
  const atStart = new Promise<void>((resolve) => setTimeout(() => void count(sink).then((c) => ((first = c), resolve())), options.warmupMs));
  const atEnd = new Promise<void>((resolve) => setTimeout(() => void count(sink).then((c) => ((last = c), resolve())), options.warmupMs + options.durationMs));
  const load = await drive(origin, () => ready.pop() ?? build(), { ...options, prepared: 0 });
  await Promise.all([atStart, atEnd]);
  const seconds = options.durationMs / 1000;
  return { callsPerSecond: (last.calls - first.calls) / seconds, eventsPerSecond: (last.events - first.events) / seconds, statuses: load.statuses };
}

/**
 * Sustained createCalls with their events delivered, callsim against its floor: a bare fastify
 * route that answers createCall with callsim's own answer and POSTs callsim's own two events
 * per call through a pooled undici client (bench/callbackFloorServer.ts). One callback URL for
 * every call; the app's endpoint answers at once. The two take `turns` turns each, alternating,
 * callsim reset before each of its turns, so that a machine whose load drifts favours neither.
 */
export async function sustainedWithEvents(callsim: Started & { accessKey: string }, floor: Started, sink: Started, options: { turns: number; connections: number; durationMs: number; warmupMs: number }): Promise<SustainedResult> {
  const prepared = 40_000;
  const result: SustainedResult = { callsim: [], floor: [], ratio: 0 };
  const resetCallsim = async () => {
    await request(`${callsim.url}/emulator/reset`, { method: "POST" });
    await request(`${callsim.url}/emulator/parties/${encodeURIComponent(CALLEE)}`, { method: "PUT", body: JSON.stringify({ behavior: "answer", delayMs: 0 }), headers: { "content-type": "application/json" } });
  };
  // What is still on its way from one turn must not count in the next: wait until the sink is quiet.
  const quiet = async () => {
    for (let before = await count(sink); ; ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = await count(sink);
      if (now.events === before.events) return;
      before = now;
    }
  };
  for (let i = 0; i < options.turns; i++) {
    for (const which of i % 2 ? (["callsim", "floor"] as const) : (["floor", "callsim"] as const)) {
      if (which === "callsim") await resetCallsim();
      const target = which === "callsim" ? callsim : floor;
      result[which].push(await turn(target.url, callsim.accessKey, sink, { ...options, prepared }));
      await quiet();
    }
  }
  result.ratio = median(result.callsim.map((c, i) => c.callsPerSecond / result.floor[i].callsPerSecond));
  return result;
}
