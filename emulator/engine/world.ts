/**
 * The simulated world outside the app: phone numbers and ACS users that answer, decline,
 * are busy, never answer or cannot be reached, each after a delay, and what they will key
 * or say once in a call.
 */
export type PartyBehavior = "answer" | "decline" | "busy" | "noAnswer" | "unreachable" | "leftToApps";

/**
 * All behaviours a party may be given, in the order the docs list them. `leftToApps`: the
 * party never answers by itself; only an app answering (or rejecting, redirecting) its
 * IncomingCall settles an invitation to it, else the invitation times out.
 */
export const PARTY_BEHAVIORS: readonly PartyBehavior[] = ["answer", "decline", "busy", "noAnswer", "unreachable", "leftToApps"];

/** Something a party will key or say when a recognition listens to it. */
export type PartyInput = { dtmf: string } | { speech: string } | { silence: true };

/** How one party reacts to invitations. */
export interface PartySettings {
  behavior: PartyBehavior;
  /** How long the party rings before reacting (DEFAULT_RING_MS when unset). For `noAnswer` it is how long the network lets it ring before giving up (the invitation's own timeout applies if shorter). */
  delayMs?: number;
  /** Inputs consumed in order by recognitions that listen to this party. */
  input: PartyInput[];
}

/**
 * Rule (assumed): a party with no behaviour set answers after a short ring, so the happy path
 * needs no setup and a suite against the real-time server stays fast.
 */
export const DEFAULT_RING_MS = 10;

/** The parties the test has configured; everyone else answers after DEFAULT_RING_MS. */
export class World {
  private readonly parties = new Map<string, PartySettings>();

  /** Sets how `rawId` reacts to invitations from now on. */
  setParty(rawId: string, settings: Partial<PartySettings> & { behavior: PartyBehavior }): PartySettings {
    const party: PartySettings = {
      behavior: settings.behavior,
      delayMs: settings.delayMs,
      input: [...(settings.input ?? [])],
    };
    this.parties.set(rawId, party);
    return party;
  }

  /** The settings in force for `rawId`. */
  party(rawId: string): PartySettings {
    return this.parties.get(rawId) ?? { behavior: "answer", input: [] };
  }

  /** Every configured party, for the control plane's view of the world. */
  list(): Array<{ rawId: string } & PartySettings> {
    return [...this.parties].map(([rawId, s]) => ({ rawId, ...s, input: [...s.input] }));
  }

  /** Forgets every configured party. */
  clear(): void {
    this.parties.clear();
  }
}
