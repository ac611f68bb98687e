import type { PartyBehavior } from "../../emulator/engine/world.js";
import type { Scenario } from "../scenario.js";
import { CALLEE_PHONE, RESOURCE_PHONE } from "./parties.js";

/** A 1:1 call whose callee does not take it: CreateCallFailed, then CallDisconnected. */
function outboundFailed(name: string, behavior: Exclude<PartyBehavior, "answer">, result: string, title: string): Scenario {
  return {
    name,
    title,
    source: "reference/callautomation/EVENT-SEQUENCES.md §1 (CreateCallFailed), ERROR-CODES.md (8539, 8541, 8544), contracts/recordings CreateCallAndRejectAsync.json (603/0)",
    world: (emulator) => void emulator.setParty(`4:${CALLEE_PHONE}`, { behavior, delayMs: 3_000 }),
    async steps(ctx) {
      const { callConnectionProperties } = await ctx.client.createCall(
        { targetParticipant: { phoneNumber: CALLEE_PHONE }, sourceCallIdNumber: { phoneNumber: RESOURCE_PHONE } },
        ctx.callbackUri,
      );
      ctx.track("app", callConnectionProperties.callConnectionId!);
    },
    expected: { app: [`CreateCallFailed ${result}`, `CallDisconnected ${result}`] },
    constraints: [{ kind: "before", first: "CreateCallFailed", then: "CallDisconnected", description: "the failure is reported before the leg ends" }],
  };
}

/** The callee declines. */
export const outboundDeclined = outboundFailed("outbound-declined", "decline", "603/0", "Outbound 1:1 call, declined by the callee");
/** The callee is busy. */
export const outboundBusy = outboundFailed("outbound-busy", "busy", "486/8539", "Outbound 1:1 call, callee busy");
/** The callee never answers; the network stops ringing. */
export const outboundNoAnswer = outboundFailed("outbound-no-answer", "noAnswer", "408/8541", "Outbound 1:1 call, never answered");
/** The callee cannot be reached. */
export const outboundUnreachable = outboundFailed("outbound-unreachable", "unreachable", "480/8544", "Outbound 1:1 call, callee unreachable");
