import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CallAutomationClient } from "@azure/communication-call-automation";
import { afterEach, describe, expect, test } from "vitest";
import { runExploreCommand } from "../../scenarios/exploreCommand.js";

/** A tiny app behind a URL: POST /start places a call, POST /callbacks handles its events. */
async function startApp(buggy: boolean) {
  let connectionString = "";
  let connected = new Set<string>();
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", async () => {
      if (req.url === "/reset") connected = new Set();
      if (req.url === "/start") {
        const client = new CallAutomationClient(connectionString, { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } });
        void client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, `${base}/callbacks`).catch(() => undefined);
      }
      if (req.url === "/callbacks") {
        const [event] = JSON.parse(body);
        if (event.type.endsWith("CallConnected")) connected.add(event.data.callConnectionId);
        // The bug: a roster is assumed to come after CallConnected.
        if (buggy && event.type.endsWith("ParticipantsUpdated") && !connected.has(event.data.callConnectionId)) {
          res.writeHead(500).end();
          return;
        }
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, server, setConnectionString: (value: string) => (connectionString = value) };
}

let app: Awaited<ReturnType<typeof startApp>> | undefined;
afterEach(() => app?.server.close());

async function run(buggy: boolean) {
  app = await startApp(buggy);
  const lines: string[] = [];
  const code = await runExploreCommand(
    ["--callback-url", `${app.base}/callbacks`, "--start-url", `${app.base}/start`, "--reset-url", `${app.base}/reset`, "--port", "0", "--seed", "3", "--max-runs", "8", "--duplicates", "0"],
    (line) => {
      lines.push(line);
      const match = /connectionString=(\S+)/.exec(line);
      if (match) app!.setConnectionString(match[1]);
    },
  );
  return { code, output: lines.join("\n") };
}

describe("callsim explore", () => {
  test("exits 1 with the failing order and its diagram for an app behind a URL", async () => {
    const { code, output } = await run(true);
    expect(code).toBe(1);
    expect(output).toMatch(/Smallest failing order: .*ParticipantsUpdated/);
    expect(output).toMatch(/answered 500/);
    expect(output).toMatch(/sequenceDiagram/);
  });

  test("exits 0 when every explored order passes", async () => {
    const { code, output } = await run(false);
    expect(code).toBe(0);
    expect(output).toMatch(/passed/);
  });

  test("refuses a scenario it does not know with exit 2, listing the ones it does", async () => {
    const lines: string[] = [];
    const code = await runExploreCommand(["--callback-url", "http://127.0.0.1:9/cb", "--start-url", "http://127.0.0.1:9/start", "--scenario", "outbound-bussy"], (l) => lines.push(l));
    expect(code).toBe(2);
    expect(lines.join("\n")).toMatch(/no scenario is named "outbound-bussy".*outbound-busy/);
  });
});
