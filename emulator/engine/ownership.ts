import type { EngineContext } from "./context.js";
import { identifierKind } from "./identifiers.js";

/**
 * Whether the emulated resource owns phone number `e164`: one of the numbers it was named
 * with, or, when none were named, one it has used (the `to` of a call from the world, a
 * `sourceCallerIdNumber`).
 */
export function ownsNumber(ctx: EngineContext, e164: string): boolean {
  return ctx.store.resourceNumbers.size > 0 ? ctx.store.resourceNumbers.has(e164) : ctx.store.ownedNumbers.has(e164);
}

/**
 * Whether a call to `rawId` reaches the app through IncomingCall instead of ringing a party
 * in the world: a phone number the resource was named with. (The docs: a call to a number
 * the resource owns raises IncomingCall.)
 */
export function isResourceNumber(ctx: EngineContext, rawId: string): boolean {
  // Stryker disable next-line ConditionalExpression: resource numbers are E.164 numbers, and no other kind of raw id is an E.164 number once its two-character prefix is cut
  return identifierKind(rawId) === "phoneNumber" && ctx.store.resourceNumbers.has(rawId.slice(2));
}

/** Notes a number the resource used; it counts as owned while no numbers were named. */
export function learnNumber(ctx: EngineContext, e164: string): void {
  ctx.store.ownedNumbers.add(e164);
}
