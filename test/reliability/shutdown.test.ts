import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { CallAutomationClient } from "@azure/communication-call-automation";
import { afterEach, describe, expect, test } from "vitest";
import { AppEndpoint } from "./appEndpoint.js";

const cli = join(import.meta.dirname, "..", "..", "dist", "emulator", "cli.js");

interface Run {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  url: string;
  connectionString: string;
  exited: Promise<number | null>;
  /** Resolves with the first printed line (already printed or still to come) that matches. */
  waitForLine(pattern: RegExp): Promise<string>;
}

/** Starts the built CLI and resolves once it printed its control-plane line. */
function start(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, [cli, "--port", "0", ...args], { stdio: "pipe", env: { ...process.env, ...env } });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const waitForLine = (pattern: RegExp) =>
    new Promise<string>((resolve) => {
      const found = lines.find((l) => pattern.test(l));
      if (found) resolve(found);
      else waiters.push({ pattern, resolve });
    });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      lines.push(line);
      for (const w of waiters.filter((w) => w.pattern.test(line))) w.resolve(line);
      if (line.startsWith("control plane:")) {
        const url = lines[0].replace("callsim listening on ", "");
        resolve({ child, lines, url, connectionString: lines[1].slice("connectionString=".length), exited, waitForLine });
      }
    });
    void exited.then((code) => reject(new Error(`callsim exited with ${code}: ${lines.join("\n")}`)));
  });
}

const target = { communicationUserId: "8:acs:55555555-5555-5555-5555-555555555555_00000001-0000-0000-0000-000000000000" };

describe("callsim command: delivery options and shutdown", () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0)) await step();
  });

  test("takes the delivery policy from options and CALLSIM_* variables and reports it in /emulator/info", async () => {
    const run = await start(["--delivery-attempts", "7", "--event-log-limit", "500"], { CALLSIM_DELIVERY_TIMEOUT_MS: "1500", CALLSIM_DELIVERY_BACKOFF_MS: "5", CALLSIM_MAX_BACKLOG: "200" });
    cleanup.push(() => run.child.kill("SIGKILL"));
    const info = await (await fetch(`${run.url}/emulator/info`)).json();
    expect(info.delivery).toEqual({
      maxAttempts: 7,
      baseDelayMs: 5,
      maxDelayMs: 5_000,
      timeoutMs: 1_500,
      eventLogLimit: 500,
      maxBacklog: 200,
      eventGrid: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1_440 },
      callOrderGraceMs: 250,
      maxInFlightPerOrigin: 64,
    });
    expect(info.events).toMatchObject({ retained: 0, droppedFromLog: 0, pending: 0 });
    expect(info.memory.rssBytes).toBeGreaterThan(0);
  });

  test("refuses a delivery option that is not a whole number, naming it", async () => {
    const child = spawn(process.execPath, [cli, "--delivery-attempts", "0"], { stdio: "pipe" });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    expect(await new Promise((resolve) => child.on("exit", resolve))).toBe(2);
    expect(err).toMatch(/--delivery-attempts \(or CALLSIM_DELIVERY_ATTEMPTS\) must be a whole number of at least 1, got "0"/);
  });

  test("on SIGTERM delivers what is pending, says so and exits 0", async () => {
    const app = new AppEndpoint();
    let release!: () => void;
    const held = new Promise<number>((resolve) => (release = () => resolve(200)));
    let reached!: () => void;
    const arrived = new Promise<void>((resolve) => (reached = resolve));
    // Both events reach the app (the second after the call-order grace) and wait for an answer.
    app.answer = (_e, attempt) => (attempt === 1 ? (app.posts.size === 2 && reached(), held) : 200);
    await app.listen();
    cleanup.push(() => app.kill());
    const run = await start([]);
    cleanup.push(() => run.child.kill("SIGKILL"));
    const client = new CallAutomationClient(run.connectionString, { allowInsecureConnection: true });
    await client.createCall({ targetParticipant: target }, app.url("/cb"));
    await arrived; // CallConnected and ParticipantsUpdated are at the app, unanswered
    run.child.kill("SIGTERM");
    await run.waitForLine(/delivering/);
    release();
    expect(await run.exited).toBe(0);
    expect(run.lines.join("\n")).toMatch(/SIGTERM, delivering 2 pending event\(s\)/);
    expect(run.lines.at(-1)).toBe("callsim: stopped; events delivered 2, dead-lettered 0, not delivered 0");
    expect(app.arrivals.map((a) => a.type).sort()).toEqual(["CallConnected", "ParticipantsUpdated"]);
  });

  test("on SIGINT with an app that never answers, waits the grace period, lists each undelivered event and exits 0", async () => {
    const app = new AppEndpoint();
    let reached!: () => void;
    const arrived = new Promise<void>((resolve) => (reached = resolve));
    app.answer = () => (app.posts.size === 2 && reached(), new Promise<number>(() => undefined));
    await app.listen();
    cleanup.push(() => app.kill());
    const run = await start(["--shutdown-grace-ms", "100"]);
    cleanup.push(() => run.child.kill("SIGKILL"));
    const client = new CallAutomationClient(run.connectionString, { allowInsecureConnection: true });
    const { callConnectionProperties } = await client.createCall({ targetParticipant: target }, app.url("/cb"));
    await arrived; // both events are at the app, which never answers
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    const out = run.lines.join("\n");
    expect(out).toMatch(/events delivered 0, dead-lettered 0, not delivered 2/);
    expect(out).toMatch(new RegExp(`not delivered Microsoft\\.Communication\\.CallConnected [0-9a-f-]{36} -> ${app.url("/cb")} \\(1 attempt\\(s\\)`));
    expect(out).toMatch(new RegExp(`not delivered Microsoft\\.Communication\\.ParticipantsUpdated [0-9a-f-]{36} -> ${app.url("/cb")} \\(1 attempt\\(s\\)`));
    expect(callConnectionProperties.callConnectionId).toBeTruthy();
  });
});
