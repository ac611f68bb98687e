import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer, request, type Server } from "node:https";
import { connect as netConnect, createServer as createNetServer, Socket, type AddressInfo, type NetConnectOpts, type Server as NetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Duplex } from "node:stream";
import { connect as tlsConnect } from "node:tls";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createEmulator, type Emulator } from "../../emulator/emulator.js";
import { attachConnectTunnel } from "../../emulator/http/connectTunnel.js";
import { createLocalCertificate, type LocalCertificate } from "../../emulator/http/tls.js";

let emulator: Emulator;
let certificate: LocalCertificate;
let other: Server;
let dir: string;
let ca: string;
let proxyPort: number;
let otherPort: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "callsim-tunnel-"));
  certificate = await createLocalCertificate({ dir });
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

  test("answers for the service's OpenID host itself: the configuration names its keys on that host", async () => {
    const host = "acscallautomation.communication.azure.com";
    const get = async (path: string) => {
      const { status, socket } = await openTunnel(`${host}:443`);
      expect(status).toBe(200);
      const secure = tlsConnect({ socket: socket as never, servername: host, ca });
      const answer = readAll(secure, Buffer.alloc(0));
      secure.write(`GET ${path} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`);
      return JSON.parse((await answer).split("\r\n\r\n")[1].trim());
    };
    const configuration = await get("/calling/.well-known/acsopenidconfiguration");
    expect(configuration).toMatchObject({ issuer: `https://${host}`, jwks_uri: `https://${host}/calling/keys` });
    const jwks = await get("/calling/keys");
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: "RSA", alg: "RS256", kid: expect.any(String) })]);
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

/** A server of its own (`port`) that answers for itself and echoes, to see where a tunnel ends and what goes through it. */
function listenNet(onConnection: (socket: Socket) => void): Promise<{ server: NetServer; port: number }> {
  const server = createNetServer(onConnection);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as AddressInfo).port })));
}

describe("which CONNECTs callsim answers itself and how a pass-through tunnel behaves", () => {
  let proxy: Server;
  let port: number;
  let tunnels: { closeAll(): void };
  let echo: { server: NetServer; port: number };
  let resetter: { server: NetServer; port: number };
  /** The host and port of every pass-through tunnel opened, in order. */
  let asked: string[];
  /** Where a pass-through tunnel goes: the echo server unless a test says otherwise. */
  let upstreamFor: (options: NetConnectOpts) => Socket;
  const upstreamClosed: Promise<void>[] = [];

  beforeAll(async () => {
    echo = await listenNet((socket) => {
      upstreamClosed.push(new Promise((resolve) => socket.on("close", () => resolve())));
      socket.pipe(socket);
    });
    resetter = await listenNet((socket) => socket.once("data", () => socket.resetAndDestroy()));
  });
  // A proxy of its own for each test, so the tunnel each test sees is the one the code makes while it runs.
  beforeEach(async () => {
    asked = [];
    upstreamFor = (options) => netConnect({ ...options, host: "127.0.0.1", port: echo.port } as NetConnectOpts);
    proxy = createHttpsServer({ key: certificate.keyPem, cert: certificate.certPem }, (req, res) => res.end(`callsim answered ${req.url}`));
    tunnels = attachConnectTunnel(proxy, { key: certificate.keyPem, cert: certificate.certPem }, {
      connect: (options) => {
        const { host, port: to } = options as { host: string; port: number };
        asked.push(`${host} ${to}`);
        return upstreamFor(options);
      },
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    port = (proxy.address() as AddressInfo).port;
  });
  afterEach(async () => {
    tunnels.closeAll();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });
  afterAll(() => {
    echo.server.close();
    resetter.server.close();
  });

  /** Sends `CONNECT authority` and `head` in one write, as an app that does not wait for the answer. */
  async function tunnel(authority: string, head = "") {
    const raw = netConnect({ host: "127.0.0.1", port });
    const socket = tlsConnect({ socket: raw, ca, servername: "localhost" });
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (text += chunk));
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n\r\n${head}`);
    const until = (test: (received: string) => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => test(text) && resolve();
        check();
        socket.on("data", check);
      });
    await until((received) => received.includes("\r\n\r\n"));
    const [header] = text.split("\r\n", 1);
    const headerEnd = text.indexOf("\r\n\r\n") + 4;
    return { status: Number(header.split(" ")[1]), raw, socket, closed, received: () => text.slice(headerEnd), until: (test: (inside: string) => boolean) => until((all) => test(all.slice(headerEnd))) };
  }

  test.each(["callsim.asm.skype.com:443", "asm.skype.com:443", "ACSCallAutomation.Communication.Azure.com:443", "login.microsoftonline.com:443", "127.0.0.1:own", "localhost:own", "[::1]:own"])(
    "answers a CONNECT to %s itself, with its own certificate",
    async (authority) => {
      const { status, socket } = await tunnel(authority.replace("own", String(port)));
      expect(status).toBe(200);
      socket.removeAllListeners("data");
      const secure = tlsConnect({ socket: socket as never, servername: "localhost", ca });
      const answer = readAll(secure, Buffer.alloc(0));
      secure.write(`GET /inside HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n`);
      expect(await answer).toMatch(/callsim answered \/inside$/);
      expect(asked).toEqual([]);
    },
  );

  test.each([
    ["evilasm.skype.com:443", "evilasm.skype.com 443"],
    ["asm.skype.com.example:443", "asm.skype.com.example 443"],
    ["xacscallautomation.communication.azure.com:443", "xacscallautomation.communication.azure.com 443"],
    ["acscallautomation.communication.azure.com.example:443", "acscallautomation.communication.azure.com.example 443"],
    ["xlogin.microsoftonline.com:443", "xlogin.microsoftonline.com 443"],
    ["127.0.0.10:own", "127.0.0.10 own"],
    ["[0::1]:own", "0::1 own"],
    ["localhost.example:own", "localhost.example own"],
    ["evil]127.0.0.1:own", "evil]127.0.0.1:own 443"],
    ["[::1]", "::1 443"],
    ["service.example", "service.example 443"],
  ])("tunnels a CONNECT to %s to that host (%s), bytes both ways", async (authority, expected) => {
    const own = (text: string) => text.replaceAll("own", String(port));
    const { status, socket, until } = await tunnel(own(authority), "hello");
    expect(status).toBe(200);
    socket.write(" world");
    await until((inside) => inside === "hello world");
    expect(asked).toEqual([own(expected)]);
    socket.destroy();
  });

  test("reads an app's TLS hello sent in the same write as its CONNECT to a host callsim answers", async () => {
    const outer = tlsConnect({ host: "127.0.0.1", port, ca, servername: "localhost" });
    let connectSent = false;
    let header = "";
    // The app's side of the tunnel: its first bytes (the TLS hello) go out behind the CONNECT, before any answer.
    const carrier = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, done) {
        outer.write(connectSent ? chunk : Buffer.concat([Buffer.from("CONNECT callsim.asm.skype.com:443 HTTP/1.1\r\nhost: callsim.asm.skype.com:443\r\n\r\n"), chunk]));
        connectSent = true;
        done();
      },
    });
    outer.on("data", (data: Buffer) => {
      if (header.endsWith("\r\n\r\n")) return void carrier.push(data);
      const text = data.toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      header += end < 0 ? text : text.slice(0, end + 4);
      if (end >= 0 && end + 4 < data.length) carrier.push(data.subarray(end + 4));
    });
    outer.on("end", () => carrier.push(null));
    const secure = tlsConnect({ socket: carrier, servername: "localhost", ca });
    const answer = readAll(secure, Buffer.alloc(0));
    secure.write("GET /early HTTP/1.1\r\nhost: callsim.asm.skype.com\r\nconnection: close\r\n\r\n");
    expect(await answer).toMatch(/callsim answered \/early$/);
    expect(header).toBe("HTTP/1.1 200 Connection Established\r\n\r\n");
    expect(asked).toEqual([]);
    outer.destroy();
  });

  test("answers 502 when the tunnel's host does not answer in time", async () => {
    upstreamFor = () => new Socket().setTimeout(1);
    const { status, closed, received } = await tunnel("silent.example:443");
    expect(status).toBe(502);
    await closed;
    expect(received()).toBe("callsim could not open a tunnel to silent.example:443: no answer within 10000 ms. Check the host, or add it to NO_PROXY.");
  });

  test("closes the app's side, with no answer of its own inside, when the host resets an open tunnel", async () => {
    upstreamFor = (options) => netConnect({ ...options, host: "127.0.0.1", port: resetter.port } as NetConnectOpts);
    const { status, socket, closed, received } = await tunnel("flaky.example:443");
    expect(status).toBe(200);
    socket.write("ping");
    await closed;
    expect(received()).toBe("");
  });

  test("closes the host's side when the app resets its side of the tunnel", async () => {
    const { raw, socket, until } = await tunnel("service.example:443");
    socket.write("ping");
    await until((inside) => inside === "ping");
    raw.resetAndDestroy();
    await expect(upstreamClosed.at(-1)).resolves.toBeUndefined();
  });

  test("closes the host's side when the app resets its side of a tunnel through a plain HTTP proxy", async () => {
    const plain = createHttpServer();
    const plainTunnels = attachConnectTunnel(plain, { key: certificate.keyPem, cert: certificate.certPem }, { connect: (options) => upstreamFor(options) });
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    const raw = netConnect({ host: "127.0.0.1", port: (plain.address() as AddressInfo).port });
    raw.setEncoding("latin1");
    let text = "";
    await new Promise<void>((resolve) => {
      raw.on("data", (chunk: string) => (text += chunk) === "HTTP/1.1 200 Connection Established\r\n\r\nping" && resolve());
      raw.write("CONNECT service.example:443 HTTP/1.1\r\nhost: service.example:443\r\n\r\nping");
    });
    raw.resetAndDestroy();
    await expect(upstreamClosed.at(-1)).resolves.toBeUndefined();
    plainTunnels.closeAll();
    await new Promise<void>((resolve) => plain.close(() => resolve()));
  });

  test("closes the host's side when callsim closes", async () => {
    const { socket, until } = await tunnel("service.example:443");
    socket.write("ping");
    await until((inside) => inside === "ping");
    tunnels.closeAll();
    await expect(upstreamClosed.at(-1)).resolves.toBeUndefined();
  });

  test("closes the tunnel when the app speaks no TLS to a host callsim answers", async () => {
    const { status, socket, closed } = await tunnel("callsim.asm.skype.com:443");
    expect(status).toBe(200);
    socket.write("GET / HTTP/1.1\r\n\r\n");
    await expect(closed).resolves.toBeUndefined();
  });
});
