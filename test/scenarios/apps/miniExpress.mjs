/**
 * The few lines of Express an app of the explore tests uses (`app.post`, `req.body`,
 * `res.status().json()`, `res.sendStatus()`, async handlers whose errors answer 500), on
 * node:http: Express is not a dependency of callsim.
 */
import { createServer } from "node:http";

export function express() {
  const routes = new Map();
  const app = {
    post: (path, handler) => void routes.set(path, handler),
    listen(port, host, ready) {
      const server = createServer((req, res) => {
        let raw = "";
        req.on("data", (chunk) => (raw += chunk));
        req.on("end", async () => {
          const response = {
            status: (code) => ((res.statusCode = code), response),
            json: (body) => res.setHeader("content-type", "application/json").end(JSON.stringify(body)),
            sendStatus: (code) => ((res.statusCode = code), res.end()),
          };
          const handler = req.method === "POST" ? routes.get(req.url) : undefined;
          if (!handler) return response.sendStatus(404);
          try {
            await handler({ body: raw ? JSON.parse(raw) : {} }, response);
          } catch (error) {
            console.error(`${req.url}: ${error.message}`);
            if (!res.headersSent) response.sendStatus(500);
          }
        });
      });
      return server.listen(port, host, ready);
    },
  };
  return app;
}
