import type { CallLocator } from "@azure/communication-call-automation";
import type { Scenario, ScenarioContext } from "../scenario.js";
import { CALLEE_PHONE, user } from "./parties.js";

const people = [user(1), `4:${CALLEE_PHONE}`];

/** The app connects to a call started outside it, found by `locator`. */
function connectTo(
  name: string,
  title: string,
  start: (ctx: ScenarioContext) => { groupCallId?: string; roomId?: string },
  locator: (started: { serverCallId: string; groupCallId?: string; roomId?: string }) => CallLocator,
): Scenario {
  return {
    name,
    title,
    source: "reference/callautomation/EVENT-SEQUENCES.md §3 [DOC-ACTIONS \"Connect to a call\"]; order: recorded-events findings (a), the roster before CallConnected on 4/4 connectCall legs",
    async steps(ctx) {
      const started = ctx.emulator.startCall({ participants: people, ...start(ctx) });
      const { callConnectionProperties } = await ctx.client.connectCall(locator(started), ctx.callbackUri);
      ctx.track("app", callConnectionProperties.callConnectionId!);
      await ctx.waitFor("CallConnected", "app");
    },
    expected: { app: ["ParticipantsUpdated", "CallConnected 200/0"] },
  };
}

/** Connect by server call id. */
export const connectServerCall = connectTo("connect-server-call", "Connect to a 1:1 call by its serverCallId", () => ({}), ({ serverCallId }) => ({ id: serverCallId, kind: "serverCallLocator" }));
/** Connect by group call id. */
export const connectGroupCall = connectTo("connect-group-call", "Connect to a group call by its groupCallId", () => ({ groupCallId: "29228d3e-040e-4656-a70e-890ab4e173e5" }), () => ({
  id: "29228d3e-040e-4656-a70e-890ab4e173e5",
  kind: "groupCallLocator",
}));
/** Connect by room id: a room with the user as Presenter and PSTN dial-out, so the phone may join. */
export const connectRoomCall = connectTo(
  "connect-room-call",
  "Connect to a rooms call by its roomId",
  // Stryker disable next-line ObjectLiteral: the user's role in the room decides only what they may do in the call (dial out), which this scenario does not ask
  (ctx) => ({ roomId: ctx.emulator.createRoom({ pstnDialOutEnabled: true, participants: { [people[0]]: { role: "Presenter" } } }).id }),
  ({ roomId }) => ({ id: roomId!, kind: "roomCallLocator" }),
);

/** Connect to a call that does not exist: 200, then ConnectFailed, and nothing else. */
export const connectFailed: Scenario = {
  name: "connect-failed",
  title: "Connect to a room with no call going on",
  source: "reference/callautomation/EVENT-SEQUENCES.md §3 (\"Failure to connect … results in ConnectFailed event\")",
  async steps(ctx) {
    const { callConnectionProperties } = await ctx.client.connectCall({ id: "99367385716431448", kind: "roomCallLocator" }, ctx.callbackUri);
    ctx.track("app", callConnectionProperties.callConnectionId!);
  },
  expected: { app: ["ConnectFailed 404/8522"] },
  constraints: [{ kind: "only", event: "ConnectFailed", description: "nothing follows ConnectFailed" }],
};
