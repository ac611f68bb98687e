/**
 * callsim's public TypeScript API: an emulator of Azure Communication Services Call
 * Automation for tests, in-process or as a server.
 * @packageDocumentation
 */
import { createEmulator as createCoreEmulator, type EmulatorOptions } from "./emulator.js";
import { createMswHandlers } from "./http/msw.js";

/**
 * Creates an emulator. In-process, pair `clock: "virtual"` with `httpClient()` (fastest) or
 * `mswHandlers()` (no change to the app's client at all), and `onCallback()` for events.
 * @example
 * const emulator = createEmulator({ seed: 7, clock: "virtual" });
 * const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
 * emulator.onCallback("https://app.test/", ({ events }) => handle(events));
 * await client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, "https://app.test/events");
 * await emulator.settle();
 */
export function createEmulator(options: EmulatorOptions = {}) {
  const emulator = createCoreEmulator(options);
  return Object.assign(emulator, {
    /**
     * msw handlers that intercept `https://<name>.communication.azure.com` (or `hosts`) and
     * serve it from this emulator: `setupServer(...emulator.mswHandlers()).listen()`.
     */
    mswHandlers: (hosts?: RegExp) => createMswHandlers(emulator.handle, hosts),
  });
}

/** An emulator made by {@link createEmulator}. */
export type Emulator = ReturnType<typeof createEmulator>;

export type { EmulatorOptions, ListenOptions, FaultInput, DeliveryOptions } from "./emulator.js";
export { DEFAULT_ACCESS_KEY } from "./emulator.js";
export { SUPPORTED_API_VERSIONS } from "./http/routes.js";
export type { RouteRequest, RouteResponse } from "./http/routes.js";
export type { EmulatorInfo } from "./http/control.js";
export { VirtualClock, VIRTUAL_EPOCH_MS } from "./clock/virtualClock.js";
export type { SettleOptions } from "./clock/virtualClock.js";
export type { Clock, TimerHandle } from "./engine/clock.js";
export type { CreateRoomRequest, RoomModel } from "./engine/rooms/rooms.js";
export { ROOM_ROLES, type RoomRole } from "./engine/rooms/roomRequests.js";
export { IDENTITY_API_VERSIONS } from "./http/identityOperations.js";
export { ROOMS_API_VERSIONS } from "./http/roomsOperations.js";
export type { EventRecord, DeliveryAttempt, DeliveryChange, DeliveryListener, RetryPolicy, OutboxLimits, OutboxStats } from "./engine/outbox.js";
export { DEFAULT_RETRY_POLICY, DEFAULT_OUTBOX_LIMITS } from "./engine/outbox.js";
export type { EventGridRetryPolicy } from "./engine/deliveryPolicy.js";
export { DEFAULT_EVENT_GRID_RETRY_POLICY, DEFAULT_CALL_ORDER_GRACE_MS } from "./engine/deliveryPolicy.js";
export type { CallbackHandler, CallbackRequest, CallbackReply, FetchHandler, UrlMatcher } from "./delivery/inProcessSink.js";
export type { PartyBehavior, PartyInput } from "./engine/world.js";
export type { EventGridFilter, AdvancedFilter, AdvancedFilterOperator } from "./engine/eventGridFilter.js";
export { VALIDATION_RETRY } from "./engine/eventGrid.js";
export { MAX_REDIRECT_HOPS } from "./engine/actions/incomingCall.js";
export { PARTY_BEHAVIORS, DEFAULT_RING_MS } from "./engine/world.js";
export { checkPartySettings } from "./engine/partySettings.js";
export type { Variants, VariantName, FirstEventsOrder, LegOrigin } from "./engine/variants.js";
export { VARIANT_CHOICES, DEFAULT_VARIANTS } from "./engine/variants.js";
export type { InputHeard } from "./engine/media/callerInput.js";
export { silentWav } from "./audio/wav.js";
export { ERROR_CATALOG } from "./http/errors.js";
export { CALL_AUTOMATION_ISSUER, OPENID_CONFIGURATION_PATH, JWKS_PATH, CALLBACK_TOKEN_LIFETIME_S, DEFAULT_RESOURCE_ID } from "./delivery/callbackToken.js";
export { FORGERY_KINDS, REFUSAL_STATUSES, type ForgeryKind, type ForgeryInput, type Forgery, type ForgedEventView } from "./delivery/forgeries.js";
export { signHmacRequest, verifyHmacRequest } from "./http/auth.js";
export { explore, diagram, DEFAULT_MAX_RUNS, ExploreSetupError } from "../scenarios/explorer.js";
export { probeCallbackForgeries } from "../scenarios/callbackForgeries.js";
export type { ForgeryOutcome, ForgeryReport, ForgeryTarget, ProbedEvent } from "../scenarios/callbackForgeries.js";
export {
  validateRequestBody,
  validateRequestParameters,
  validateResponseBody,
  validateCallbackEvent,
  validateEventGridEvent,
  validateDefinition,
  validateErrorResponse,
  matchOperation,
  listOperations,
  listCallbackEventTypes,
} from "../contracts/validator.js";
export type { ContractViolation } from "../contracts/validator.js";
export { ContractViolationError, describeFindings } from "../contracts/selfCheck.js";
export type { SelfCheckFinding } from "../contracts/selfCheck.js";
export { REQUEST_LOG_LIMIT } from "./http/requestLog.js";
export type { RequestLogEntry } from "./http/requestLog.js";
export type { ExploreOptions, ExploreResult, ExploreFailure, ExploreCoverage, OrderCost, ExploreApp, AppContext } from "../scenarios/explorer.js";
export { runScenario, NOTHING_AFTER_DISCONNECTED } from "../scenarios/scenario.js";
export type { Scenario, ScenarioContext, ScenarioResult, Constraint } from "../scenarios/scenario.js";
export { scenarioApp } from "../scenarios/scenarioApp.js";
export type { ScenarioAppState } from "../scenarios/scenarioApp.js";
export { SCENARIOS } from "../scenarios/catalog/index.js";
