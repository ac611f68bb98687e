import { FORGERY_KINDS, type ForgeryInput, type ForgeryKind } from "../emulator/index.js";

/**
 * What the probe needs of callsim: an emulator in-process is one; so is a server reached over
 * its control plane (`POST /emulator/forgeries`, `GET /emulator/events`) with a `settle` that
 * resolves once the forged callback was answered (its line in the live log, say).
 */
export interface ForgeryTarget {
  forgeCallbacks(input: ForgeryInput): unknown;
  events(): ReadonlyArray<ProbedEvent> | Promise<ReadonlyArray<ProbedEvent>>;
  settle(): Promise<unknown>;
}

/** An event of the log, as far as the probe reads it. */
export interface ProbedEvent {
  id: string;
  state: string;
  forgery?: ForgeryKind | undefined;
  refused?: boolean | undefined;
  attempts: ReadonlyArray<{ status?: number | undefined }>;
}

/** What became of one forgery sent to the app. */
export interface ForgeryOutcome {
  kind: ForgeryKind;
  /** The app's answer to the forged callback (undefined when it could not be reached). */
  status?: number | undefined;
  /** True when the app did not refuse it with 401 or 403. */
  accepted: boolean;
}

/** What {@link probeCallbackForgeries} found. */
export interface ForgeryReport {
  outcomes: ForgeryOutcome[];
  /** The forgeries the app let in: empty for an app that checks callback tokens by the docs' recipe. */
  accepted: ForgeryKind[];
}

/**
 * Sends the app one forged callback of each kind and reports which it accepted. For each kind
 * it plants the forgery on the next callback, runs `trigger` (which must make the app receive
 * at least one callback, e.g. place a call whose callbackUri is the app's) and lets the
 * emulator settle; the forged event's answer decides. `only.channel` limits the forgeries to
 * Call Automation callbacks or to Event Grid deliveries (of subscriptions secured with Entra).
 * @example
 * const report = await probeCallbackForgeries(emulator, () => client.createCall({ targetParticipant }, "https://app.test/events"));
 * expect(report.accepted).toEqual([]);
 */
export async function probeCallbackForgeries(emulator: ForgeryTarget, trigger: () => Promise<unknown>, kinds: readonly ForgeryKind[] = FORGERY_KINDS, only: Pick<ForgeryInput, "channel"> = {}): Promise<ForgeryReport> {
  const outcomes: ForgeryOutcome[] = [];
  for (const kind of kinds) {
    // The forgery may land on a callback still waiting from an earlier trigger: it is told by being new, not by coming later.
    const earlier = new Set((await emulator.events()).filter((e) => e.forgery).map((e) => e.id));
    await emulator.forgeCallbacks({ kind, ...only });
    await trigger();
    await emulator.settle();
    const forged = (await emulator.events()).find((e) => !earlier.has(e.id) && e.forgery === kind && e.state !== "pending");
    if (!forged) throw new Error(`No callback carried the ${kind} forgery: the trigger must make the app receive a callback (e.g. place a call whose callbackUri is the app's).`);
    const status = forged.attempts.at(-1)?.status;
    outcomes.push({ kind, status, accepted: !forged.refused });
  }
  return { outcomes, accepted: outcomes.filter((o) => o.accepted).map((o) => o.kind) };
}
