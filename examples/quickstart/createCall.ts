// examples/quickstart/createCall.ts
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CallAutomationClient, parseCallAutomationEvent, type CallAutomationEvent } from "@azure/communication-call-automation";

// The connection string `npm start` prints. The SDK refuses plain http unless told
// otherwise; start callsim with --https to use it unchanged (see below).
const client = new CallAutomationClient(process.env.ACS_CONNECTION_STRING!, { allowInsecureConnection: true });

// The app's callback route: callsim POSTs CloudEvents here, a JSON array per request.
const waiting: Array<(event: CallAutomationEvent) => void> = [];
const app = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk: Buffer) => (body += chunk.toString()));
  request.on("end", () => {
    for (const cloudEvent of JSON.parse(body) as Record<string, unknown>[]) {
      const event = parseCallAutomationEvent(cloudEvent); // CallConnected, ParticipantsUpdated, ...
      for (const wake of waiting.splice(0)) wake(event);
    }
    response.end();
  });
});
app.listen(0, "127.0.0.1");
await new Promise((resolve) => app.once("listening", resolve));
const callbackUri = `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/callbacks`;

/** Resolves with the next event of `kind`; ask before acting, events may beat the response. */
function next<K extends CallAutomationEvent["kind"]>(kind: K): Promise<Extract<CallAutomationEvent, { kind: K }>> {
  return new Promise((resolve) => {
    const wait = (event: CallAutomationEvent) => (event.kind === kind ? resolve(event as Extract<CallAutomationEvent, { kind: K }>) : waiting.push(wait));
    waiting.push(wait);
  });
}

const connected = next("CallConnected");
const { callConnection } = await client.createCall(
  { targetParticipant: { phoneNumber: "+14255550123" }, sourceCallIdNumber: { phoneNumber: "+18005550100" } },
  callbackUri,
);
// A call takes actions only once connected: before CallConnected, addParticipant gets 400/8501.
console.log("connected:", (await connected).callConnectionId);

const added = next("AddParticipantSucceeded");
await callConnection.addParticipant({ targetParticipant: { communicationUserId: "8:acs:11111111-1111-1111-1111-111111111111_00000001-0000-0000-0000-000000000000" } });
console.log("added:", (await added).participant);

await callConnection.hangUp(true);
app.close();
