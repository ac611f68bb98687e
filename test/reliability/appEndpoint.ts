import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the endpoint answers one POST with: a status, or a promise of one (a slow app). */
export type Answer = number | Promise<number>;

/** One event as the app got it. */
export interface Arrival {
  id: string;
  type: string;
  callConnectionId: string;
}

/**
 * The app's callback endpoint for load and fault tests: counts every event by id, keeps the
 * arrival order per call, can refuse deliveries, and can be killed and started again on the
 * same port. Waiters are keyed, so 1,000 concurrent calls cost O(1) per event.
 */
export class AppEndpoint {
  /** Accepted (2xx) events in arrival order, duplicates included. */
  readonly arrivals: Arrival[] = [];
  /** Times each event id was POSTed, whatever the answer. */
  readonly posts = new Map<string, number>();
  private server?: Server;
  private port = 0;
  private readonly waiters = new Map<string, () => void>();
  private readonly seen = new Set<string>();
  private readonly open = new Set<ServerResponse>();

  /** How to answer a POST of `event` (its `attempt`-th, from 1). Default 200. */
  answer: (event: Arrival, attempt: number) => Answer = () => 200;

  /** Starts listening on 127.0.0.1 (a free port the first time, the same port after a restart). */
  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      let raw = "";
      req.setEncoding("utf8");
      req.on("data", (chunk) => (raw += chunk));
      req.on("end", () => void this.receive(raw, res));
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Kills the endpoint: stops listening and cuts every open connection, answered or not. */
  async kill(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Resolves once an event of `type` for `callConnectionId` was accepted. */
  waitFor(type: string, callConnectionId: string): Promise<void> {
    const key = `${type}|${callConnectionId}`;
    if (this.seen.has(key)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.set(key, resolve));
  }

  /** Accepted events of each call, first arrivals only, in arrival order. */
  orderByCall(): Map<string, string[]> {
    const order = new Map<string, string[]>();
    const first = new Set<string>();
    for (const a of this.arrivals) {
      if (first.has(a.id)) continue;
      first.add(a.id);
      const list = order.get(a.callConnectionId) ?? [];
      list.push(a.id);
      order.set(a.callConnectionId, list);
    }
    return order;
  }

  /** Sent, delivered, duplicated and lost, against the ids the emulator sent. */
  figures(sentIds: string[]): { sent: number; delivered: number; duplicated: number; lost: number } {
    const accepted = new Map<string, number>();
    for (const a of this.arrivals) accepted.set(a.id, (accepted.get(a.id) ?? 0) + 1);
    const delivered = sentIds.filter((id) => accepted.has(id)).length;
    let duplicated = 0;
    for (const n of accepted.values()) duplicated += n - 1;
    return { sent: sentIds.length, delivered, duplicated, lost: sentIds.length - delivered };
  }

  private async receive(raw: string, res: ServerResponse): Promise<void> {
    this.open.add(res);
    const [event] = JSON.parse(raw) as Array<{ id: string; type: string; data: { callConnectionId: string } }>;
    const arrival = { id: event.id, type: event.type.replace("Microsoft.Communication.", ""), callConnectionId: event.data.callConnectionId };
    const attempt = (this.posts.get(arrival.id) ?? 0) + 1;
    this.posts.set(arrival.id, attempt);
    const status = await this.answer(arrival, attempt);
    this.open.delete(res);
    if (res.destroyed || !res.socket || res.socket.destroyed) return; // killed while the app was still working: the service sees no answer
    if (status < 300) {
      this.arrivals.push(arrival);
      const key = `${arrival.type}|${arrival.callConnectionId}`;
      this.seen.add(key);
      this.waiters.get(key)?.();
      this.waiters.delete(key);
    }
    res.writeHead(status).end();
  }
}
