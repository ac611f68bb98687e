/**
 * Runs an example endpoint as its own server process, as it runs in production, so that it can
 * face `npm start`: POST /events is the callback URL, every other request gets 404.
 *
 * Env:
 * - `PORT` (0 for any free port; the line `listening on <url>` says which),
 * - `APP`: `secure` (app.ts, the docs' recipe) or `lax` (laxApp.ts),
 * - `AUDIENCE`: the resource id (`--resource-id`, `GET /emulator/info`),
 * - `OPENID_CONFIGURATION_URL`: where the configuration is; the service's own URL when absent,
 * - `HTTPS_PROXY`: Node 20's fetch ignores it, so the app opts in with undici's agent that
 *   reads it (and `NO_PROXY`); with callsim as the proxy, the service's URL reaches callsim,
 * - `NODE_EXTRA_CA_CERTS`: callsim's CA (`ca=` line of `callsim --https`), for HTTPS to callsim.
 *
 * Each answer is logged as `<status> <event ids>`.
 */
import { createServer } from "node:http";
import { EnvHttpProxyAgent, setGlobalDispatcher } from "undici";
import { createSecureCallbacks } from "./app.js";
import { createLaxCallbacks } from "./laxApp.js";

if (process.env.HTTPS_PROXY) setGlobalDispatcher(new EnvHttpProxyAgent());

const audience = process.env.AUDIENCE ?? "";
const app = process.env.APP === "lax" ? createLaxCallbacks(audience) : createSecureCallbacks({ audience, openIdConfigurationUrl: process.env.OPENID_CONFIGURATION_URL || undefined });

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString("utf8");
  if (req.method !== "POST" || req.url !== "/events") return void res.writeHead(404).end();
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const response = await app.fetch(new Request(`http://${req.headers.host}${req.url}`, { method: "POST", headers, body }));
  res.writeHead(response.status).end(await response.text());
  const ids = (JSON.parse(body) as Array<{ id?: string }>).map((e) => e.id).join(",");
  console.log(`${response.status} ${ids}`);
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === "object" && address ? address.port : ""}`);
});
