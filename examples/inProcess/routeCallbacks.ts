// examples/inProcess/routeCallbacks.ts
import { CallAutomationClient } from "@azure/communication-call-automation";
import { createEmulator } from "callsim";

const emulator = createEmulator({ clock: "virtual", seed: 7 });
const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });

// The app's own routes as a web-standard fetch handler (Hono's `app.fetch`, for one):
// it validates its Event Grid subscription and answers every incoming call.
const app = {
  answered: [] as string[],
  async fetch(request: Request): Promise<Response> {
    const events = (await request.json()) as Array<{ eventType?: string; type?: string; data: Record<string, string> }>;
    for (const event of events) {
      if (event.eventType === "Microsoft.EventGrid.SubscriptionValidationEvent") return Response.json({ validationResponse: event.data.validationCode });
      if (event.eventType === "Microsoft.Communication.IncomingCall") {
        const { callConnectionProperties } = await client.answerCall(event.data.incomingCallContext!, "https://myapp.test/api/callbacks");
        app.answered.push(callConnectionProperties.callConnectionId!);
      }
    }
    return new Response(null, { status: 200 });
  },
};

emulator.routeCallbacks("https://myapp.test/", app.fetch);      // or emulator.onCallback(prefix, ({ events }) => ...)
await emulator.subscribe("https://myapp.test/api/incomingCall"); // Event Grid, with the validation handshake
emulator.placeIncomingCall({ from: "4:+14255550123", to: "4:+18005550100" });
await emulator.settle();                                        // runs virtual time until nothing is left to do
console.log("answered:", app.answered);
