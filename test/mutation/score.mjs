// @ts-check
/**
 * `npm run mutation:score`: adds up the JSON reports of earlier mutation runs
 * (reports/mutation/*.json, one per run) into one score per folder that issue-level targets name.
 * A file mutated by several runs counts once, from its newest report. Stryker's own definition:
 * score = (killed + timeout) / (killed + timeout + survived + no coverage); compile and runtime
 * errors and ignored mutants do not count.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const REPORTS = "reports/mutation";
const FOLDERS = ["emulator/engine", "emulator/http", "scenarios"];
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

/** @type {Map<string, { mtime: number, mutants: { status: string }[] }>} */
const newest = new Map();
let reports = [];
try {
  reports = readdirSync(REPORTS).filter((name) => name.endsWith(".json"));
} catch {
  console.error(`No reports in ${REPORTS}: run \`npm run mutation\` first (see README, Contributing).`);
  process.exit(1);
}
for (const name of reports) {
  const path = join(REPORTS, name);
  const mtime = statSync(path).mtimeMs;
  const report = JSON.parse(readFileSync(path, "utf8"));
  for (const [file, result] of Object.entries(report.files ?? {})) {
    const key = relative(process.cwd(), file).replaceAll("\\", "/");
    const known = newest.get(key);
    if (!known || known.mtime < mtime) newest.set(key, { mtime, mutants: result.mutants });
  }
}

const rows = [];
for (const folder of [...FOLDERS, ...[...newest.keys()].sort()]) {
  const files = [...newest.entries()].filter(([file]) => file === folder || file.startsWith(`${folder}/`));
  if (files.length === 0) continue;
  const count = (statuses) => files.reduce((sum, [, { mutants }]) => sum + mutants.filter((m) => statuses.has(m.status)).length, 0);
  const detected = count(DETECTED);
  const undetected = count(UNDETECTED);
  const score = detected + undetected === 0 ? 100 : (100 * detected) / (detected + undetected);
  rows.push({ mutated: folder, files: files.length, detected, undetected, score: `${score.toFixed(1)}%` });
}
console.table(rows);
