/**
 * A small front-desk IVR in the style of the public Call Automation samples: it answers every
 * call to its number and plays a menu while listening for a key. "1" brings in an agent; once the
 * agent is there it leaves the caller and the agent to talk (hangs up its own leg); when no
 * agent answers it transfers the caller to the overflow line. "2", another key or silence gets
 * a goodbye and the call ends. Events arrive on two routes of one fetch handler, so it runs
 * under any web framework, and in-process under callsim.
 */
import { CallAutomationClient, parseCallAutomationEvent, type CallConnection } from "@azure/communication-call-automation";
import { createIdentifierFromRawId, type CommunicationIdentifier } from "@azure/communication-common";

/** What the app needs to know. */
export interface FrontDeskOptions {
  client: CallAutomationClient;
  /** The public base URL of this app; callbacks go to `${baseUrl}/api/callbacks`. */
  baseUrl: string;
  /** The ACS user id of the agent to bring in. */
  agentId: string;
  /** Where callers go when no agent answers (E.164). */
  overflowNumber: string;
  /** The resource's number, shown as caller id on the overflow leg. */
  callerIdNumber: string;
  /** How long the agent may ring, in seconds. */
  agentTimeoutSeconds?: number;
}

/** What the app did, for its own tests and logs. */
export interface FrontDeskState {
  answered: string[];
  /** The key each caller pressed at the menu, by callConnectionId ("none" for silence). */
  choices: Record<string, string>;
  handedToAgent: string[];
  transferred: string[];
  /** Calls that ended with the goodbye prompt. */
  saidGoodbye: string[];
}

/** Builds the app: one fetch handler serving its two routes. */
export function createFrontDesk(options: FrontDeskOptions) {
  const state: FrontDeskState = { answered: [], choices: {}, handedToAgent: [], transferred: [], saidGoodbye: [] };
  const callbackUri = `${options.baseUrl}/api/callbacks`;
  const connections = new Map<string, CallConnection>();
  const callers = new Map<string, CommunicationIdentifier>();

  async function sayGoodbye(connection: CallConnection): Promise<void> {
    await connection.getCallMedia().playToAll([{ kind: "textSource", text: "Thank you for calling. Goodbye.", voiceName: "en-US-NancyNeural" }], { operationContext: "goodbye" });
  }

  async function onIncomingCall(events: Array<Record<string, any>>): Promise<Response> {
    for (const event of events) {
      if (event.eventType === "Microsoft.EventGrid.SubscriptionValidationEvent") {
        return Response.json({ validationResponse: event.data.validationCode });
      }
      if (event.eventType === "Microsoft.Communication.IncomingCall") {
        // The service raises IncomingCall for every call to the resource's identities, the
        // app's own invitation of the agent included: that one is the agent's to answer.
        if (event.data.to.rawId !== `4:${options.callerIdNumber}`) continue;
        const answer = await options.client.answerCall(event.data.incomingCallContext, callbackUri, { operationContext: "front-desk" });
        const id = answer.callConnectionProperties.callConnectionId!;
        connections.set(id, answer.callConnection);
        callers.set(id, createIdentifierFromRawId(event.data.from.rawId));
      }
    }
    return new Response(null, { status: 200 });
  }

  async function onCallback(events: Array<Record<string, any>>): Promise<Response> {
    for (const raw of events) {
      const event = parseCallAutomationEvent([raw] as any);
      const connection = connections.get(event.callConnectionId ?? "");
      if (!connection) continue;
      switch (event.kind) {
        case "CallConnected":
          state.answered.push(event.callConnectionId!);
          await connection.getCallMedia().startRecognizing(callers.get(event.callConnectionId!)!, {
            kind: "callMediaRecognizeDtmfOptions",
            playPrompt: { kind: "textSource", text: "Press 1 to speak to an agent, or 2 to end the call.", voiceName: "en-US-NancyNeural" },
            interruptPrompt: true,
            maxTonesToCollect: 1,
            initialSilenceTimeoutInSeconds: 10,
            operationContext: "menu",
          });
          break;
        case "RecognizeCompleted": {
          const tone = event.dtmfResult?.tones?.[0] ?? "none";
          state.choices[event.callConnectionId!] = tone;
          if (tone === "one") {
            await connection.addParticipant(
              { targetParticipant: { communicationUserId: options.agentId } },
              { invitationTimeoutInSeconds: options.agentTimeoutSeconds ?? 30, operationContext: "agent" },
            );
          } else await sayGoodbye(connection);
          break;
        }
        case "RecognizeFailed":
          state.choices[event.callConnectionId!] = "none";
          await sayGoodbye(connection);
          break;
        case "PlayCompleted":
          if (event.operationContext === "goodbye") {
            state.saidGoodbye.push(event.callConnectionId!);
            await connection.hangUp(true);
          }
          break;
        case "AddParticipantSucceeded":
          // The agent is in: leave the caller and the agent to it.
          state.handedToAgent.push(event.callConnectionId!);
          await connection.hangUp(false);
          break;
        case "AddParticipantFailed":
          await connection.transferCallToParticipant(
            { phoneNumber: options.overflowNumber },
            { operationContext: "overflow", sourceCallIdNumber: { phoneNumber: options.callerIdNumber } },
          );
          break;
        case "CallTransferAccepted":
          state.transferred.push(event.callConnectionId!);
          break;
        case "CallDisconnected":
          connections.delete(event.callConnectionId!);
          break;
      }
    }
    return new Response(null, { status: 200 });
  }

  return {
    state,
    /** The app's HTTP surface: POST /api/incomingCall (Event Grid) and POST /api/callbacks. */
    async fetch(request: Request): Promise<Response> {
      const path = new URL(request.url).pathname;
      if (request.method !== "POST") return new Response(null, { status: 405 });
      const events = (await request.json()) as Array<Record<string, any>>;
      if (path === "/api/incomingCall") return onIncomingCall(events);
      if (path === "/api/callbacks") return onCallback(events);
      return new Response(null, { status: 404 });
    },
  };
}
