import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Emulator } from "../../emulator/emulator.js";

/** One POST the receiver got. */
export interface Received {
  path: string;
  headers: IncomingMessage["headers"] | Record<string, string>;
  /** The parsed JSON array. */
  body: Array<Record<string, any>>;
  raw: string;
}

/** A reply override; undefined falls back to the default (200, or the validation echo). */
export type Reply = ((r: Received) => { status: number; body?: string; headers?: Record<string, string> } | undefined) | undefined;

/**
 * The app's endpoint as a test sees it: callbacks and Event Grid webhooks. It answers Event
 * Grid's validation handshake by echoing the code, and lets a test await an event.
 */
export interface Receiver {
  url(path?: string): string;
  received: Received[];
  /** Every event (array element) received at `path`, in arrival order. */
  events(path?: string): Array<Record<string, any>>;
  /** Resolves with the first event (already received or still to come) that matches. */
  waitFor(match: (event: Record<string, any>, received: Received) => boolean, description: string): Promise<Record<string, any>>;
  /** Overrides the reply for the next POSTs, e.g. to fail deliveries. */
  respondWith(reply: Reply): void;
  close(): Promise<void>;
}

/** How long a wait for an event may take while the emulator still has work scheduled (a ring, a retry). */
const WAIT_LIMIT_MS = 8_000;

type Waiter = { match: (e: Record<string, any>, r: Received) => boolean; resolve: (e: Record<string, any>) => void };

/** What both receivers share: the log, the replies and the waiters. */
function createCore(base: string, pump?: () => Promise<boolean>, realTime = true) {
  const received: Received[] = [];
  let waiters: Waiter[] = [];
  let reply: Reply;
  const describeSeen = () => received.flatMap((r) => r.body.map((e) => `${r.path} ${e.type ?? e.eventType}`)).join("\n  ") || "(nothing)";
  const find = (match: Waiter["match"]) => {
    for (const entry of received) for (const event of entry.body) if (match(event, entry)) return event;
    return undefined;
  };
  return {
    received,
    /** Records a POST and decides the answer. */
    accept(entry: Received): { status: number; body?: string; headers?: Record<string, string> } {
      received.push(entry);
      const custom = reply?.(entry);
      const answer = custom ?? (entry.headers["aeg-event-type"] === "SubscriptionValidation" ? { status: 200, body: JSON.stringify({ validationResponse: entry.body[0]?.data?.validationCode }) } : { status: 200 });
      if (answer.status < 300) {
        for (const event of entry.body) {
          const hit = waiters.filter((w) => w.match(event, entry));
          waiters = waiters.filter((w) => !hit.includes(w));
          for (const w of hit) w.resolve(event);
        }
      } else received.pop();
      return answer;
    },
    receiver: {
      url: (path = "/callbacks") => `${base}${path}`,
      received,
      events: (path?: string) => received.filter((r) => !path || r.path === path).flatMap((r) => r.body),
      async waitFor(match: Waiter["match"], description: string) {
        const found = find(match);
        if (found) return found;
        let timer: NodeJS.Timeout | undefined;
        const waiting = new Promise<Record<string, any>>((resolve, reject) => {
          waiters.push({ match, resolve });
          // Virtual time has no wall-clock limit: stepping ends when the emulator has nothing left.
          if (realTime) timer = setTimeout(() => reject(new Error(`Timed out waiting for ${description}. Received:\n  ${describeSeen()}`)), WAIT_LIMIT_MS);
        });
        waiting.then(() => clearTimeout(timer), () => undefined);
        if (!pump) return waiting;
        // Step the emulator until the event comes or it has nothing left to do: a missing event
        // fails at once, listing what did arrive, instead of after the time limit.
        let settled = false;
        const exhausted = (async () => {
          for (;;) {
            const more = await pump();
            const hit = find(match);
            if (hit || settled) return hit;
            if (!more) throw new Error(`${description} never came: the emulator has nothing left to do. Received:\n  ${describeSeen()}`);
          }
        })();
        try {
          return await Promise.race([waiting, exhausted.then((hit) => hit ?? waiting)]);
        } finally {
          clearTimeout(timer);
          settled = true;
          waiters = waiters.filter((w) => w.match !== match);
        }
      },
      respondWith(next: Reply) {
        reply = next;
      },
    },
  };
}

/**
 * A real endpoint on 127.0.0.1 with a free port: the emulator reaches it over HTTP. Given the
 * emulator, a wait for an event fails as soon as the emulator has nothing left to do.
 */
export async function startHttpReceiver(emulator?: Emulator): Promise<Receiver> {
  let core!: ReturnType<typeof createCore>;
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      const answer = core.accept({ path: req.url ?? "/", headers: req.headers, body: parse(raw), raw });
      res.writeHead(answer.status, answer.body ? { "content-type": "application/json", ...answer.headers } : answer.headers);
      res.end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  core = createCore(`http://127.0.0.1:${port}`, emulator && (() => emulator.step()));
  return { ...core.receiver, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** An in-process endpoint: the emulator hands it events without a socket. */
export function startInProcessReceiver(emulator: Emulator, base = "https://app.callsim.test"): Receiver {
  const clock = emulator.clock;
  const core = createCore(base, clock ? () => clock.step() : undefined, !clock);
  const remove = emulator.onCallback(base, (request) => {
    const answer = core.accept({ path: ((url) => url.pathname + url.search)(new URL(request.url)), headers: request.headers, body: request.events, raw: request.body });
    return { status: answer.status, body: answer.body, headers: answer.headers };
  });
  return { ...core.receiver, close: async () => remove() };
}

function parse(raw: string): Array<Record<string, any>> {
  try {
    return JSON.parse(raw);
  } catch {
    return [];
  }
}
