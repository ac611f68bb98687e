import Fastify from "fastify";
import { Agent, request } from "undici";
import type { FloorSamples } from "./latency.js";

// The floor of action-to-callback: a bare fastify route that answers createCall and
// addParticipant with callsim's own answers (read from argv[2]), then POSTs callsim's own
// events for them to the callbackUri, one after the other, through a pooled keep-alive undici
// Agent as callsim's delivery does. No auth, no checks, no state but where to call back: what
// one REST exchange and two callbacks cost on this machine, with nothing emulated.
const samples = JSON.parse(process.argv[2]) as FloorSamples;
const agent = new Agent({ keepAliveTimeout: 10_000, connections: 64 });
const callbacks = new Map<string, string>();
let calls = 0;

async function deliver(url: string, events: string[], callConnectionId: string): Promise<void> {
  for (const event of events) {
    const response = await request(url, { method: "POST", headers: { "content-type": "application/json" }, body: event.replaceAll(samples.callConnectionId, callConnectionId), dispatcher: agent });
    await response.body.text();
  }
}

const app = Fastify({ logger: false });
app.post("/calling/callConnections", async (req, reply) => {
  // An id of the sample's length, so that answers and events keep callsim's sizes.
  const callConnectionId = `00000000-0000-4000-8000-${String(++calls).padStart(12, "0")}`;
  const { callbackUri } = req.body as { callbackUri: string };
  callbacks.set(callConnectionId, callbackUri);
  setImmediate(() => void deliver(callbackUri, samples.created, callConnectionId));
  return reply.code(201).header("content-type", "application/json; charset=utf-8").send(samples.createAnswer.replaceAll(samples.callConnectionId, callConnectionId));
});
app.post("/calling/callConnections/:id/participants::add", async (req, reply) => {
  const { id } = req.params as { id: string };
  setImmediate(() => void deliver(callbacks.get(id)!, samples.added, id));
  return reply.code(202).header("content-type", "application/json; charset=utf-8").send(samples.addAnswer.replaceAll(samples.callConnectionId, id));
});
// The harness tells callsim's parties to answer; the floor has nobody to tell.
app.put("/emulator/parties/:rawId", async () => ({}));
await app.listen({ host: "127.0.0.1", port: 0 });
const address = app.server.address();
process.stdout.write(`http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}\n`);
