/**
 * Runs the example endpoints as their own server process, as they run in production, so that
 * they can face `npm start`: POST /events is the callback URL and, with `TENANT`, POST /eventgrid
 * the Entra-protected Event Grid webhook (eventGridApp.ts); every other request gets 404.
 *
 * Env:
 * - `PORT` (0 for any free port; the line `listening on <url>` says which),
 * - `APP`: `secure` (app.ts, the docs' recipe) or `lax` (laxApp.ts),
 * - `AUDIENCE`: the resource id (`--resource-id`, `GET /emulator/info`),
 * - `TENANT`, `WEBHOOK_AUDIENCE`: the Event Grid webhook's Entra tenant and application,
 * - `OPENID_CONFIGURATION_URL`: where the configuration is; the service's own URL when absent,
 * - `HTTPS_PROXY`: Node 20's fetch ignores it, so the app opts in with undici's agent that
 *   reads it (and `NO_PROXY`); with callsim as the proxy, the service's URL reaches callsim,
 * - `NODE_EXTRA_CA_CERTS`: callsim's CA (`ca=` line of `callsim --https`), for HTTPS to callsim.
 *
 * Each answer is logged as `<status> <event ids>`.
 */
import { EnvHttpProxyAgent, setGlobalDispatcher } from "undici";
import { createSecureCallbacks } from "./app.js";
import { createSecureEventGridWebhook } from "./eventGridApp.js";
import { createLaxCallbacks } from "./laxApp.js";
import { listenFetch } from "./nodeServer.js";

if (process.env.HTTPS_PROXY) setGlobalDispatcher(new EnvHttpProxyAgent());

const audience = process.env.AUDIENCE ?? "";
const configured = process.env.OPENID_CONFIGURATION_URL;
const app = process.env.APP === "lax" ? createLaxCallbacks(audience) : createSecureCallbacks({ audience, ...(configured && { openIdConfigurationUrl: configured }) });

const tenantId = process.env.TENANT;
const webhook = tenantId ? createSecureEventGridWebhook({ tenantId, audience: process.env.WEBHOOK_AUDIENCE ?? "" }) : undefined;
const routes: Record<string, ((request: Request) => Promise<Response>) | undefined> = { "/events": app.fetch, "/eventgrid": webhook?.fetch };

const { url } = await listenFetch(async (request) => {
  const route = routes[new URL(request.url).pathname];
  if (request.method !== "POST" || !route) return new Response(null, { status: 404 });
  const ids = ((await request.clone().json()) as Array<{ id?: string }>).map((e) => e.id).join(",");
  const response = await route(request);
  console.log(`${response.status} ${ids}`);
  return response;
}, Number(process.env.PORT ?? 0));
console.log(`listening on ${url}`);
