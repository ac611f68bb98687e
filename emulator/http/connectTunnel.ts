import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Server as HttpsServer } from "node:https";
import { connect, type NetConnectOpts, type Socket } from "node:net";
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

/** Options of {@link attachConnectTunnel}. */
export interface ConnectTunnelOptions {
  /** How a pass-through tunnel reaches its host: `net.connect` unless a test routes it to a socket of its own. */
  connect?: (options: NetConnectOpts) => Socket;
}

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
export function attachConnectTunnel(server: Server | HttpsServer, tls: { key: string; cert: string }, options: ConnectTunnelOptions = {}): { closeAll(): void } {
  const reach = options.connect ?? connect;
  const secureContext = createSecureContext(tls);
  const inner = createServer((request, response) => server.emit("request", request, response));
  const open = new Set<Duplex>();
  server.on("connect", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    open.add(socket);
    // Only frees memory: closeAll's destroy() on a socket already closed does nothing.
    // Stryker disable next-line StringLiteral,ArrowFunction: a closed socket left in the set changes nothing closeAll does
    socket.once("close", () => open.delete(socket));
    // Stryker disable next-line StringLiteral: node's parser refuses a CONNECT without a target, so the url is always there
    const { host, port } = splitAuthority(request.url ?? "");
    const own = server.address();
    const itself = LOOPBACK.test(host) && typeof own === "object" && own !== null && own.port === port;
    if (!OWN_HOSTS.test(host) && !itself) {
      passThrough(reach, socket, host, port, head);
      return;
    }
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    // Bytes the app sent right after the CONNECT (its TLS hello, often) are the tunnel's first; an empty head adds nothing.
    socket.unshift(head);
    // The inner server answers a TLS or HTTP error on it as on any connection: it destroys it, and the tunnel with it.
    inner.emit("connection", new TLSSocket(socket as never, { isServer: true, secureContext }));
  });
  return { closeAll: () => open.forEach((socket) => socket.destroy()) };
}

/** `host:port` of a CONNECT (`[::1]:443` too); 443 when no port is named. */
function splitAuthority(authority: string): { host: string; port: number } {
  const match = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(authority);
  return { host: match?.[1] ?? authority, port: match?.[2] ? Number(match[2]) : 443 };
}

/** A plain TCP tunnel to `host:port`: bytes both ways, no look inside. */
function passThrough(reach: (options: NetConnectOpts) => Socket, socket: Duplex, host: string, port: number, head: Buffer): void {
  let established = false;
  const upstream = reach({ host, port, timeout: TUNNEL_CONNECT_TIMEOUT_MS });
  const refuse = (why: string) => {
    const message = `callsim could not open a tunnel to ${host}:${port}: ${why}. Check the host, or add it to NO_PROXY.`;
    socket.end(`HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
  };
  upstream.once("connect", () => {
    established = true;
    upstream.setTimeout(0);
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    upstream.write(head); // an empty head writes nothing
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  // Only before the connection is made: once it is, the timeout is switched off.
  upstream.once("timeout", () => {
    refuse(`no answer within ${TUNNEL_CONNECT_TIMEOUT_MS} ms`);
    upstream.destroy();
  });
  upstream.on("error", (error: NodeJS.ErrnoException) => {
    if (established) socket.destroy();
    else refuse(error.code ?? error.message);
  });
  // An app that resets its side: "close" follows the error and ends the upstream.
  socket.on("error", () => {});
  socket.on("close", () => upstream.destroy());
}
