import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";

/**
 * Vitest global setup: the CLI tests run the built `dist/`, so it is rebuilt first whenever a
 * source is newer than the last build. Unchanged sources cost a scan of file times, not a build.
 */
const root = join(import.meta.dirname, "..", "..");
const SOURCES = ["emulator", "scenarios", "contracts"];
const CONFIGS = ["tsconfig.json", "tsconfig.build.json", "package.json"];
/** Written by the build itself: deleting dist/ forgets it, so a fresh build follows. */
const BUILD_INFO = join(root, "dist", ".tsbuildinfo");

function newestSource(): number {
  let newest = Math.max(...CONFIGS.map((file) => statSync(join(root, file)).mtimeMs));
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCES) walk(join(root, dir));
  return newest;
}

/** The test files that run dist/. */
const CLI_TESTS = ["test/cli.test.ts", "test/scenarios/exploreBuiltWorkers.test.ts", "test/reliability/shutdown.test.ts", "test/contracts/requestValidation.test.ts", "test/callbackTokensServer.test.ts"];

/** Whether this run may include them: no file filter on the command line, or one that matches them. */
function cliTestsSelected(): boolean {
  const filters = process.argv.slice(2).filter((arg) => !arg.startsWith("-") && arg !== "run" && arg !== "watch");
  return filters.length === 0 || CLI_TESTS.some((file) => filters.some((filter) => file.includes(filter)));
}

export default function setup(): void {
  // A run of other files neither waits for the build nor stops at a type error it would report.
  if (!cliTestsSelected()) return;
  if (existsSync(BUILD_INFO) && statSync(BUILD_INFO).mtimeMs >= newestSource()) return;
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  // The same build as `npm run build`, so a fresh install needs no second one.
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--incremental", "--tsBuildInfoFile", BUILD_INFO], { cwd: root, stdio: "inherit" });
  // tsc leaves the file alone when only file times changed: mark the build as current anyway.
  const now = new Date();
  utimesSync(BUILD_INFO, now, now);
}
