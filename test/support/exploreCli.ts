import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** The repository root: `callsim explore` runs from its sources there. */
export const REPO = join(import.meta.dirname, "..", "..");
/** The apps the explore tests run behind URLs. */
export const APPS = join(REPO, "test", "scenarios", "apps");
/** A bound that catches a hang, not a performance figure: every CLI run here ends far sooner. */
export const EXIT_BOUND_MS = 60_000;
/** A test's own bound: two CLI runs, each within {@link EXIT_BOUND_MS}. */
export const CLI_TEST_TIMEOUT_MS = 2 * EXIT_BOUND_MS + 10_000;

/** A free loopback port for an app, known before the app starts (the CLI needs its URLs first). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** How a `callsim explore` process ended. */
export interface CliRun {
  /** The exit code, or "hung" when it did not exit within the bound (it is then killed). */
  code: number | "hung";
  output: string;
  /** Wall time from spawn to exit, for the hang bound's message only. */
  ms: number;
  /** True when the app was still running as the CLI exited: its connections did not keep the CLI alive. */
  appAlive: boolean;
}

/** Runs `callsim explore` (sources, through the tsx loader) with `args`, as CI would. */
export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", join(REPO, "emulator", "cli.ts"), "explore", ...args], {
    cwd: REPO,
    env: { ...process.env, ...env, FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/**
 * Starts `callsim explore`, then the app (a child process too) once the CLI printed the
 * connection string (and CA) the app must use, and waits for the CLI to exit, within
 * {@link EXIT_BOUND_MS}. The app is stopped afterwards.
 */
export async function exploreApp(options: { app: string; appPort: number; appEnv?: Record<string, string>; args: string[]; env?: Record<string, string> }): Promise<CliRun> {
  const began = Date.now();
  const cli = spawnCli(options.args, options.env);
  let output = "";
  let app: ChildProcess | undefined;
  let appOutput = "";
  cli.stderr!.on("data", (d) => (output += d));
  const lines = createInterface({ input: cli.stdout! });
  let connectionString = "";
  let ca = "";
  lines.on("line", (line) => {
    output += `${line}\n`;
    connectionString = /connectionString=(\S+)/.exec(line)?.[1] ?? connectionString;
    ca = /^ca=(\S+)/.exec(line)?.[1] ?? ca;
    if (line.startsWith("callsim explore: waiting for the app") && !app) {
      app = spawn(process.execPath, [join(APPS, options.app)], {
        cwd: REPO,
        env: { ...process.env, ...options.appEnv, PORT: String(options.appPort), CONNECTION_STRING: connectionString, ...(ca && { NODE_EXTRA_CA_CERTS: ca }) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      app.stdout!.on("data", (d) => (appOutput += d));
      app.stderr!.on("data", (d) => (appOutput += d));
    }
  });
  const code = await new Promise<number | "hung">((resolve) => {
    const timer = setTimeout(() => {
      cli.kill("SIGKILL");
      resolve("hung");
    }, EXIT_BOUND_MS);
    cli.on("exit", (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode ?? -1);
    });
  });
  const appAlive = app !== undefined && app.exitCode === null && app.signalCode === null;
  app?.kill("SIGKILL");
  return { code, output: `${output}${appOutput ? `\n--- app ---\n${appOutput}` : ""}`, ms: Date.now() - began, appAlive };
}

/** Explores test/scenarios/apps/plainApp.mjs (a `variant`) through the CLI with `args` after its URLs and seed 3. */
export async function explorePlain(variant: "buggy" | "robust" | "silent", args: string[], appEnv: Record<string, string> = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const run = await exploreApp({
    app: "plainApp.mjs",
    appPort: port,
    appEnv: { APP_VARIANT: variant, ...appEnv },
    args: ["--port", "0", "--start-url", `${base}/start`, "--callback-url", `${base}/callbacks`, "--reset-url", `${base}/reset`, "--seed", "3", ...args],
  });
  if (run.code === "hung") throw new Error(`callsim explore did not exit within ${EXIT_BOUND_MS} ms:\n${run.output}`);
  return run;
}
