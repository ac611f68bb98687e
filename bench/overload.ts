import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { drive, signedCreateCall } from "./load.js";

/** One look at the callsim process during overload. */
export interface OverloadSample {
  atMs: number;
  pending: number;
  oldestPendingMs: number;
  heapUsedBytes: number;
  rssBytes: number;
}

/**
 * Overload of the callback queue: an app that takes `appMs` per callback (far slower than
 * callsim produces events) on one callback URL, while createCall is driven as fast as
 * callsim answers. The backlog must stop at --max-backlog (actions get 429 meanwhile), and
 * memory must stay flat; `GET /emulator/info` reports the backlog and its wait.
 */
export async function overload(origin: string, accessKey: string, options: { durationMs: number; appMs: number; connections: number }) {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => setTimeout(() => res.end(), options.appMs));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const callbackUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`;
  const samples: OverloadSample[] = [];
  const t0 = performance.now();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const info = (await (await request(`${origin}/emulator/info`)).body.json()) as any;
      samples.push({ atMs: performance.now() - t0, pending: info.events.pending, oldestPendingMs: info.events.oldestPendingMs, heapUsedBytes: info.memory.heapUsedBytes, rssBytes: info.memory.rssBytes });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  const target = "8:acs:88888888-8888-8888-8888-888888888888_00000001-0000-0000-0000-000000000000";
  const load = await drive(origin, () => signedCreateCall(origin, accessKey, target, callbackUri), { connections: options.connections, durationMs: options.durationMs, warmupMs: 0 });
  sampling = false;
  await sampler;
  const final = (await (await request(`${origin}/emulator/info`)).body.json()) as any;
  server.closeAllConnections();
  server.close();
  return { load, samples, final: final.events, limit: final.delivery.maxBacklog };
}
