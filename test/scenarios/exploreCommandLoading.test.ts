/**
 * How `callsim explore` starts: loading an app module Node cannot load by itself, reading the
 * world file, and serving an app behind a URL over https.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { runExploreCommand } from "../../scenarios/exploreCommand.js";

async function command(argv: string[]) {
  const lines: string[] = [];
  const code = await runExploreCommand(argv, { out: (line) => lines.push(line) }, {});
  return { code, lines };
}

/**
 * A folder whose app re-exports a package that ships TypeScript: Node itself loads packages, and
 * refuses the .ts file as it refuses any TypeScript app without a loader.
 */
function appOverTypeScriptPackage(folderPrefix: string, appFile: string): string {
  const dir = mkdtempSync(join(tmpdir(), folderPrefix));
  const pkg = join(dir, "node_modules", "typed-steps");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "typed-steps", type: "module", exports: "./index.mjs" }));
  writeFileSync(join(pkg, "index.mjs"), 'export * from "./steps.ts";\n');
  writeFileSync(join(pkg, "steps.ts"), "export const app = { start(): void {}, handle(): void {} };\n");
  const file = join(dir, appFile);
  writeFileSync(file, 'export { app } from "typed-steps";\n');
  return file;
}

const typeScriptHelp = (file: string) =>
  `callsim explore: could not run: Node ${process.version} cannot load TypeScript by itself. Run callsim with a TypeScript loader, e.g. NODE_OPTIONS="--import tsx" npx callsim explore --app ${file} (npm i -D tsx), or build the app to JavaScript first.`;

describe("callsim explore --app with TypeScript Node cannot load", () => {
  test.each(["app.ts", "app.mts", "app.cts"])("%s: exits 2 saying how to run with a TypeScript loader", async (name) => {
    const file = appOverTypeScriptPackage("callsim-explore-ts-", name);
    const { code, lines } = await command(["--app", file]);
    expect(code).toBe(2);
    expect(lines).toEqual([typeScriptHelp(file)]);
  });

  test("a JavaScript app is told what could not be loaded, even in a folder whose name contains .ts", async () => {
    const file = appOverTypeScriptPackage("callsim-explore.ts-build-", "app.mjs");
    const { code, lines } = await command(["--app", file]);
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^callsim explore: could not run: --app ${file.replace(/[.]/g, "\\.")} could not be loaded: .*Unknown file extension "\\.ts"`));
  });
});

describe("callsim explore --world", () => {
  const robustModule = join(import.meta.dirname, "apps", "answeringModule.mjs");

  test("a party callsim refuses exits 2 once, naming the file and the party, before any run", async () => {
    const world = join(mkdtempSync(join(tmpdir(), "callsim-explore-world-")), "world.json");
    writeFileSync(world, JSON.stringify({ parties: { "4:+14255550123": { behavior: "answer" }, "4:+14255550124": { behavior: "sulking" } } }));
    const { code, lines } = await command(["--app", robustModule, "--world", world, "--scenario", "outbound-answered,group-call"]);
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^callsim explore: could not run: --world ${world.replace(/[.]/g, "\\.")}: party "4:\\+14255550124": behavior must be one of [^\\n]*\\bbusy\\b[^\\n]*\\.$`));
  });

  test("parties set to null exits 2 showing the shape it takes", async () => {
    const world = join(mkdtempSync(join(tmpdir(), "callsim-explore-world-")), "world.json");
    writeFileSync(world, '{"parties":null}');
    const { code, lines } = await command(["--app", robustModule, "--world", world]);
    expect(code).toBe(2);
    expect(lines).toEqual([`callsim explore: could not run: --world ${world} must be {"parties":{"<rawId>":{"behavior":"answer","input":[{"dtmf":"1"}]}}}.`]);
  });
});

describe("callsim explore --https", () => {
  const closers: Array<() => void> = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });

  test("serves https, names the CA file the app must trust, and says so again when the app made no request", async () => {
    // An app that answers at once, and refuses its start: the run ends without the app calling callsim.
    const app = createServer((req, res) => res.writeHead(req.method === "GET" ? 200 : 500).end());
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    closers.push(() => app.close());
    const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    const { code, lines } = await command(["--https", "--port", "0", "--start-url", `${base}/start`, "--callback-url", `${base}/callbacks`]);
    expect(code).toBe(2);
    const endpoint = /connectionString=endpoint=(https:\/\/127\.0\.0\.1:\d+)\/;accesskey=\S+$/.exec(lines[0])?.[1];
    expect(endpoint, lines[0]).toBeDefined();
    expect(lines[1]).toContain(`keys at ${endpoint}/calling/.well-known/acsopenidconfiguration`);
    const ca = /^ca=(\S+) {2}\(give it to apps: NODE_EXTRA_CA_CERTS=(\S+)\)$/.exec(lines[2]);
    expect(ca, lines[2]).not.toBeNull();
    expect(ca![2]).toBe(ca![1]);
    expect(readFileSync(ca![1], "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(lines[3]).toBe(`callsim explore: waiting for the app at ${base}/`);
    const reason =
      `the app made no request to callsim in this run (the app's start URL ${base}/start answered 500). ` +
      `callsim waited 10000 ms (--answer-timeout-ms) after POST ${base}/start. Check that the app is running and uses connectionString=endpoint=${endpoint}/;accesskey=<key> and trusts callsim's certificate (NODE_EXTRA_CA_CERTS).`;
    expect(lines.slice(4)).toHaveLength(1);
    expect(lines[4].startsWith(`ERROR default-world: ${reason} (`), lines[4]).toBe(true);
    expect(lines[4]).toMatch(/ \(\d+\.\d s\)$/);
  });
});
