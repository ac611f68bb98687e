import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { createEmulator, type Emulator } from "../../emulator/emulator.js";

const root = join(import.meta.dirname, "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const snippets = [...readme.matchAll(/```ts\n(.*?)```\n/gs)].map((m) => m[1]!);

describe("README snippets", () => {
  test("each is a file under examples/, verbatim, named on its first line", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(8);
    for (const snippet of snippets) {
      const file = /^\/\/ (examples\/\S+\.ts)\n/.exec(snippet)?.[1];
      expect(file, `a README ts snippet must start with "// examples/<file>.ts":\n${snippet.slice(0, 200)}`).toBeDefined();
      expect(readFileSync(join(root, file!), "utf8"), file).toBe(snippet);
    }
  });

  test("name the certificate file the CLI prints for --https", () => {
    const named = [...readme.matchAll(/\/tmp\/callsim-certs\/\S+\.pem/g)].map((m) => m[0]);
    expect(named.length).toBeGreaterThan(0);
    // emulator/http/tls.ts writes callsim-cert.pem; test/cli.test.ts checks the CLI prints it.
    expect(new Set(named)).toEqual(new Set(["/tmp/callsim-certs/callsim-cert.pem"]));
  });

  test("start with the install-and-start command and the test command, which .ci/run runs", () => {
    expect(readme.split("\n").slice(0, 10).join("\n")).toMatch(/^# callsim\n\n```sh\nnpm install && npm start\n```\n\n```sh\nnpm test\n```/);
    expect(readFileSync(join(root, ".ci", "run"), "utf8")).toMatch(/\nnpm install\nnpm test\n?$/);
  });
});

describe.skipIf(!existsSync(join(root, "dist", "emulator", "index.d.ts")))("examples", () => {
  test("type-check under strict, exactOptionalPropertyTypes and noUncheckedIndexedAccess", async () => {
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    const run = await promisify(execFile)(process.execPath, [tsc, "-p", join(root, "examples", "tsconfig.json")], { cwd: root, timeout: 180_000 }).then(
      () => "",
      (error: { stdout?: string; message: string }) => error.stdout || error.message,
    );
    expect(run).toBe("");
  }, 200_000);
});

describe("example scripts run", () => {
  let server: Emulator;
  let logged: string[] = [];
  beforeAll(async () => {
    server = createEmulator({ seed: 7, selfCheck: "throw" });
    const { connectionString } = await server.listen({ port: 0 });
    vi.stubEnv("ACS_CONNECTION_STRING", connectionString);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await server.close();
  });
  const capture = () => {
    logged = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logged.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")));
  };

  test("quickstart/createCall.ts: connects, adds a participant once connected, hangs up", async () => {
    capture();
    await import("../../examples/quickstart/createCall.js");
    expect(logged[0]).toMatch(/^connected: [0-9a-f-]{36}$/);
    expect(logged[1]).toContain("8:acs:11111111-1111-1111-1111-111111111111_00000001");
    expect(server.requests().map((r) => [r.operationId, r.status])).toEqual([
      ["CreateCall", 201],
      ["CallConnection_AddParticipant", 202],
      ["CallConnection_TerminateCall", 204],
    ]);
    server.assertSelfCheck();
  });

  test("server/deliveryPolicy.ts and server/listen.ts", async () => {
    capture();
    await import("../../examples/server/deliveryPolicy.js");
    await import("../../examples/server/listen.js");
    expect(logged[0]).toContain('"maxAttempts":10');
    expect(logged[1]).toMatch(/^endpoint=http:\/\/127\.0\.0\.1:\d+\/;accesskey=/);
  });

  test("inProcess/routeCallbacks.ts: the app's fetch handler validates its subscription and answers", async () => {
    capture();
    await import("../../examples/inProcess/routeCallbacks.js");
    expect(logged).toEqual([expect.stringMatching(/^answered: \["[0-9a-f-]{36}"\]$/)]);
  });

  test("explore/firstOrder.ts and scenarios/busy.ts", async () => {
    capture();
    await import("../../examples/explore/firstOrder.js");
    expect(logged[0]).toMatch(/^A failing order was found .* Smallest failing order \(0 copies, 1 moved event\): app calls POST :answer → CallConnected/);
    expect(logged[1]).toContain("sequenceDiagram");
    await import("../../examples/scenarios/busy.js");
    expect(logged[2]).toBe('{"app":["CreateCallFailed","CallDisconnected"]}');
    expect(logged[3]).toMatch(/^Every one of .* passed in outbound-busy/);
  });
});
