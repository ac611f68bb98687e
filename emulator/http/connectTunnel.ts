import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Server as HttpsServer } from "node:https";
import { connect } from "node:net";
import type { Duplex } from "node:stream";
import { createSecureContext, TLSSocket } from "node:tls";

/**
 * Hosts callsim answers for itself: recording storage, where the SDK downloads from, the
 * service's OpenID configuration and keys, which apps that check callback tokens fetch, and
 * Entra's login host, whose tenant configurations verify Event Grid's tokens.
 */
const OWN_HOSTS = /((^|\.)asm\.skype\.com|^acscallautomation\.communication\.azure\.com|^login\.microsoftonline\.com)$/i;
/** Names of this machine: a CONNECT to one of them at callsim's own port is callsim itself. */
const LOOPBACK = /^(localhost|127\.0\.0\.1|::1)$/i;
/** How long a pass-through tunnel may take to reach its host before the app is told 502. */
export const TUNNEL_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Lets callsim be the app's HTTPS proxy (`HTTPS_PROXY=https://127.0.0.1:10010`) for its whole
 * process. A CONNECT to recording storage (`*.asm.skype.com`, where the SDK downloads from),
 * to the OpenID configuration host (`acscallautomation.communication.azure.com`) or to callsim
 * itself is answered by callsim: it ends TLS with its own certificate (which
 * covers the storage host) and serves the requests inside through the same route table. A
 * CONNECT to any other host is a plain tunnel to that host, so the app's other services
 * (speech, storage, its own APIs) work through the same proxy setting.
 * @returns `closeAll`, which ends every open tunnel (the server's close waits for them otherwise)
 */
export function attachConnectTunnel(server: Server | HttpsServer, tls: { key: string; cert: string }): { closeAll(): void } {
  const secureContext = createSecureContext(tls);
  const inner = createServer((request, response) => server.emit("request", request, response));
  const open = new Set<Duplex>();
  server.on("connect", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
    const { host, port } = splitAuthority(request.url ?? "");
    const own = server.address();
    const itself = LOOPBACK.test(host) && typeof own === "object" && own !== null && own.port === port;
    if (!OWN_HOSTS.test(host) && !itself) {
      passThrough(socket, host, port, head);
      return;
    }
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) socket.unshift(head);
    const secure = new TLSSocket(socket as never, { isServer: true, secureContext });
    secure.on("error", () => socket.destroy());
    inner.emit("connection", secure);
  });
  return { closeAll: () => open.forEach((socket) => socket.destroy()) };
}

/** `host:port` of a CONNECT (`[::1]:443` too); 443 when no port is named. */
function splitAuthority(authority: string): { host: string; port: number } {
  const match = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(authority);
  return { host: match?.[1] ?? authority, port: match?.[2] ? Number(match[2]) : 443 };
}

/** A plain TCP tunnel to `host:port`: bytes both ways, no look inside. */
function passThrough(socket: Duplex, host: string, port: number, head: Buffer): void {
  let established = false;
  const upstream = connect({ host, port, timeout: TUNNEL_CONNECT_TIMEOUT_MS });
  const refuse = (why: string) => {
    const message = `callsim could not open a tunnel to ${host}:${port}: ${why}. Check the host, or add it to NO_PROXY.`;
    socket.end(`HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
  };
  upstream.once("connect", () => {
    established = true;
    upstream.setTimeout(0);
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.once("timeout", () => {
    if (!established) refuse(`no answer within ${TUNNEL_CONNECT_TIMEOUT_MS} ms`);
    upstream.destroy();
  });
  upstream.on("error", (error: NodeJS.ErrnoException) => {
    if (established) socket.destroy();
    else refuse(error.code ?? error.message);
  });
  socket.on("error", () => upstream.destroy());
  socket.on("close", () => upstream.destroy());
}
