import { NotFoundError } from "./errors.js";
import type { CallConnection, IncomingCallRecord, Invitation, Participant, ServerCall } from "./model.js";

/**
 * Rule (assumed): the newest 10,000 ended calls are kept (for `GET /emulator/calls` and 404s
 * that say "has ended"); older ones are forgotten with their connections and invitations, so
 * memory does not grow with every call a long run makes.
 */
export const DEFAULT_ENDED_CALL_RETENTION = 10_000;

/** Everything the engine remembers about calls. Lookups that fail raise NotFoundError. */
export class CallStore {
  readonly calls = new Map<string, ServerCall>();
  readonly connections = new Map<string, CallConnection>();
  readonly invitations = new Map<string, Invitation>();
  readonly incoming = new Map<string, IncomingCallRecord>();
  /** Phone numbers the emulated resource owns, learned from use: a redirect to one raises a new IncomingCall. */
  readonly ownedNumbers = new Set<string>();
  /**
   * Phone numbers the resource was named with (`--phone-number`, `PUT /emulator/phone-numbers/{number}`):
   * a call to one raises IncomingCall. Configuration, so a reset keeps them.
   */
  readonly resourceNumbers = new Set<string>();
  /** Ended calls, oldest first. */
  private ended: string[] = [];
  /** Ended calls forgotten to stay within the retention. */
  forgottenCalls = 0;

  constructor(private readonly endedRetention = DEFAULT_ENDED_CALL_RETENTION) {}

  /**
   * Notes that `call` ended; once more than the retention have ended, forgets the oldest,
   * a tenth at a time so the scan of invitations costs O(1) per call.
   */
  retire(call: ServerCall): void {
    this.ended.push(call.serverCallId);
    if (this.ended.length <= this.endedRetention + Math.max(1, Math.floor(this.endedRetention / 10))) return;
    const forget = new Set(this.ended.splice(0, this.ended.length - this.endedRetention));
    for (const serverCallId of forget) {
      const old = this.calls.get(serverCallId);
      if (!old) continue;
      for (const id of old.connectionIds) this.connections.delete(id);
      this.calls.delete(serverCallId);
    }
    for (const [id, invitation] of this.invitations) if (forget.has(invitation.serverCallId)) this.invitations.delete(id);
    for (const [id, record] of this.incoming) if (forget.has(record.serverCallId)) this.incoming.delete(id);
    this.forgottenCalls += forget.size;
  }

  /** Calls live and ended now, and ended calls forgotten. */
  counts(): { live: number; ended: number; forgotten: number } {
    return { live: this.calls.size - this.ended.length, ended: this.ended.length, forgotten: this.forgottenCalls };
  }

  clear(): void {
    this.ended = [];
    this.forgottenCalls = 0;
    this.calls.clear();
    this.connections.clear();
    this.invitations.clear();
    this.incoming.clear();
    this.ownedNumbers.clear();
  }

  /** The call connection, if it still exists and has not been disconnected. */
  activeConnection(callConnectionId: string): CallConnection {
    const connection = this.connections.get(callConnectionId);
    if (!connection || connection.state === "disconnected" || connection.state === "disconnecting") {
      throw new NotFoundError(
        connection
          ? `Call connection ${callConnectionId} has ended. Start or answer a new call; no action is possible on a disconnected call connection.`
          : `Call connection ${callConnectionId} was not found. Use the callConnectionId returned by createCall, answerCall or connectCall.`,
        "callConnectionId",
      );
    }
    return connection;
  }

  call(serverCallId: string): ServerCall {
    const call = this.calls.get(serverCallId);
    if (!call) throw new NotFoundError(`Call ${serverCallId} was not found. Use a serverCallId from GET /emulator/calls.`, "serverCallId");
    return call;
  }

  callOf(connection: CallConnection): ServerCall {
    return this.call(connection.serverCallId);
  }

  /** Participant `rawId` of the connection's call, or NotFoundError naming it. */
  participant(call: ServerCall, rawId: string, field: string): Participant {
    const participant = call.participants.get(rawId);
    if (!participant) {
      throw new NotFoundError(`Participant ${rawId} is not in the call. List the call's participants to see who is.`, field);
    }
    return participant;
  }

  /** Connections of `call` that can still receive events. */
  liveConnections(call: ServerCall): CallConnection[] {
    const kept = call.connectionIds.map((id) => this.connections.get(id));
    // Stryker disable next-line ConditionalExpression: a kept call's connections are all kept, and a leg past its CallDisconnected is both refused by emit() and, being disconnected, left out by every caller's state filter
    return kept.filter((c): c is CallConnection => !!c && !c.disconnectedEmitted);
  }

  /** Invitations of `call` still ringing. */
  ringingInvitations(call: ServerCall): Invitation[] {
    return [...this.invitations.values()].filter((i) => i.serverCallId === call.serverCallId && i.state === "ringing");
  }

  findByGroupCallId(groupCallId: string): ServerCall | undefined {
    return [...this.calls.values()].find((c) => c.groupCallId === groupCallId && !c.ended);
  }

  findByRoomId(roomId: string): ServerCall | undefined {
    return [...this.calls.values()].find((c) => c.roomId === roomId && !c.ended);
  }
}
