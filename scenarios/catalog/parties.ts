import type { CallConnection } from "@azure/communication-call-automation";
import type { ScenarioContext } from "../scenario.js";

/** The simulated people the scenarios call on, as raw ids. */
export const CALLEE_PHONE = "+14255550123";
/** The resource's own number, used as caller id. */
export const RESOURCE_PHONE = "+18005550100";
/** ACS users of the simulated world. */
export const user = (n: number) => `8:acs:11111111-1111-1111-1111-111111111111_0000000${n}-0000-0000-0000-000000000000`;

/** Places a 1:1 PSTN call, names its connection `alias`, and waits until it is connected. */
export async function connectedCall(ctx: ScenarioContext, alias = "app"): Promise<CallConnection> {
  const { callConnectionProperties, callConnection } = await ctx.client.createCall(
    { targetParticipant: { phoneNumber: CALLEE_PHONE }, sourceCallIdNumber: { phoneNumber: RESOURCE_PHONE } },
    ctx.callbackUri,
  );
  ctx.track(alias, callConnectionProperties.callConnectionId!);
  await ctx.waitFor("ParticipantsUpdated", alias);
  return callConnection;
}

/** Places a group call to ACS users `1..others`, waits until everyone joined. */
export async function connectedGroupCall(ctx: ScenarioContext, others: number, alias = "app"): Promise<CallConnection> {
  const targets = Array.from({ length: others }, (_, i) => ({ communicationUserId: user(i + 1) }));
  const { callConnectionProperties, callConnection } = await ctx.client.createGroupCall(targets, ctx.callbackUri);
  ctx.track(alias, callConnectionProperties.callConnectionId!);
  await ctx.waitFor("ParticipantsUpdated", alias, (data) => data.participants.length === others + 1);
  return callConnection;
}
