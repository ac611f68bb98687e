import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Duplex } from "node:stream";
import { createSecureContext, TLSSocket } from "node:tls";

/** Hosts a CONNECT may name: recording storage (where the SDK downloads from) and callsim itself. */
const TUNNEL_HOSTS = /(^|\.)asm\.skype\.com$|^(localhost|127\.0\.0\.1|\[::1\]|::1)$/i;

/**
 * Lets callsim be the app's HTTPS proxy (`HTTPS_PROXY=https://127.0.0.1:10010`), so the
 * SDK's recording downloads, which only go to `*.asm.skype.com`, reach callsim unchanged.
 * A CONNECT is never forwarded anywhere: callsim answers it itself, ends TLS with its own
 * certificate (which covers the storage host) and serves the requests inside through the same
 * route table. CONNECTs to other hosts are refused with 502, naming NO_PROXY as the fix.
 */
export function attachConnectTunnel(server: Server | HttpsServer, tls: { key: string; cert: string }): void {
  const secureContext = createSecureContext(tls);
  const inner = createServer((request, response) => server.emit("request", request, response));
  server.on("connect", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const host = (request.url ?? "").replace(/:\d+$/, "");
    if (!TUNNEL_HOSTS.test(host)) {
      const message = `callsim only tunnels to recording storage (*.asm.skype.com) and to itself, not ${host}. Add ${host} to NO_PROXY.`;
      socket.end(`HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
      return;
    }
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) socket.unshift(head);
    const secure = new TLSSocket(socket as never, { isServer: true, secureContext });
    secure.on("error", () => socket.destroy());
    inner.emit("connection", secure);
  });
}
