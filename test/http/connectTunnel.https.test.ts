import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpsServer, request, type Server } from "node:https";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { connect as tlsConnect } from "node:tls";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEmulator, type Emulator } from "../../emulator/emulator.js";
import { createLocalCertificate } from "../../emulator/http/tls.js";

let emulator: Emulator;
let other: Server;
let dir: string;
let ca: string;
let proxyPort: number;
let otherPort: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "callsim-tunnel-"));
  const certificate = await createLocalCertificate({ dir });
  ca = readFileSync(certificate.caPath, "utf8");
  emulator = createEmulator({ seed: 4, selfCheck: true });
  const { url } = await emulator.listen({ port: 0, https: { key: certificate.keyPem, cert: certificate.certPem }, logLevel: "silent" });
  proxyPort = Number(new URL(url).port);
  // Another service the app calls, on loopback: the tunnel must reach it untouched.
  other = createHttpsServer({ key: certificate.keyPem, cert: certificate.certPem }, (req, res) => res.end(`other service saw ${req.method} ${req.url}`));
  await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
  otherPort = (other.address() as AddressInfo).port;
});

afterAll(async () => {
  await emulator.close();
  other.closeAllConnections();
  await new Promise<void>((resolve) => other.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

/** Sends CONNECT to callsim as an HTTPS proxy; resolves with the answer and the tunnel's socket. */
function openTunnel(authority: string): Promise<{ status?: number; socket: Duplex; head: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: proxyPort, method: "CONNECT", path: authority, ca });
    req.on("connect", (res, socket, head) => resolve({ status: res.statusCode, socket, head }));
    req.on("error", reject);
    req.end();
  });
}

function readAll(socket: Duplex, head: Buffer): Promise<string> {
  return new Promise((resolve) => {
    let body = head.toString("utf8");
    socket.on("data", (d) => (body += d));
    socket.on("end", () => resolve(body));
  });
}

describe("callsim as the app's HTTPS proxy", () => {
  test.each(["127.0.0.1", "localhost"])("passes a CONNECT to another host (%s) through as a plain tunnel", async (host) => {
    const { status, socket } = await openTunnel(`${host}:${otherPort}`);
    expect(status).toBe(200);
    const secure = tlsConnect({ socket: socket as never, servername: host === "localhost" ? host : undefined, ca });
    const answer = readAll(secure, Buffer.alloc(0));
    secure.write(`GET /speech?x=1 HTTP/1.1\r\nhost: ${host}:${otherPort}\r\nconnection: close\r\n\r\n`);
    expect(await answer).toMatch(/^HTTP\/1\.1 200[\s\S]*other service saw GET \/speech\?x=1$/);
  });

  test("still answers a CONNECT to itself: the control plane through the tunnel", async () => {
    const { status, socket } = await openTunnel(`127.0.0.1:${proxyPort}`);
    expect(status).toBe(200);
    const secure = tlsConnect({ socket: socket as never, ca });
    const answer = readAll(secure, Buffer.alloc(0));
    secure.write(`GET /emulator/info HTTP/1.1\r\nhost: 127.0.0.1:${proxyPort}\r\nconnection: close\r\n\r\n`);
    expect(await answer).toMatch(/"connectionString"/);
  });

  test("answers 502 naming the host when the tunnel's host cannot be reached", async () => {
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { status, socket, head } = await openTunnel(`127.0.0.1:${port}`);
    expect(status).toBe(502);
    expect(await readAll(socket, head)).toMatch(new RegExp(`could not open a tunnel to 127\\.0\\.0\\.1:${port}: ECONNREFUSED`));
  });
});
