import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const run = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
/** Bounds each npm step: an install from the local cache takes seconds, never minutes. */
const NPM_TIMEOUT_MS = 240_000;

/**
 * The package as a user gets it: `npm pack` (of the dist/ that `npm install` built), installed
 * from the tarball into a new project with nothing else in it, as the README's install section
 * and the Dockerfile do. Offline first: every package comes from the npm cache `npm install`
 * filled here.
 */
describe.skipIf(!existsSync(join(root, "dist", "emulator", "cli.js")))("the packed package", () => {
  let work: string;
  let tarball: string;
  let files: string[];
  let project: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "callsim-pack-"));
    const { stdout } = await run(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: root, timeout: NPM_TIMEOUT_MS });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(work, packed!.filename);
    files = packed!.files.map((f) => f.path);
    project = join(work, "app");
    mkdirSync(project);
    const { version: vitest } = JSON.parse(readFileSync(join(root, "node_modules", "vitest", "package.json"), "utf8")) as { version: string };
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "app", private: true, type: "module", devDependencies: { callsim: `file:${tarball}`, vitest } }, null, 2));
    await run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: project, timeout: NPM_TIMEOUT_MS });
  }, 2 * NPM_TIMEOUT_MS + 10_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("ships the build, the license, the changelog and what the README links to, and no source maps", () => {
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "CHANGELOG.md", "README.md", "package.json", "dist/emulator/cli.js", "dist/emulator/index.d.ts", "dist/emulator/vitest.js"]));
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(files.filter((f) => f.startsWith("dist/test/") || f.startsWith("dist/bench/") || f.startsWith("test/"))).toEqual([]);
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const links = [...readme.matchAll(/\]\(([^)#:]+)\)/g)].map((m) => m[1]!.replace(/\/$/, ""));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(files.some((f) => f === link || f.startsWith(`${link}/`)), link).toBe(true);
  });

  test("runs a fixture test in a project that installed the tarball", async () => {
    writeFileSync(join(project, "call.test.ts"), readFileSync(join(root, "examples", "inProcess", "callee.test.ts"), "utf8"));
    const { stdout } = await run(process.execPath, [join(project, "node_modules", "vitest", "vitest.mjs"), "run", "--reporter", "verbose"], { cwd: project, timeout: 120_000 });
    expect(stdout.replace(/\u001b\[[\d;]*m/g, "")).toMatch(/✓ call\.test\.ts > the callee answers/);
  }, 130_000);

  test("starts the command from a clean directory, as the Dockerfile runs it", async () => {
    const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/npm pack/);
    expect(dockerfile).toMatch(/npm install .*callsim-\*\.tgz/);
    const entrypoint = /ENTRYPOINT \["\/opt\/callsim\/(node_modules\/\.bin\/callsim)"\]/.exec(dockerfile)?.[1];
    expect(entrypoint).toBeDefined();
    const bin = join(project, entrypoint!);
    const version = await run(bin, ["--version"], { cwd: work });
    expect(version.stdout).toBe(`callsim ${(JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version}\n`);
    const child = spawn(bin, ["--port", "0"], { cwd: work, stdio: "pipe" });
    try {
      const lines: string[] = [];
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: child.stdout }).on("line", (line) => {
          lines.push(line);
          if (line.startsWith("control plane:")) resolve();
        });
        child.on("exit", (code) => reject(new Error(`callsim exited with ${code}: ${lines.join("\n")}`)));
      });
      expect(lines[1]).toMatch(/^connectionString=endpoint=http:\/\/127\.0\.0\.1:\d+\/;accesskey=/);
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
