import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** The repository root. */
const ROOT = join(import.meta.dirname, "..", "..");
/** The built CLI (dist/ is rebuilt by test/support/buildDist.ts when a source changed). */
export const CLI = join(ROOT, "dist", "emulator", "cli.js");

/** A child process and the lines it printed; `next` awaits a line (already printed or still to come). */
export interface LineProcess {
  child: ChildProcess;
  lines: string[];
  next(match: (line: string) => boolean): Promise<string>;
  /** Calls `listener` with every line from now on; answers the function that stops it. */
  onLine(listener: (line: string) => void): () => void;
  stop(): void;
}

/**
 * Spawns `node <args>` and collects its stdout lines; resolves once a line matches `ready`,
 * rejects if the process exits first (with what it printed, stderr included).
 */
export function spawnLines(args: string[], ready: (line: string) => boolean, env: Record<string, string | undefined> = {}): Promise<LineProcess> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env, FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  let errors = "";
  const listeners = new Set<(line: string) => void>();
  child.stderr!.on("data", (d) => (errors += d));
  const next = (match: (line: string) => boolean) =>
    new Promise<string>((resolve) => {
      const seen = lines.find(match);
      if (seen !== undefined) return resolve(seen);
      const listener = (line: string) => match(line) && (listeners.delete(listener), resolve(line));
      listeners.add(listener);
    });
  const started: LineProcess = {
    child,
    lines,
    next,
    onLine: (listener) => (listeners.add(listener), () => void listeners.delete(listener)),
    stop: () => void (child.exitCode === null && child.kill("SIGKILL")),
  };
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      lines.push(line);
      for (const listener of [...listeners]) listener(line);
      if (ready(line)) resolve(started);
    });
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code} before it was ready:\n${lines.join("\n")}\n${errors}`)));
  });
}
