import type { TimerHandle } from "./clock.js";

/** Call connection states, as the spec's CallConnectionStateModel names them. */
export type CallConnectionState =
  | "unknown"
  | "connecting"
  | "connected"
  | "transferring"
  | "transferAccepted"
  | "disconnecting"
  | "disconnected";

/** Someone in a call: a simulated party, or the app itself on one of its call connections. */
export interface Participant {
  rawId: string;
  isMuted: boolean;
  isOnHold: boolean;
  /** Set when this participant is the app, present through that call connection. */
  callConnectionId?: string;
}

/** How a server call came to be. */
export type CallOrigin = "createCall" | "incoming" | "external" | "group" | "room";

/** A call on the service side; the app may hold any number of connections to it. */
export interface ServerCall {
  serverCallId: string;
  correlationId: string;
  origin: CallOrigin;
  groupCallId?: string;
  roomId?: string;
  /** Participants in the call, in the order they joined. */
  participants: Map<string, Participant>;
  /** The app's connections to this call, in the order they were made. */
  connectionIds: string[];
  /** The roster version: ParticipantsUpdated carries it, the same on every leg for the same change (REC-NET). */
  sequenceNumber: number;
  ended: boolean;
  startedAt: number;
}

/** The app's handle on a call (CallConnectionProperties). */
export interface CallConnection {
  callConnectionId: string;
  serverCallId: string;
  correlationId: string;
  callbackUri: string;
  state: CallConnectionState;
  /** The app's own identity in the call. */
  appRawId: string;
  source?: string;
  sourceCallerIdNumber?: string;
  sourceDisplayName?: string;
  targets: string[];
  answeredBy?: string;
  answeredFor?: string;
  operationContext?: string;
  /** The api-version of the request that made this connection; events carry it as `data.version`. */
  apiVersion: string;
  /** Set once CallDisconnected was emitted: nothing may follow it. */
  disconnectedEmitted: boolean;
  /** `calling/callConnections/<id>`, the `source` and `subject` of its events: one string for all of them. */
  eventSource: string;
}

/** Why an invitation was sent. */
export type InvitationPurpose = "createCall" | "addParticipant" | "transfer" | "redirect" | "incoming";

/** A ringing leg: someone asked to join a call. */
export interface Invitation {
  invitationId: string;
  serverCallId: string;
  /** The connection whose action sent it; absent for calls the world places to the app. */
  callConnectionId?: string;
  target: string;
  purpose: InvitationPurpose;
  state: "ringing" | "accepted" | "failed" | "canceled";
  operationContext?: string;
  /** Where this action's result events go (operationCallbackUri, else the call's callbackUri). */
  callbackUri?: string;
  customCallingContext?: { voipHeaders: Record<string, string>; sipHeaders: Record<string, string> };
  transferee?: string;
  sourceCallerIdNumber?: string;
  /** Offered to the app through IncomingCall (a number the resource owns, an ACS user): the world does not ring it. */
  offeredToApp?: boolean;
  /** Who the action asked for, when a redirect gave the invitation another target. */
  invitedAs?: string;
  /** Redirects this invitation went through. */
  hops?: number;
  timeoutMs: number;
  timers: TimerHandle[];
  createdAt: number;
}

/** An IncomingCall handed to the app, waiting for answer, reject or redirect. */
export interface IncomingCallRecord {
  incomingCallContext: string;
  serverCallId: string;
  from: string;
  to: string;
  callerDisplayName: string;
  /** Absent when the caller sent none: the event then has no customContext key (recorded IncomingCall bodies). */
  customContext?: { voipHeaders: Record<string, string>; sipHeaders: Record<string, string> };
  /** The invitation this context answers, when the call is one the app itself placed or redirected. */
  invitationId?: string;
  consumedBy?: "answer" | "reject" | "redirect";
  createdAt: number;
}
