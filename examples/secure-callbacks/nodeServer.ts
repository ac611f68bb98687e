/**
 * Serves a web-standard fetch handler with node:http on loopback: how the example endpoints run
 * as servers.
 */
import { createServer } from "node:http";

/** A fetch handler listening on `port` (0: any free one); answers its URL and how to stop it. */
export function listenFetch(handler: (request: Request) => Promise<Response>, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const response = await handler(new Request(`http://${req.headers.host}${req.url}`, { method: req.method ?? "GET", headers, ...(hasBody && { body: Buffer.concat(chunks) }) }));
    res.writeHead(response.status).end(Buffer.from(await response.arrayBuffer()));
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`;
      resolve({ url, close: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))) });
    });
  });
}
