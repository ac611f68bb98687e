import { CallAutomationClient } from "@azure/communication-call-automation";
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import generated from "../../contracts/generated/callAutomation.schema.json" with { type: "json" };
import { createEmulator, type Emulator } from "../../emulator/emulator.js";
import { OPERATIONS } from "../../emulator/http/operations.js";
import { arbitraryFor, mutated, type Vocabulary } from "../support/schemaArbitrary.js";

/** Printed so that a failure can be replayed: CALLSIM_FUZZ_SEED=<seed> npx vitest run test/contracts/fuzz.test.ts */
const SEED = Number(process.env.CALLSIM_FUZZ_SEED) || Math.floor(Math.random() * 2 ** 31);
/** Generated requests per route; ~30 routes make a few thousand per run. */
const RUNS_PER_ROUTE = Number(process.env.CALLSIM_FUZZ_RUNS) || 80;
/** A fresh world (calls, contexts) after this many requests, so most requests find live ids. */
const WORLD_LIFETIME = 25;

const bundle = generated as unknown as { operations: Record<string, { path: string; body: { schema: Record<string, any> } | null }> };
const U1 = "8:acs:11111111-1111-1111-1111-111111111111_00000001-0000-0000-0000-000000000000";
const U2 = "8:acs:11111111-1111-1111-1111-111111111111_00000002-0000-0000-0000-000000000000";
const CALLER = "4:+14255550123";
const APP_NUMBER = "4:+18005550100";

interface World {
  emulator: Emulator;
  vocabulary: Vocabulary;
  callConnectionId: string;
  serverCallId: string;
  subscriptionId: string;
}

async function createWorld(seed: number): Promise<World> {
  const emulator = createEmulator({ clock: "virtual", seed, loose: true, selfCheck: "throw" });
  // Nothing leaves the process: every callback and webhook is answered in-process.
  emulator.onCallback(() => true, ({ events }) => (events[0]?.data?.validationCode ? { status: 200, body: { validationResponse: events[0].data.validationCode } } : undefined));
  const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
  const subscription = await emulator.subscribe("https://grid.test/hook");
  const { callConnectionProperties } = await client.createCall({ targetParticipant: { communicationUserId: U1 } }, "https://app.test/cb");
  const incoming = emulator.placeIncomingCall({ from: CALLER, to: APP_NUMBER });
  await emulator.settle();
  emulator.setParty(U2, { behavior: "noAnswer" });
  const { invitationId } = await client.getCallConnection(callConnectionProperties.callConnectionId!).addParticipant({ targetParticipant: { communicationUserId: U2 } });
  const callConnectionId = callConnectionProperties.callConnectionId!;
  const serverCallId = callConnectionProperties.serverCallId!;
  const appId = emulator.calls()[0].participants.map((p) => p.rawId).find((id) => id !== U1)!;
  return {
    emulator,
    callConnectionId,
    serverCallId,
    subscriptionId: subscription.id,
    vocabulary: {
      rawIds: [U1, U2, CALLER, APP_NUMBER, appId],
      strings: ["https://app.test/cb", "wss://app.test/media", callConnectionId, serverCallId, incoming.incomingCallContext, incoming.serverCallId, "+14255550123", "en-US", ""],
      byField: {
        callbackUri: ["https://app.test/cb", "http://127.0.0.1:9/cb", "ftp://x"],
        operationCallbackUri: ["https://app.test/op"],
        incomingCallContext: [incoming.incomingCallContext, "not-a-context"],
        invitationId: [invitationId!, "00000000-0000-0000-0000-000000000000"],
        serverCallId: [serverCallId, incoming.serverCallId],
        groupCallId: ["11111111-2222-3333-4444-555555555555"],
        roomId: ["99434917639286209"],
        transportUrl: ["wss://app.test/media"],
        operationContext: ["ctx", ""],
      },
    },
  };
}

/** One route to fuzz: its path (ids from the world, or anything) and its bodies. */
interface Route {
  name: string;
  method: string;
  path: (world: World) => fc.Arbitrary<string>;
  body?: (world: World) => fc.Arbitrary<unknown>;
}

const anyId = (live: (w: World) => string[]) => (w: World) => fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...live(w)) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }).map(encodeURIComponent);

function serviceRoutes(): Route[] {
  return OPERATIONS.map((operation) => {
    const spec = bundle.operations[operation.operationId];
    const callId = anyId((w) => [w.callConnectionId]);
    const rawId = anyId((w) => w.vocabulary.rawIds);
    return {
      name: operation.operationId,
      method: operation.method,
      path: (w) =>
        fc.tuple(callId(w), rawId(w), anyId((x) => x.vocabulary.strings.filter(Boolean))(w), fc.constantFrom("2026-03-12", "2026-03-12", "2024-09-15", "1999-01-01"), fc.option(fc.string({ maxLength: 4 }))).map(([c, r, other, version, skip]) => {
          // Any other path parameter (a recordingId, …) gets a live id or anything.
          const path = spec.path.replace("{callConnectionId}", c).replace("{participantRawId}", r).replace(/\{\w+\}/g, other);
          return `${path}?api-version=${version}${skip === null ? "" : `&skip=${encodeURIComponent(skip)}`}`;
        }),
      body: spec.body ? (w) => arbitraryFor(spec.body!.schema, w.vocabulary) : undefined,
    };
  });
}

/** Control-plane fields, with values the engine knows and values it must refuse. */
const control = (fields: Record<string, (w: World) => fc.Arbitrary<unknown>>) => (w: World) =>
  fc.record(Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, value(w)])), { requiredKeys: [] });
const rawIdOf = (w: World) => fc.constantFrom(...w.vocabulary.rawIds);
const CONTROL_ROUTES: Route[] = [
  { name: "GET info", method: "GET", path: () => fc.constant("/emulator/info") },
  { name: "GET parties", method: "GET", path: () => fc.constant("/emulator/parties") },
  { name: "PUT party", method: "PUT", path: (w) => anyId((x) => x.vocabulary.rawIds)(w).map((id) => `/emulator/parties/${id}`), body: control({ behavior: () => fc.constantFrom("answer", "decline", "busy", "noAnswer", "unreachable", "sing"), delayMs: () => fc.oneof(fc.integer({ min: -5, max: 100_000 }), fc.double()), input: () => fc.jsonValue({ maxDepth: 2 }) }) },
  { name: "GET subscriptions", method: "GET", path: () => fc.constant("/emulator/subscriptions") },
  { name: "POST subscriptions", method: "POST", path: () => fc.constant("/emulator/subscriptions"), body: control({ endpoint: () => fc.constantFrom("https://grid.test/other", "ftp://x", "http://grid.test/h"), eventTypes: () => fc.array(fc.constantFrom("IncomingCall", "Microsoft.Communication.CallStarted", "Nope"), { maxLength: 3 }) }) },
  { name: "GET validate", method: "GET", path: (w) => fc.tuple(anyId((x) => [x.subscriptionId])(w), fc.string({ maxLength: 8 })).map(([id, code]) => `/emulator/subscriptions/${id}:validate?code=${encodeURIComponent(code)}`) },
  { name: "POST incoming-calls", method: "POST", path: () => fc.constant("/emulator/incoming-calls"), body: control({ from: rawIdOf, to: rawIdOf, callerDisplayName: () => fc.string(), customContext: () => fc.jsonValue({ maxDepth: 2 }) }) },
  { name: "GET calls", method: "GET", path: () => fc.constant("/emulator/calls") },
  { name: "POST calls", method: "POST", path: () => fc.constant("/emulator/calls"), body: control({ participants: (w) => fc.array(rawIdOf(w), { maxLength: 3 }), groupCallId: () => fc.string({ maxLength: 6 }), roomId: () => fc.string({ maxLength: 6 }) }) },
  { name: "POST party hangUp", method: "POST", path: (w) => fc.tuple(anyId((x) => [x.serverCallId])(w), anyId((x) => x.vocabulary.rawIds)(w)).map(([s, r]) => `/emulator/calls/${s}/participants/${r}:hangUp`) },
  { name: "POST party dtmf", method: "POST", path: (w) => fc.tuple(anyId((x) => [x.serverCallId])(w), anyId((x) => x.vocabulary.rawIds)(w)).map(([s, r]) => `/emulator/calls/${s}/participants/${r}:dtmf`), body: control({ tones: () => fc.string() }) },
  { name: "GET faults", method: "GET", path: () => fc.constant("/emulator/faults") },
  { name: "POST faults", method: "POST", path: () => fc.constant("/emulator/faults"), body: control({ action: () => fc.constantFrom("createCall", "addParticipant", "getCall", "hangUp", "nothing"), status: () => fc.integer({ min: 300, max: 700 }), code: () => fc.string(), subCode: () => fc.integer({ min: -1, max: 100_001 }), async: () => fc.boolean(), times: () => fc.integer({ min: -1, max: 3 }) }) },
  { name: "GET events", method: "GET", path: (w) => fc.option(anyId((x) => [x.callConnectionId])(w)).map((id) => `/emulator/events${id === null ? "" : `?callConnectionId=${id}`}`) },
  { name: "GET requests", method: "GET", path: () => fc.constant("/emulator/requests") },
  { name: "POST reset", method: "POST", path: () => fc.constant("/emulator/reset") },
];

/** A request body: shaped like the schema, shaped and then broken, any JSON, or not JSON at all. */
function bodies(route: Route, world: World): fc.Arbitrary<string> {
  const shaped = route.body ? route.body(world) : fc.constant(undefined);
  return fc.oneof(
    { weight: 4, arbitrary: shaped.map((v) => (v === undefined ? "" : JSON.stringify(v))) },
    { weight: 4, arbitrary: mutated(shaped).map((v) => JSON.stringify(v) ?? "") },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  );
}

/** Only 2xx, or an error in the service's shape; 501 only where callsim says it does not emulate yet. */
function checkAnswer(route: Route, status: number, body: string | undefined): void {
  if (status >= 200 && status < 300) return;
  const where = `${route.name} answered ${status}: ${body}`;
  const parsed = JSON.parse(body ?? "null");
  expect(Object.keys(parsed ?? {}), where).toEqual(["error"]);
  expect(typeof parsed.error.code, where).toBe("string");
  expect(parsed.error.message, where).toMatch(/\w/);
  const deliberate = status === 501 && parsed.error.code === "NotImplemented";
  expect((status >= 400 && status < 500) || deliberate, where).toBe(true);
}

describe("fuzzed requests", () => {
  let total = 0;
  const started = performance.now();
  console.log(`fuzz: seed ${SEED} (replay with CALLSIM_FUZZ_SEED=${SEED}), ${RUNS_PER_ROUTE} requests per route`);
  const statuses = new Map<string, number>();
  afterAll(() => {
    const answered = [...statuses].sort().map(([kind, n]) => `${kind} ${n}`).join(", ");
    console.log(`fuzz: ${total} requests (${answered}) in ${Math.round(performance.now() - started)} ms, seed ${SEED}`);
  });

  test.each([...serviceRoutes(), ...CONTROL_ROUTES].map((r) => [r.name, r] as const))("%s answers only 2xx or 4xx in the error shape", async (_name, route) => {
    let world = await createWorld(SEED);
    let age = 0;
    try {
      // Each run draws its request from the world alive at the time, so ids resolve.
      await fc.assert(
        fc.asyncProperty(fc.nat(), fc.nat(), async (pathSeed, bodySeed) => {
          if (age++ >= WORLD_LIFETIME) {
            await world.emulator.close();
            world = await createWorld(SEED + total);
            age = 1;
          }
          const [url] = fc.sample(route.path(world), { seed: pathSeed, numRuns: 1 });
          const [rawBody] = fc.sample(bodies(route, world), { seed: bodySeed, numRuns: 1 });
          total++;
          const response = await world.emulator.handle({ method: route.method, url, headers: { host: "callsim.test", "content-type": "application/json" }, rawBody, protocol: "https" });
          const kind = response.status === 501 ? "501 not emulated yet" : `${String(response.status)[0]}xx`;
          statuses.set(kind, (statuses.get(kind) ?? 0) + 1);
          checkAnswer(route, response.status, response.body === undefined ? undefined : String(response.body));
          await world.emulator.settle();
          world.emulator.assertSelfCheck();
        }),
        { seed: SEED, numRuns: RUNS_PER_ROUTE },
      );
    } finally {
      await world.emulator.close();
    }
  });
});
