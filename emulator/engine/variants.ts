import { InvalidArgumentError } from "./errors.js";

/**
 * Behaviours where real runs of the same operations disagree with each other. Each variant
 * names its choices; the first is the default, the most recent behaviour recorded. A test
 * picks another with `createEmulator({ variants })` or `PUT /emulator/variants`.
 * Sources are recordings in contracts/recordings/ (Azure/azure-sdk-for-net live tests).
 */
export const VARIANT_CHOICES = {
  /**
   * A callee declines the app's createCall: CreateCallFailed and CallDisconnected carry
   * 603/0 (CreateCallAndRejectAsync) or 200/5002 (CreateCallAndReject), same operations.
   */
  decline: ["603/0", "200/5002"],
  /**
   * The app terminates a call (hang up for everyone): the app's other legs hear 7000 as the
   * initiator does (2026 recordings: CreateCallWithMediaStreamingTest,
   * PlayMultipleFilesSourcesWithPlayMediaAllTest), 5001 (2025: PlayMultipleFilesSourcesWithPlayMediaTest,
   * CreateCallToAcsConnectCallAndHangupForEveryoneTestAsync) or 5002 (2025:
   * DtmfRecognizeWithInvalidFileSourceWithValidSourceTest).
   */
  terminate: ["7000", "5001", "5002"],
  /**
   * The app removes the last other participant: its own leg ends with 5002
   * (RemoveAUserCallTest) or 5300 (RemoveAUserCallTestAsync).
   */
  removeLast: ["5002", "5300"],
  /**
   * Which of CallConnected and its first ParticipantsUpdated a created leg hears first:
   * CallConnected in every recording of 2025-09-26, the most recent (CreateCallToAcsConnectCallAndHangupTest,
   * MuteParticipantTest, …); the roster in older runs (CreateCallToAcsConnectCallAndHangupTestAsync
   * 2025-06-17, CancelAddParticipantTest, RemoveAUserCallTestAsync).
   */
  createCallOrder: ["connectedFirst", "rosterFirst"],
  /**
   * The same for a leg that answered: CallConnected first in the most recent recordings
   * (PlayMultipleFilesSourcesWithPlayMediaAllTest, 2026); the roster first in some older ones.
   */
  answerOrder: ["connectedFirst", "rosterFirst"],
  /**
   * The same for a leg that joined by connectCall: the roster 3-5 ms before CallConnected on
   * 4 of 4 recorded connectCall legs (CreateCallToAcsConnectCallAndHangup*Test(+Async)).
   */
  connectOrder: ["rosterFirst", "connectedFirst"],
} as const;

/** The variant names. */
export type VariantName = keyof typeof VARIANT_CHOICES;

/** One choice per variant. */
export type Variants = { [K in VariantName]: (typeof VARIANT_CHOICES)[K][number] };

/** The defaults: the first choice of each variant. */
export const DEFAULT_VARIANTS: Variants = Object.fromEntries(Object.entries(VARIANT_CHOICES).map(([name, choices]) => [name, choices[0]])) as Variants;

/** Which of CallConnected and a leg's first ParticipantsUpdated comes first. */
export type FirstEventsOrder = "connectedFirst" | "rosterFirst";

/** How a leg came to be, for the order of its first events (variants `createCallOrder`, `answerOrder`, `connectOrder`). */
export type LegOrigin = "createCall" | "answer" | "connect";

/** The order in which a leg of `origin` hears CallConnected and its first roster. */
export function firstEventsOrder(variants: VariantTable, origin: LegOrigin): FirstEventsOrder {
  return variants.get(`${origin}Order`);
}

/** Checks a partial set of variants, naming the field and its choices when one is wrong. */
export function checkVariants(input: unknown): Partial<Variants> {
  if (input === undefined || input === null) return {};
  if (typeof input !== "object" || Array.isArray(input)) throw new InvalidArgumentError("variants", "variants must be an object, e.g. { \"decline\": \"200/5002\" }.");
  const checked: Record<string, string> = {};
  for (const [name, choice] of Object.entries(input)) {
    const choices = (VARIANT_CHOICES as Record<string, readonly string[]>)[name];
    if (!choices) throw new InvalidArgumentError(name, `${name} is not a variant; the variants are ${Object.keys(VARIANT_CHOICES).join(", ")}.`);
    // Only a string can be one of the choices: a number or null is refused here too.
    if (!choices.includes(choice as string)) {
      throw new InvalidArgumentError(name, `${name} must be one of ${choices.map((c) => `"${c}"`).join(", ")}.`);
    }
    checked[name] = choice;
  }
  return checked as Partial<Variants>;
}

/** The variants in force: the emulator's own, changed by the control plane until a reset. */
export class VariantTable {
  private current: Variants;

  constructor(private readonly base: Variants = DEFAULT_VARIANTS) {
    this.current = { ...base };
  }

  /** The choice in force for `name`. */
  get<K extends VariantName>(name: K): Variants[K] {
    return this.current[name];
  }

  /** Changes some variants; the others keep their choice. */
  set(input: unknown): Variants {
    Object.assign(this.current, checkVariants(input));
    return this.list();
  }

  list(): Variants {
    return { ...this.current };
  }

  /** Back to the emulator's own variants. */
  reset(): void {
    this.current = { ...this.base };
  }
}
