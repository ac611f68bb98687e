/**
 * A small front-desk service in the style of the public Call Automation samples: it answers
 * every incoming call and brings in an agent; once the agent is there it leaves the caller
 * and the agent to talk (hangs up its own leg); when no agent answers it transfers the caller
 * to the overflow line. Events arrive on two routes of one fetch handler, so it runs under any
 * web framework, and in-process under callsim.
 */
import { CallAutomationClient, parseCallAutomationEvent, type CallConnection } from "@azure/communication-call-automation";

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
  handedToAgent: string[];
  transferred: string[];
}

/** Builds the app: one fetch handler serving its two routes. */
export function createFrontDesk(options: FrontDeskOptions) {
  const state: FrontDeskState = { answered: [], handedToAgent: [], transferred: [] };
  const callbackUri = `${options.baseUrl}/api/callbacks`;
  const connections = new Map<string, CallConnection>();

  async function onIncomingCall(events: Array<Record<string, any>>): Promise<Response> {
    for (const event of events) {
      if (event.eventType === "Microsoft.EventGrid.SubscriptionValidationEvent") {
        return Response.json({ validationResponse: event.data.validationCode });
      }
      if (event.eventType === "Microsoft.Communication.IncomingCall") {
        const answer = await options.client.answerCall(event.data.incomingCallContext, callbackUri, { operationContext: "front-desk" });
        connections.set(answer.callConnectionProperties.callConnectionId!, answer.callConnection);
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
          await connection.addParticipant(
            { targetParticipant: { communicationUserId: options.agentId } },
            { invitationTimeoutInSeconds: options.agentTimeoutSeconds ?? 30, operationContext: "agent" },
          );
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
