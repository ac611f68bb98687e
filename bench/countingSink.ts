import { createServer } from "node:http";

// The app's callback endpoint for sustained load: answers every POST at once (before reading
// what it carried), then counts its events and the calls whose two events have both arrived.
// `GET /count` tells the bench how far it got. A process of its own, so that counting does not
// take the load generator's or the server's time.
let events = 0;
let calls = 0;
const seen = new Map<string, number>();
const server = createServer((req, res) => {
  if (req.method === "GET") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ events, calls }));
    return;
  }
  let raw = "";
  req.setEncoding("utf8");
  req.on("data", (chunk) => (raw += chunk));
  req.on("end", () => {
    res.end();
    for (const event of JSON.parse(raw) as Array<{ data: { callConnectionId: string } }>) {
      events++;
      const id = event.data.callConnectionId;
      const n = (seen.get(id) ?? 0) + 1;
      if (n < 2) seen.set(id, n);
      else {
        seen.delete(id);
        calls++;
      }
    }
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/cb\n`);
});
