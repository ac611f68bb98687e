import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One POST the receiver got. */
export interface Received {
  path: string;
  headers: IncomingMessage["headers"];
  /** The parsed JSON array. */
  body: Array<Record<string, any>>;
  raw: string;
}

type Waiter = { match: (e: Record<string, any>, r: Received) => boolean; resolve: (e: Record<string, any>) => void };

/**
 * A real local endpoint the emulator POSTs to: callbacks and Event Grid webhooks. It answers
 * Event Grid's validation handshake by echoing the code, and lets a test await an event.
 */
export interface Receiver {
  url(path?: string): string;
  received: Received[];
  /** Every event (array element) received at `path`, in arrival order. */
  events(path?: string): Array<Record<string, any>>;
  /** Resolves with the first event (already received or still to come) that matches. */
  waitFor(match: (event: Record<string, any>, received: Received) => boolean, description: string): Promise<Record<string, any>>;
  /** Overrides the reply for the next POSTs (status and body), e.g. to fail deliveries. */
  respondWith(reply: ((r: Received) => { status: number; body?: string; headers?: Record<string, string> } | undefined) | undefined): void;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 with a free port. */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let waiters: Waiter[] = [];
  let reply: Parameters<Receiver["respondWith"]>[0];
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      let body: Array<Record<string, any>> = [];
      try {
        body = JSON.parse(raw);
      } catch {
        body = [];
      }
      const entry: Received = { path: req.url ?? "/", headers: req.headers, body, raw };
      received.push(entry);
      const custom = reply?.(entry);
      if (custom) {
        res.writeHead(custom.status, { "content-type": "application/json", ...custom.headers });
        res.end(custom.body ?? "");
      } else if (req.headers["aeg-event-type"] === "SubscriptionValidation") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ validationResponse: body[0]?.data?.validationCode }));
      } else {
        res.writeHead(200);
        res.end();
      }
      if (custom && custom.status >= 300) return;
      for (const event of body) {
        const hit = waiters.filter((w) => w.match(event, entry));
        waiters = waiters.filter((w) => !hit.includes(w));
        for (const w of hit) w.resolve(event);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: (path = "/callbacks") => `${base}${path}`,
    received,
    events: (path) => received.filter((r) => !path || r.path === path).flatMap((r) => r.body),
    waitFor(match, description) {
      for (const entry of received) for (const event of entry.body) if (match(event, entry)) return Promise.resolve(event);
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        const signal = AbortSignal.timeout(8_000);
        signal.addEventListener("abort", () => {
          const seen = received.flatMap((r) => r.body.map((e) => `${r.path} ${e.type ?? e.eventType}`)).join("\n  ");
          reject(new Error(`Timed out waiting for ${description}. Received so far:\n  ${seen || "(nothing)"}`));
        });
      });
    },
    respondWith(next) {
      reply = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
