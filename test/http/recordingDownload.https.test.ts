import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createEmulator, type Emulator } from "../../emulator/emulator.js";
import { createLocalCertificate } from "../../emulator/http/tls.js";

let emulator: Emulator;
let dir: string;
let ca: string;
let connectionString: string;
let endpoint: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "callsim-download-"));
  const certificate = await createLocalCertificate({ dir });
  ca = certificate.caPath;
  emulator = createEmulator({ selfCheck: true, seed: 3 });
  ({ connectionString, url: endpoint } = await emulator.listen({ port: 0, https: { key: certificate.keyPem, cert: certificate.certPem }, logLevel: "silent" }));
});

afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * An app as it would run against `callsim --https`: its own process, the unchanged SDK, and
 * only environment to reach callsim (the CA to trust, callsim as HTTPS proxy for the storage host).
 */
const app = `
  const http = await import("node:http");
  const { CallAutomationClient } = await import("@azure/communication-call-automation");
  const files = new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      let raw = "";
      req.on("data", (d) => (raw += d));
      req.on("end", () => {
        const [event] = JSON.parse(raw || "[]");
        if (event?.eventType === "Microsoft.EventGrid.SubscriptionValidationEvent") return res.end(JSON.stringify({ validationResponse: event.data.validationCode }));
        res.end();
        if (event?.eventType === "Microsoft.Communication.RecordingFileStatusUpdated") { server.close(); resolve(event.data.recordingStorageInfo.recordingChunks[0]); }
      });
    }).listen(0, "127.0.0.1", async () => {
      const hook = "http://127.0.0.1:" + server.address().port;
      await fetch(process.env.ENDPOINT + "/emulator/subscriptions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ endpoint: hook }) });
      const client = new CallAutomationClient(process.env.CS);
      const call = await client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, hook + "/callbacks");
      const id = call.callConnectionProperties.callConnectionId;
      while ((await call.callConnection.getCallConnectionProperties()).callConnectionState !== "connected") await new Promise((r) => setImmediate(r));
      const { recordingId } = await client.getCallRecording().start({ callConnectionId: id, recordingContent: "audio", recordingFormat: "wav" });
      await client.getCallRecording().stop(recordingId);
    });
  });
  const chunk = await files;
  const stream = await new (await import("@azure/communication-call-automation")).CallAutomationClient(process.env.CS).getCallRecording().downloadStreaming(chunk.contentLocation);
  const parts = [];
  for await (const part of stream) parts.push(part);
  const bytes = Buffer.concat(parts);
  console.log("ok " + bytes.toString("ascii", 0, 4) + " " + bytes.toString("ascii", 8, 12) + " " + bytes.length + " " + chunk.contentLocation);
`;

test("an unchanged app downloads its recording through callsim as its HTTPS proxy", async () => {
  const env = { ...process.env, CS: connectionString, ENDPOINT: endpoint, NODE_EXTRA_CA_CERTS: ca, HTTPS_PROXY: endpoint, NO_PROXY: "" };
  const child = spawn(process.execPath, ["--input-type=module", "-e", app], { env, cwd: join(import.meta.dirname, "..", "..") });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  expect(out).toMatch(/^ok RIFF WAVE \d+ https:\/\/callsim\.asm\.skype\.com\/v1\/objects\/[^/]+\/content\/audio$/m);
  expect(code).toBe(0);
});
