import Fastify from "fastify";

// The baseline: a bare fastify route that parses a JSON body and answers a JSON object of the
// same size as callsim's createCall answer (given as argv[2]). Nothing else.
const answer = JSON.parse(process.argv[2] ?? "{}");
const app = Fastify({ logger: false });
app.post("/calling/callConnections", async (_request, reply) => reply.code(201).send(answer));
await app.listen({ host: "127.0.0.1", port: 0 });
const address = app.server.address();
process.stdout.write(`http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}\n`);
