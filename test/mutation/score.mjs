// @ts-check
/**
 * `npm run mutation:score`: adds up the JSON reports of earlier mutation runs
 * (reports/mutation/*.json, one per run) into one score per folder that issue-level targets name.
 * A file mutated by several runs counts once, from its newest report. Stryker's own definition:
 * score = (killed + timeout) / (killed + timeout + survived + no coverage); compile and runtime
 * errors and ignored mutants do not count.
 *
 *   npm run mutation:score                      # one row per folder and per file
 *   npm run mutation:score -- --survivors       # and every mutant no test detected, by file and line
 *   npm run mutation:score -- --survivors scenarios/explorerHttp.ts   # only files under a path
 *
 * With --survivors, mutants set aside by a `Stryker disable` comment are listed too, with the
 * comment's reason: what a reader needs to judge that each is equivalent.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const REPORTS = "reports/mutation";
const FOLDERS = ["emulator/engine", "emulator/http", "scenarios"];
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

/**
 * @typedef {{ line: number, column: number }} Position
 * @typedef {{ status: string, mutatorName: string, replacement?: string, statusReason?: string, static?: boolean, location: { start: Position } }} Mutant
 */
/** @type {Map<string, { mtime: number, source: string, mutants: Mutant[] }>} */
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
    if (!known || known.mtime < mtime) newest.set(key, { mtime, source: result.source, mutants: result.mutants });
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

const survivorsAt = process.argv.indexOf("--survivors");
if (survivorsAt >= 0) {
  const under = process.argv[survivorsAt + 1];
  for (const [file, { source, mutants }] of [...newest.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (under && file !== under && !file.startsWith(`${under.replace(/\/$/, "")}/`)) continue;
    const listed = mutants.filter((m) => UNDETECTED.has(m.status) || m.status === "Ignored").sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
    if (listed.length === 0) continue;
    const lines = source.split("\n");
    console.log(`\n${file}`);
    for (const m of listed) {
      const { line, column } = m.location.start;
      const what = `${m.mutatorName}${m.static ? " (static)" : ""} -> ${JSON.stringify(m.replacement ?? "").slice(0, 80)}`;
      const why = m.status === "Ignored" ? `  [ignored: ${m.statusReason ?? "no reason given"}]` : "";
      console.log(`  ${line}:${column} ${m.status} ${what}${why}\n      ${(lines[line - 1] ?? "").trim().slice(0, 120)}`);
    }
  }
}
