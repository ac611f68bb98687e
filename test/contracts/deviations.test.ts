import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const ledger = readFileSync(join(root, "contracts", "DEVIATIONS.md"), "utf8");

/** A row of the ledger's table: its number and its "Pinned by" cell. */
interface Row {
  number: number;
  pinnedBy: string;
}

function rows(): Row[] {
  const lines = ledger.split("\n").filter((l) => /^\|\s*\d+\s*\|/.test(l));
  return lines.map((line) => {
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    return { number: Number(cells[0]), pinnedBy: cells[cells.length - 1] };
  });
}

/** `file "title", "title", file "title"` → file → titles. A title's "…" stands for any text. */
function pins(cell: string): Array<{ file: string; titles: string[] }> {
  const out: Array<{ file: string; titles: string[] }> = [];
  for (const [, file, title] of cell.matchAll(/((?:test|examples)\/[^\s",]+)|"([^"]+)"/g)) {
    if (file) out.push({ file, titles: [] });
    else out.at(-1)?.titles.push(title);
  }
  return out;
}

/** Whether the test file names a test with this title ("…" matches anything). */
function namesTest(source: string, title: string): boolean {
  const pattern = title
    .split("…")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^\"'`]*");
  return new RegExp(`["'\`][^"'\`]*${pattern}[^"'\`]*["'\`]`).test(source);
}

describe("contracts/DEVIATIONS.md", () => {
  test("numbers its rows 1, 2, 3… without gaps", () => {
    const numbers = rows().map((r) => r.number);
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  });

  test("pins every row to test files that exist and name the test titles it cites, or says it is not pinned", () => {
    const problems: string[] = [];
    for (const row of rows()) {
      if (/^not pinned\b/i.test(row.pinnedBy)) continue;
      const cited = pins(row.pinnedBy);
      if (cited.length === 0) problems.push(`row ${row.number} cites no test file ("${row.pinnedBy}"); name one with a test title, or write "not pinned: <why>"`);
      for (const { file, titles } of cited) {
        const path = join(root, file);
        if (!existsSync(path) || !statSync(path).isFile()) {
          problems.push(`row ${row.number}: ${file} does not exist`);
          continue;
        }
        if (titles.length === 0) problems.push(`row ${row.number}: ${file} is cited without a test title`);
        const source = readFileSync(path, "utf8");
        for (const title of titles) if (!namesTest(source, title)) problems.push(`row ${row.number}: ${file} has no test titled "${title}"`);
      }
    }
    expect(problems).toEqual([]);
  });

  test("finds a cited title, and misses one that is not there", () => {
    expect(namesTest(`test("connects a 1:1 call and more", () => {})`, "connects a 1:1 call…")).toBe(true);
    expect(namesTest(`test("reports a callee that is %s", () => {})`, "reports a callee that is …")).toBe(true);
    expect(namesTest(`test("connects a group call", () => {})`, "connects a 1:1 call…")).toBe(false);
  });
});
