/**
 * An IVR in the Express style of the public samples, for `callsim explore` over a URL: POST
 * /api/start awaits createCall before it answers; its callback handler awaits each SDK call
 * before it answers the event: recognize on CallConnected, play on RecognizeCompleted (or
 * RecognizeFailed), hang up on PlayCompleted. The SDK keeps its defaults (https only).
 *
 * APP_VARIANT=buggy looks calls up in what createCall returned, so an event that beats the
 * createCall answer finds no call; the robust variant takes the call from the event and
 * ignores a repeated event.
 * Env: CONNECTION_STRING, PORT, APP_VARIANT (buggy | robust).
 */
import { CallAutomationClient } from "@azure/communication-call-automation";
import { express } from "./miniExpress.mjs";

const CALLEE = { phoneNumber: "+14255550123" };
const CALLER_ID = { phoneNumber: "+18005550100" };
const buggy = process.env.APP_VARIANT === "buggy";
const client = new CallAutomationClient(process.env.CONNECTION_STRING);
const base = `http://127.0.0.1:${process.env.PORT}`;
let calls = new Set();
let seen = new Set();

const app = express();
app.post("/api/reset", (req, res) => {
  calls = new Set();
  seen = new Set();
  res.sendStatus(204);
});
app.post("/api/start", async (req, res) => {
  const { callConnectionProperties } = await client.createCall({ targetParticipant: CALLEE, sourceCallIdNumber: CALLER_ID }, `${base}/api/callbacks`);
  calls.add(callConnectionProperties.callConnectionId);
  res.status(201).json({ callConnectionId: callConnectionProperties.callConnectionId });
});
app.post("/api/callbacks", async (req, res) => {
  for (const event of req.body) {
    const id = event.data.callConnectionId;
    if (buggy && !calls.has(id)) throw new Error(`an event for a call this app never placed: ${id}`);
    if (!buggy && seen.has(event.id)) continue;
    seen.add(event.id);
    calls.add(id);
    const connection = client.getCallConnection(id);
    switch (event.type.replace("Microsoft.Communication.", "")) {
      case "CallConnected":
        await connection.getCallMedia().startRecognizing(CALLEE, {
          kind: "callMediaRecognizeDtmfOptions",
          maxTonesToCollect: 1,
          playPrompt: { kind: "textSource", text: "Press 1 for sales." },
        });
        break;
      case "RecognizeCompleted":
      case "RecognizeFailed":
        await connection.getCallMedia().playToAll([{ kind: "textSource", text: "Thank you. Goodbye." }]);
        break;
      case "PlayCompleted":
        await connection.hangUp(true);
        break;
    }
  }
  res.sendStatus(200);
});
app.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(`ivr listening on ${base}`));
