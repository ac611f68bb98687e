import { InvalidArgumentError } from "./errors.js";
import { checkRawId } from "./identifiers.js";
import { checkPartyInput } from "./media/callerInput.js";
import { PARTY_BEHAVIORS, type PartyBehavior, type PartySettings } from "./world.js";

/**
 * A simulated party's settings as given (the control plane's JSON, a `--world` file), checked:
 * the rawId, the behavior (default `answer`), the delay and the input. Throws the
 * InvalidArgumentError naming the field to fix.
 */
export function checkPartySettings(rawId: string, settings: { behavior?: unknown; delayMs?: unknown; input?: unknown }): PartySettings {
  checkRawId(rawId, "rawId");
  const behavior = (settings.behavior ?? "answer") as PartyBehavior;
  if (!PARTY_BEHAVIORS.includes(behavior)) {
    throw new InvalidArgumentError("behavior", `behavior must be one of ${PARTY_BEHAVIORS.join(", ")}.`);
  }
  if (settings.delayMs !== undefined && (typeof settings.delayMs !== "number" || !(settings.delayMs >= 0))) {
    throw new InvalidArgumentError("delayMs", "delayMs must be a number of milliseconds, 0 or more.");
  }
  const input = checkPartyInput(settings.input === undefined ? [] : Array.isArray(settings.input) ? settings.input : [settings.input]);
  return { behavior, delayMs: settings.delayMs as number | undefined, input };
}
