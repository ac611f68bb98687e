import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request as undiciRequest } from "undici";
import { createLocalCertificate } from "../emulator/http/tls.js";
import { createInterface } from "node:readline";
import { CallAutomationClient } from "@azure/communication-call-automation";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const cli = join(import.meta.dirname, "..", "dist", "emulator", "cli.js");

/** Starts the built CLI and collects its lines of output; `next` awaits a line to come. */
function start(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; lines: string[]; next(match: (line: string) => boolean): Promise<string> }> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: "pipe" });
  const lines: string[] = [];
  const waiting = new Set<{ match: (line: string) => boolean; resolve: (line: string) => void }>();
  const next = (match: (line: string) => boolean) =>
    new Promise<string>((resolve) => {
      const seen = lines.find(match);
      if (seen) resolve(seen);
      else waiting.add({ match, resolve });
    });
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.on("line", (line) => {
      lines.push(line);
      for (const waiter of waiting) if (waiter.match(line)) (waiting.delete(waiter), waiter.resolve(line));
      if (line.startsWith("control plane:")) resolve({ child, lines, next });
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

  test("refuses an unknown option with exit code 2 and one line naming it", async () => {
    const { code, stdout, stderr } = await runToExit(["--prot", "1"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toEqual([expect.stringMatching(/^callsim: .*--prot.*callsim --help/)]);
  });

  test("refuses an unknown --log-level with exit code 2 and one line listing the levels", async () => {
    const { code, stderr } = await runToExit(["--log-level", "loud"]);
    expect(code).toBe(2);
    expect(stderr).toBe('callsim: --log-level must be one of fatal, error, warn, info, debug, trace, silent; got "loud". (callsim --help lists the options)\n');
  });

  test("prints its version with --version and -v, and the usage with --help and -h, exiting 0", async () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8")) as { version: string };
    for (const flag of ["--version", "-v"]) expect(await runToExit([flag])).toEqual({ code: 0, stdout: `callsim ${version}\n`, stderr: "" });
    for (const flag of ["--help", "-h"]) {
      const { code, stdout } = await runToExit([flag]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^callsim: /);
      expect(stdout).toMatch(/Exit codes: 0 .* 1 .* 2 /s);
    }
  });

  test("refuses --cert without --key, and exits 1 naming a certificate file it cannot read", async () => {
    expect((await runToExit(["--cert", "/nonexistent.pem"])).code).toBe(2);
    const unreadable = await runToExit(["--port", "0", "--cert", "/nonexistent.pem", "--key", "/nonexistent-key.pem"]);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toMatch(/^callsim: cannot read the --cert file \/nonexistent\.pem/);
  });

  test("serves TLS with the user's own --cert and --key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "callsim-own-cert-"));
    const own = await createLocalCertificate({ dir });
    const secure = await start(["--port", "0", "--cert", own.certPath, "--key", own.keyPath]);
    try {
      expect(secure.lines[0]).toMatch(/^callsim listening on https:/);
      expect(secure.lines).toContain(`tls: your certificate ${own.certPath} (${new X509Certificate(own.certPem).subjectAltName})`);
      const url = secure.lines[0].slice("callsim listening on ".length);
      const answer = await undiciRequest(`${url}/emulator/info`, { dispatcher: new Agent({ connect: { ca: own.certPem } }) });
      expect(answer.statusCode).toBe(200);
      await answer.body.dump();
    } finally {
      secure.child.kill("SIGKILL");
    }
  });

  test("prints a live line for each request and each failed delivery at the default level", async () => {
    const logged = await start(["--port", "0"]);
    try {
      const connectionString = logged.lines[1].slice("connectionString=".length);
      const client = new CallAutomationClient(connectionString, { allowInsecureConnection: true });
      const { callConnectionProperties } = await client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, "http://127.0.0.1:9/cb");
      const id = callConnectionProperties.callConnectionId!;
      const request = await logged.next((line) => line.includes("createCall"));
      expect(request).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  -->  createCall +201  [\\d.]+ ms  call ${id}$`));
      // Port 9 refuses connections: the first attempt fails and is retried.
      expect(await logged.next((line) => line.includes("retry CallConnected"))).toContain(`http://127.0.0.1:9/cb  call ${id}  attempt 1/5`);
    } finally {
      logged.child.kill("SIGKILL");
    }
  });

  test("writes JSON lines with --log-format json, the banner included", async () => {
    const child = spawn(process.execPath, [cli, "--port", "0", "--log-format", "json"], { stdio: "pipe" });
    try {
      const records: Array<Record<string, unknown>> = [];
      const rl = createInterface({ input: child.stdout });
      const ready = new Promise<void>((resolve) => rl.on("line", (line) => {
        records.push(JSON.parse(line) as Record<string, unknown>);
        if (String(records.at(-1)!.msg).startsWith("control plane:")) resolve();
      }));
      await ready;
      const connectionString = records.find((r) => r.connectionString)!.connectionString as string;
      const client = new CallAutomationClient(connectionString, { allowInsecureConnection: true });
      await client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, "http://127.0.0.1:9/cb");
      await expect.poll(() => records.find((r) => r.kind === "request")).toMatchObject({ level: 30, operation: "createCall", status: 201 });
    } finally {
      child.kill("SIGKILL");
    }
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

  test("takes the resource id of callback tokens from --resource-id and reports it in GET /emulator/info", async () => {
    const started = await start(["--port", "0", "--resource-id", "11111111-2222-4333-8444-555555555555"]);
    try {
      const endpoint = started.lines[0].replace("callsim listening on ", "");
      expect((await (await fetch(`${endpoint}/emulator/info`)).json()).resourceId).toBe("11111111-2222-4333-8444-555555555555");
      expect((await (await fetch(`${endpoint}/calling/.well-known/acsopenidconfiguration`)).json()).jwks_uri).toBe(`${endpoint}/calling/keys`);
    } finally {
      started.child.kill("SIGKILL");
    }
  });

  test.each([
    [["--callback-signing-key", "/nonexistent/key.pem"], /--callback-signing-key .*PKCS#8 PEM/],
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

/** Runs the CLI to its exit and collects what it printed. */
async function runToExit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: "pipe" });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, stdout, stderr };
}
