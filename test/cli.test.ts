import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { CallAutomationClient } from "@azure/communication-call-automation";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const cli = join(import.meta.dirname, "..", "dist", "emulator", "cli.js");

/** Starts the built CLI and collects its first lines of output. */
function start(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; lines: string[] }> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: "pipe" });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.on("line", (line) => {
      lines.push(line);
      if (line.startsWith("control plane:")) resolve({ child, lines });
    });
    child.on("exit", (code) => reject(new Error(`callsim exited with ${code} before it was ready: ${lines.join("\n")}`)));
  });
}

// dist/ is rebuilt by the global setup (test/support/buildDist.ts) when a source changed.
describe("callsim command", () => {
  let run: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    run = await start(["--port", "0", "--seed", "42"]);
  });
  afterAll(() => {
    if (run.child.exitCode === null) run.child.kill("SIGKILL");
  });

  test("prints the endpoint first, then a connection string with the real port", () => {
    expect(run.lines[0]).toMatch(/^callsim listening on http:\/\/127\.0\.0\.1:\d+$/);
    const port = run.lines[0].split(":").at(-1);
    expect(run.lines[1]).toMatch(new RegExp(`^connectionString=endpoint=http://127\\.0\\.0\\.1:${port}/;accesskey=.+$`));
    expect(run.lines).toContain("seed=42");
  });

  test("serves the official SDK with the printed connection string", async () => {
    const connectionString = run.lines[1].slice("connectionString=".length);
    const client = new CallAutomationClient(connectionString, { allowInsecureConnection: true });
    const result = await client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, "http://127.0.0.1:9/cb");
    expect(result.callConnectionProperties.callConnectionId).toBeTruthy();
  });

  test("stops cleanly on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => run.child.on("exit", resolve));
    run.child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  test("serves TLS with --https and prints the CA an unmodified app trusts through NODE_EXTRA_CA_CERTS", async () => {
    const secure = await start(["--https", "--port", "0"]);
    try {
      expect(secure.lines[0]).toMatch(/^callsim listening on https:\/\/127\.0\.0\.1:\d+$/);
      const ca = /^ca=(\S+)/m.exec(secure.lines.join("\n"))![1];
      const connectionString = secure.lines[1].slice("connectionString=".length);
      // A separate process, as an app would run: no allowInsecureConnection, only the CA file.
      const script = `
        const { CallAutomationClient } = await import("@azure/communication-call-automation");
        const client = new CallAutomationClient(process.env.CS);
        const r = await client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, "https://127.0.0.1:9/cb");
        console.log("ok " + r.callConnectionProperties.callConnectionId);`;
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, CS: connectionString, NODE_EXTRA_CA_CERTS: ca }, cwd: join(import.meta.dirname, "..") });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      const code = await new Promise((resolve) => child.on("exit", resolve));
      expect(out).toMatch(/^ok [0-9a-f-]{36}/);
      expect(code).toBe(0);
    } finally {
      secure.child.kill("SIGKILL");
    }
  });

  test("refuses an unknown option with exit code 2 and the usage", async () => {
    const child = spawn(process.execPath, [cli, "--prot", "1"], { stdio: "pipe" });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/Usage: callsim/);
  });

  test("names the resource's phone numbers with --phone-number, as the control plane lists them", async () => {
    const numbered = await start(["--port", "0", "--phone-number", "+18005550100", "--phone-number", "+18005550111"]);
    try {
      expect(numbered.lines).toContain("phone numbers: +18005550100, +18005550111 (calls to them raise IncomingCall)");
      const endpoint = numbered.lines[0].replace("callsim listening on ", "");
      expect(await (await fetch(`${endpoint}/emulator/phone-numbers`)).json()).toEqual(["+18005550100", "+18005550111"]);
    } finally {
      numbered.child.kill("SIGKILL");
    }
  });

  test.each([
    [["--phone-number", "18005550100"], /--phone-number: .*E\.164/],
    [["--event-grid-webhook", "http://127.0.0.1:9/hook", "--event-grid-filter", "{not json"], /--event-grid-filter .*must be JSON/],
    [["--event-grid-webhook", "http://127.0.0.1:9/hook", "--event-grid-filter", '{"advancedFilters":[{"operatorType":"Nope","key":"data.x"}]}'], /--event-grid-filter: filter\.advancedFilters\[0\]\.operatorType must be one of/],
  ])("refuses %j with exit code 2, saying what to fix", async (args, message) => {
    const child = spawn(process.execPath, [cli, "--port", "0", ...args], { stdio: "pipe" });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });
});
