/**
 * A plain node:http app for `callsim explore` over a URL: POST /start answers at once and
 * places the call START_DELAY_MS later; POST /eventgrid answers an IncomingCall; its callback
 * handler answers each event at once.
 *
 * APP_VARIANT=buggy assumes the roster (ParticipantsUpdated) comes after CallConnected and
 * answers 500 otherwise; robust takes events in any order; silent never places a call.
 * Env: CONNECTION_STRING, PORT, APP_VARIANT (buggy | robust | silent), START_DELAY_MS.
 */
import { createServer } from "node:http";
import { CallAutomationClient } from "@azure/communication-call-automation";

const variant = process.env.APP_VARIANT ?? "robust";
const client = new CallAutomationClient(process.env.CONNECTION_STRING, { allowInsecureConnection: true });
const base = `http://127.0.0.1:${process.env.PORT}`;
let connected = new Set();

createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    if (req.url === "/reset") connected = new Set();
    if (req.method === "POST" && req.url === "/start" && variant !== "silent") {
      setTimeout(() => {
        client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, `${base}/callbacks`).catch((e) => console.error(e.message));
      }, Number(process.env.START_DELAY_MS ?? 0));
    }
    if (req.url === "/eventgrid") {
      for (const event of JSON.parse(body)) {
        if (event.eventType !== "Microsoft.Communication.IncomingCall") continue;
        client.answerCall(event.data.incomingCallContext, `${base}/callbacks`).catch((e) => console.error(e.message));
      }
    }
    if (req.url === "/callbacks") {
      const [event] = JSON.parse(body);
      if (event.type.endsWith("CallConnected")) connected.add(event.data.callConnectionId);
      if (variant === "buggy" && event.type.endsWith("ParticipantsUpdated") && !connected.has(event.data.callConnectionId)) {
        res.writeHead(500).end();
        return;
      }
    }
    res.writeHead(req.method === "POST" ? 200 : 404).end();
  });
}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log(`plain app listening on ${base}`));
