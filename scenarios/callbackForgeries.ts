import { FORGERY_KINDS, type Emulator, type ForgeryKind } from "../emulator/index.js";

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
 * emulator settle; the forged event's answer decides.
 * @example
 * const report = await probeCallbackForgeries(emulator, () => client.createCall({ targetParticipant }, "https://app.test/events"));
 * expect(report.accepted).toEqual([]);
 */
export async function probeCallbackForgeries(emulator: Emulator, trigger: () => Promise<unknown>, kinds: readonly ForgeryKind[] = FORGERY_KINDS): Promise<ForgeryReport> {
  const outcomes: ForgeryOutcome[] = [];
  for (const kind of kinds) {
    const before = emulator.events().at(-1)?.sequence ?? 0;
    emulator.forgeCallbacks({ kind });
    await trigger();
    await emulator.settle();
    const forged = emulator.events().find((e) => e.sequence > before && e.forgery === kind && e.state !== "pending");
    if (!forged) throw new Error(`No callback carried the ${kind} forgery: the trigger must make the app receive a callback (e.g. place a call whose callbackUri is the app's).`);
    const status = forged.attempts.at(-1)?.status;
    outcomes.push({ kind, status, accepted: !forged.refused });
  }
  return { outcomes, accepted: outcomes.filter((o) => o.accepted).map((o) => o.kind) };
}
