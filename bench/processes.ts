import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { FloorSamples } from "./latency.js";

const DIST = join(import.meta.dirname, "..");

/** A started child process and where it listens. */
export interface Started {
  child: ChildProcess;
  url: string;
  /** From spawn to the line that says it is ready, in ms. */
  readyMs: number;
  lines: string[];
  stop(): Promise<void>;
}

function startProcess(args: string[], ready: (line: string, lines: string[]) => string | undefined): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await exited;
  };
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      lines.push(line);
      const url = ready(line, lines);
      if (url) resolve({ child, url, readyMs: performance.now() - t0, lines, stop });
    });
    void exited.then(() => reject(new Error(`${args.join(" ")} exited before it was ready:\n${lines.join("\n")}`)));
  });
}

/** Starts the built callsim CLI; ready when it prints its connection string. */
export async function startCallsim(args: string[] = []): Promise<Started & { connectionString: string; accessKey: string }> {
  const started = await startProcess([join(DIST, "emulator", "cli.js"), "--port", "0", "--log-level", "silent", ...args], (line, lines) =>
    line.startsWith("connectionString=") ? lines[0].replace("callsim listening on ", "") : undefined,
  );
  const connectionString = started.lines[1].slice("connectionString=".length);
  return { ...started, connectionString, accessKey: /accesskey=(.+)$/.exec(connectionString)![1] };
}

/** Starts the bare fastify route that serves `body` as JSON; ready when it prints its URL. */
export function startBaseline(body: string): Promise<Started> {
  return startProcess([join(DIST, "bench", "baselineServer.js"), body], (line) => (line.startsWith("http://") ? line : undefined));
}

/** Starts the floor of action-to-callback (bench/callbackFloorServer.ts) with callsim's `samples`. */
export function startCallbackFloor(samples: FloorSamples): Promise<Started> {
  return startProcess([join(DIST, "bench", "callbackFloorServer.js"), JSON.stringify(samples)], (line) => (line.startsWith("http://") ? line : undefined));
}

/** Starts the counting callback endpoint (bench/countingSink.ts); ready when it prints its URL. */
export function startCountingSink(): Promise<Started> {
  return startProcess([join(DIST, "bench", "countingSink.js")], (line) => (line.startsWith("http://") ? line : undefined));
}
