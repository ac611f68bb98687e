import { after, type EngineContext } from "./context.js";
import { resultInformation, type ResultInformation } from "./events.js";
import type { Invitation, InvitationPurpose, ServerCall } from "./model.js";
import { DEFAULT_RING_MS } from "./world.js";

/** How an invitation ended. */
export type InvitationOutcome = "accepted" | "decline" | "busy" | "forbidden" | "unreachable" | "timedOut" | "tooManyHops" | "canceled";

/**
 * Rule (assumed): an invitation with no timeout of its own rings for 60 s. The spec bounds
 * invitationTimeoutInSeconds to 0..180 and names no default; 0 means "the default".
 */
export const DEFAULT_INVITATION_TIMEOUT_MS = 60_000;

/**
 * Result codes of failed invitations. The subcodes are the documented ones (ERROR-CODES.md §4:
 * 8538 declined, 8539 busy, 8541 unavailable, 8544 unreachable); the SIP-style codes beside
 * them and the pairing with each outcome are assumed (no public table maps them).
 */
export const INVITATION_FAILURES: Record<Exclude<InvitationOutcome, "accepted" | "canceled">, { code: number; subCode: number; reason: string }> = {
  decline: { code: 603, subCode: 8538, reason: "The callee declined the call." },
  busy: { code: 486, subCode: 8539, reason: "The callee is busy." },
  forbidden: { code: 403, subCode: 8538, reason: "The callee rejected the call as forbidden." },
  timedOut: { code: 408, subCode: 8541, reason: "The callee did not answer before the invitation timed out." },
  unreachable: { code: 480, subCode: 8544, reason: "The callee could not be reached." },
  // 8521 "Too many hops" is documented (ERROR-CODES.md); 483 is SIP's Too Many Hops (RFC 3261 §21.4.22).
  tooManyHops: { code: 483, subCode: 8521, reason: "Too many hops: the call was redirected too many times." },
};

/** ResultInformation for a failed invitation, in the message format real events use. */
export function invitationFailure(outcome: keyof typeof INVITATION_FAILURES, invitation: Invitation, verb = "addParticipants"): ResultInformation {
  const { code, subCode, reason } = INVITATION_FAILURES[outcome];
  return resultInformation(code, subCode, `${verb} failed for participant ${invitation.target}. Underlying reason: ${reason}`);
}

/** What happens when an invitation settles, by purpose. Registered by the actions. */
export type InvitationHandler = (ctx: EngineContext, invitation: Invitation, outcome: InvitationOutcome) => void;
const handlers = new Map<InvitationPurpose, InvitationHandler>();

/** Lets an action decide what its invitations' outcomes mean. */
export function onInvitationSettled(purpose: InvitationPurpose, handler: InvitationHandler): void {
  handlers.set(purpose, handler);
}

/**
 * Rings `target`: the party's behaviour in the world decides the outcome, unless the
 * invitation times out first, is cancelled, or the app answers it through IncomingCall.
 */
export function invite(
  ctx: EngineContext,
  call: ServerCall,
  fields: Pick<Invitation, "target" | "purpose"> & Partial<Invitation>,
): Invitation {
  const invitation: Invitation = {
    invitationId: ctx.ids.uuid(),
    serverCallId: call.serverCallId,
    state: "ringing",
    timeoutMs: DEFAULT_INVITATION_TIMEOUT_MS,
    timers: [],
    createdAt: ctx.clock.now(),
    ...fields,
  };
  ctx.store.invitations.set(invitation.invitationId, invitation);
  invitation.timers.push(ctx.clock.schedule(invitation.timeoutMs, () => settleInvitation(ctx, invitation, "timedOut"), `timedOut ${invitation.target}`));
  // The app, not the world, decides on calls offered to it.
  if (invitation.purpose === "incoming" || invitation.offeredToApp) return invitation;
  ringInWorld(ctx, invitation);
  return invitation;
}

/** The target's party in the world reacts to the invitation, as its behaviour says. */
export function ringInWorld(ctx: EngineContext, invitation: Invitation): void {
  const party = ctx.world.party(invitation.target);
  const schedule = (delayMs: number, outcome: InvitationOutcome) =>
    invitation.timers.push(ctx.clock.schedule(delayMs, () => settleInvitation(ctx, invitation, outcome), `${outcome} ${invitation.target}`));
  // The party does nothing by itself: only an app answering its IncomingCall settles the invitation.
  if (party.behavior === "leftToApps") return;
  if (party.behavior === "answer") schedule(party.delayMs ?? DEFAULT_RING_MS, "accepted");
  else if (party.behavior === "noAnswer") {
    if (party.delayMs !== undefined) schedule(party.delayMs, "timedOut");
  } else schedule(party.delayMs ?? DEFAULT_RING_MS, party.behavior);
}

/** Ends a ringing invitation with `outcome` and runs its purpose's handler; later outcomes are ignored. */
export function settleInvitation(ctx: EngineContext, invitation: Invitation, outcome: InvitationOutcome): void {
  // Stryker disable next-line ConditionalExpression: a guard no caller reaches: settling cancels the invitation's timers, and every action that settles one (answer, reject, redirect, cancel) finds it ringing first and settles it in the same turn of the clock
  if (invitation.state !== "ringing") return;
  invitation.state = outcome === "accepted" ? "accepted" : outcome === "canceled" ? "canceled" : "failed";
  for (const timer of invitation.timers) ctx.clock.cancel(timer);
  invitation.timers = [];
  const call = ctx.store.calls.get(invitation.serverCallId);
  // Stryker disable next-line ConditionalExpression: a guard no caller reaches: ending a call cancels its ringing invitations' timers first (endCall), and its retired calls' invitations are forgotten with them
  if (!call || call.ended) return;
  handlers.get(invitation.purpose)?.(ctx, invitation, outcome);
}

/** Schedules settling after the service latency (for outcomes the app itself causes). */
export function settleSoon(ctx: EngineContext, invitation: Invitation, outcome: InvitationOutcome): void {
  after(ctx, 0, () => settleInvitation(ctx, invitation, outcome));
}
