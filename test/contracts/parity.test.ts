import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CallAutomationClient, type CreateCallOptions } from "@azure/communication-call-automation";
import { afterAll, describe, expect, test } from "vitest";
import generated from "../../contracts/generated/callAutomation.schema.json" with { type: "json" };
import { listCallbackEventTypes, listOperations, validateCallbackEvent, validateDefinition, validateResponseBody } from "../../contracts/validator.js";
import { createEmulator } from "../../emulator/emulator.js";
import { EVENT_GRID_TYPES } from "../../emulator/engine/eventGrid.js";
import { OPERATIONS } from "../../emulator/http/operations.js";
import { EXAMPLES_DIR, exampleFile, loadSpec } from "../support/spec.js";

const bundle = generated as unknown as { definitions: Record<string, any>; operations: Record<string, any>; events: Record<string, any> };
const served = new Set(OPERATIONS.map((o) => o.operationId));
const spec = loadSpec();

/** Every operation of the spec file with its example files. */
function specOperations(): Array<{ operationId: string; method: string; path: string; bodyName?: string; repeatable: boolean; examples: string[] }> {
  const out = [];
  for (const [path, methods] of Object.entries<any>(spec.paths)) {
    for (const [method, op] of Object.entries<any>(methods)) {
      const params = (op.parameters ?? []).map((p: any) => (p.$ref ? spec.parameters[p.$ref.split("/").pop()] : p));
      out.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        bodyName: params.find((p: any) => p.in === "body")?.name,
        repeatable: params.some((p: any) => p.in === "header" && p.name === "Repeatability-Request-ID"),
        examples: Object.values<any>(op["x-ms-examples"] ?? {}).map((e) => exampleFile(join(EXAMPLES_DIR, "..", e.$ref))),
      });
    }
  }
  return out;
}

// ---- Sending the spec's example requests to a real call --------------------------------

const APP_USER = "8:acs:b9614373-fd0b-480c-8fd2-cb58b70eab9f_00000000-0000-0000-0000-00000000a99";
type World = ReturnType<typeof createWorld>;

function createWorld() {
  const emulator = createEmulator({ clock: "virtual", seed: 5, loose: true, selfCheck: "throw" });
  emulator.onCallback(() => true, () => undefined);
  const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
  return {
    emulator,
    /** A connected group call with `members` answering, created with `options`; returns its callConnectionId. */
    async connectedCall(members: string[], options: CreateCallOptions = {}): Promise<string> {
      const { callConnectionProperties } = await client.createGroupCall(members.map((id) => ({ communicationUserId: id })), "https://app.test/cb", options);
      await emulator.settle();
      return callConnectionProperties.callConnectionId!;
    },
    /** A connected call set up for transcription, transcribing when `running`; returns its callConnectionId. */
    async transcribedCall(running: boolean): Promise<string> {
      const callConnectionId = await this.connectedCall([OTHER], { transcriptionOptions: { transportType: "websocket", transportUrl: "wss://app.test/transcripts", locale: "en-US" } });
      if (running) await client.getCallConnection(callConnectionId).getCallMedia().startTranscription();
      await emulator.settle();
      return callConnectionId;
    },
    /** A connected call set up for media streaming, streaming when `running`; returns its callConnectionId. */
    async streamedCall(running: boolean): Promise<string> {
      const callConnectionId = await this.connectedCall([OTHER], {
        mediaStreamingOptions: { transportType: "websocket", transportUrl: "wss://app.test/audio", audioChannelType: "mixed", contentType: "audio" },
      });
      if (running) await client.getCallConnection(callConnectionId).getCallMedia().startMediaStreaming();
      await emulator.settle();
      return callConnectionId;
    },
    /** A connected call with `rawId` in it, whose keys are recognized continuously; returns its callConnectionId. */
    async continuousDtmfCall(rawId: string): Promise<string> {
      const callConnectionId = await this.connectedCall([rawId, OTHER]);
      await client.getCallConnection(callConnectionId).getCallMedia().startContinuousDtmfRecognition({ communicationUserId: rawId });
      await emulator.settle();
      return callConnectionId;
    },
    /** An invitation still ringing in that call. */
    async ringing(callConnectionId: string, rawId: string): Promise<string> {
      emulator.setParty(rawId, { behavior: "noAnswer" });
      const { invitationId } = await client.getCallConnection(callConnectionId).addParticipant({ targetParticipant: { communicationUserId: rawId } });
      return invitationId!;
    },
    /** A recording of a connected call, started (paused when `paused`); returns its recordingId. */
    async recording(paused: boolean): Promise<string> {
      const callConnectionId = await this.connectedCall([OTHER]);
      const { recordingId } = await client.getCallRecording().start({ callConnectionId, pauseOnStart: paused });
      await emulator.settle();
      return recordingId;
    },
    incomingCallContext: () => emulator.placeIncomingCall({ from: "4:+14255550123", to: APP_USER }).incomingCallContext,
  };
}

const ids = (value: unknown): string[] => [...JSON.stringify(value).matchAll(/"id":"(8:acs:[^"]+)"/g)].map((m) => m[1]);
const OTHER = "8:acs:b9614373-fd0b-480c-8fd2-cb58b70eab9f_00000000-0000-0000-0000-0000000000b2";

/**
 * How each served operation's example is made to name things that exist: the same request,
 * with the example's made-up ids swapped for a real call's (the identities it names are kept).
 */
const ADAPT: Record<string, (world: World, params: Record<string, any>, body: any) => Promise<void>> = {
  async AnswerCall(world, _params, body) {
    body.incomingCallContext = world.incomingCallContext();
  },
  async RedirectCall(world, _params, body) {
    body.incomingCallContext = world.incomingCallContext();
  },
  async RejectCall(world, _params, body) {
    body.incomingCallContext = world.incomingCallContext();
  },
  async Connect(world, _params, body) {
    // A room call needs a room made through the Rooms API: the example's room id is swapped for its id.
    if (body.callLocator.roomId) body.callLocator.roomId = world.emulator.createRoom({ participants: { [OTHER]: { role: "Presenter" } } }).id;
    world.emulator.startCall({ participants: [OTHER], roomId: body.callLocator.roomId, groupCallId: body.callLocator.groupCallId });
  },
  async CallConnection_GetParticipant(world, params) {
    params.callConnectionId = await world.connectedCall([decodeURIComponent(params.participantRawId)]);
  },
  async CallConnection_TransferToParticipant(world, params, body) {
    params.callConnectionId = await world.connectedCall([...ids(body.transferee ?? {}), OTHER]);
  },
  async CallConnection_AddParticipant(world, params) {
    params.callConnectionId = await world.connectedCall([OTHER]);
  },
  async CallConnection_MoveParticipants(world, params, body) {
    // The participants to move are in another call, the one fromCall names.
    body.fromCall = await world.connectedCall([...ids(body.targetParticipants), OTHER]);
    params.callConnectionId = await world.connectedCall([OTHER]);
  },
  async CallRecording_GetRecordingProperties(world, params) {
    params.recordingId = await world.recording(false);
  },
  async CallRecording_StopRecording(world, params) {
    params.recordingId = await world.recording(false);
  },
  async CallRecording_PauseRecording(world, params) {
    params.recordingId = await world.recording(false);
  },
  async CallRecording_ResumeRecording(world, params) {
    params.recordingId = await world.recording(true);
  },
  async CallMedia_StartTranscription(world, params) {
    params.callConnectionId = await world.transcribedCall(false);
  },
  async CallMedia_StopTranscription(world, params) {
    params.callConnectionId = await world.transcribedCall(true);
  },
  async CallMedia_UpdateTranscription(world, params) {
    params.callConnectionId = await world.transcribedCall(true);
  },
  async CallMedia_StartMediaStreaming(world, params) {
    params.callConnectionId = await world.streamedCall(false);
  },
  async CallMedia_StopMediaStreaming(world, params) {
    params.callConnectionId = await world.streamedCall(true);
  },
  async CallMedia_StopContinuousDtmfRecognition(world, params, body) {
    params.callConnectionId = await world.continuousDtmfCall(body.targetParticipant.communicationUser.id);
  },
  async CallConnection_CancelAddParticipant(world, params, body) {
    params.callConnectionId = await world.connectedCall([OTHER]);
    body.invitationId = await world.ringing(params.callConnectionId, "8:acs:b9614373-fd0b-480c-8fd2-cb58b70eab9f_00000000-0000-0000-0000-0000000000c3");
  },
};

async function adapt(world: World, operationId: string, params: Record<string, any>, body: any): Promise<void> {
  if (ADAPT[operationId]) return ADAPT[operationId](world, params, body);
  // Anything else acts on a call: one with every identity the example names in it.
  if ("callConnectionId" in params) params.callConnectionId = await world.connectedCall([...new Set([...ids(body ?? {}), OTHER])]);
  // …or names the call in its body (recording): by connection id or by locator.
  if (typeof body?.callConnectionId === "string") body.callConnectionId = await world.connectedCall([OTHER]);
  if (body?.callLocator?.serverCallId) {
    const id = await world.connectedCall([OTHER]);
    body.callLocator.serverCallId = world.emulator.calls().find((c) => c.connections.some((x: any) => x.callConnectionId === id))!.serverCallId;
  }
}

interface ExampleOutcome {
  status: number;
  expected: number[];
  error?: string;
}

async function sendExample(operation: ReturnType<typeof specOperations>[number], file: string): Promise<ExampleOutcome> {
  const example = JSON.parse(readFileSync(file, "utf8"));
  const params = { ...example.parameters };
  const body = operation.bodyName ? structuredClone(params[operation.bodyName]) : undefined;
  const world = createWorld();
  try {
    await adapt(world, operation.operationId, params, body);
    const path = operation.path.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(params[name]));
    const response = await world.emulator.handle({
      method: operation.method,
      url: `${path}?api-version=${params["api-version"]}`,
      headers: { host: "callsim.test", "content-type": "application/json" },
      rawBody: body === undefined ? "" : JSON.stringify(body),
      protocol: "https",
    });
    await world.emulator.settle();
    world.emulator.assertSelfCheck();
    const expected = Object.keys(example.responses).map(Number);
    return { status: response.status, expected, error: expected.includes(response.status) ? undefined : String(response.body) };
  } finally {
    await world.emulator.close();
  }
}

// ---- The checks --------------------------------------------------------------------------

describe("parity with the official spec", () => {
  const operations = specOperations();
  const table: Array<{ operation: string; served: string; schema: string; example: string }> = [];
  afterAll(() => {
    const rows = table.sort((a, b) => a.operation.localeCompare(b.operation));
    const width = Math.max(...rows.map((r) => r.operation.length), 9);
    const line = (a: string, b: string, c: string, d: string) => `| ${a.padEnd(width)} | ${b.padEnd(6)} | ${c.padEnd(6)} | ${d.padEnd(16)} |`;
    console.log(
      [
        `Contract coverage (2026-03-12): ${rows.filter((r) => r.served === "yes").length} of ${rows.length} operations served`,
        line("operation", "served", "schema", "example accepted"),
        line("-".repeat(width), "------", "------", "----------------"),
        ...rows.map((r) => line(r.operation, r.served, r.schema, r.example)),
      ].join("\n"),
    );
  });

  test("contracts/ has every operation of the spec, with its parameters, its body and every response", () => {
    expect(listOperations().map((o) => o.operationId).sort()).toEqual(operations.map((o) => o.operationId).sort());
    for (const op of operations) {
      const ours = bundle.operations[op.operationId];
      expect(ours, op.operationId).toMatchObject({ method: op.method, path: op.path });
      expect(!!ours.body, `${op.operationId} body`).toBe(!!op.bodyName);
      const specPath = spec.paths[op.path][op.method.toLowerCase()];
      expect(Object.keys(ours.responses).sort(), `${op.operationId} responses`).toEqual(Object.keys(specPath.responses).sort());
      const specParams = (specPath.parameters ?? []).map((p: any) => (p.$ref ? spec.parameters[p.$ref.split("/").pop()] : p)).filter((p: any) => p.in !== "body");
      expect(ours.parameters.map((p: any) => `${p.in} ${p.name} ${p.required} ${p.format ?? ""}`), `${op.operationId} parameters`).toEqual(
        specParams.map((p: any) => `${p.in} ${p.name} ${!!p.required} ${p.format ?? ""}`),
      );
    }
  });

  test("every operation callsim serves is an operation of the spec", () => {
    expect([...served].filter((id) => !bundle.operations[id])).toEqual([]);
  });

  test("contracts/ has every model of the spec with its required fields and enum values", () => {
    const missing: string[] = [];
    for (const [name, model] of Object.entries<any>(spec.definitions)) {
      if (model.$ref && Object.keys(model).length === 1) continue; // an alias of a common model
      const ours = bundle.definitions[name];
      if (!ours) missing.push(`${name}: no schema`);
      else {
        if (JSON.stringify(ours.required ?? []) !== JSON.stringify(model.required ?? [])) missing.push(`${name}: required ${ours.required} ≠ ${model.required}`);
        if (JSON.stringify(ours.enum ?? []) !== JSON.stringify(model.enum ?? [])) missing.push(`${name}: enum ${ours.enum} ≠ ${model.enum}`);
        for (const [field, schema] of Object.entries<any>(model.properties ?? {})) {
          if (schema.enum && JSON.stringify(ours.properties?.[field]?.enum) !== JSON.stringify(schema.enum)) missing.push(`${name}.${field}: enum differs`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  test("the validators enforce every required field and every enum value of every model", () => {
    const unenforced: string[] = [];
    let checked = 0;
    for (const [name, model] of Object.entries<any>(bundle.definitions)) {
      if (model.type && model.type !== "object") continue;
      const found = validateDefinition(name, {}).map((v) => v.path);
      for (const field of model.required ?? []) if (!found.includes(field)) unenforced.push(`${name}.${field} (required)`);
      checked += (model.required ?? []).length;
      for (const [field, schema] of Object.entries<any>(model.properties ?? {})) {
        const enumOf = schema.enum ?? (schema.$ref ? bundle.definitions[schema.$ref.split("/").pop()]?.enum : undefined);
        if (!enumOf) continue;
        checked++;
        const wrong = validateDefinition(name, { [field]: "not-a-value-of-the-spec" }).find((v) => v.path === field);
        if (!wrong || !enumOf.every((value: string) => wrong.message.includes(value))) unenforced.push(`${name}.${field} (enum)`);
      }
    }
    expect(unenforced).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  test("contracts/ has every callback event model the SDK parses, and every event callsim emits", () => {
    const events = listCallbackEventTypes();
    for (const name of events) expect(spec.definitions[name], name).toBeDefined();
    // Every model shaped like a callback event (and not a REST body) is an event of contracts/.
    const restModels = new Set([...JSON.stringify(bundle.operations).matchAll(/#\/definitions\/(\w+)/g)].map((m) => m[1]));
    const eventShaped = Object.entries<any>(spec.definitions).filter(([name, d]) => d.properties?.callConnectionId && d.properties?.correlationId && !restModels.has(name)).map(([name]) => name);
    expect(eventShaped.length).toBeGreaterThan(30);
    expect(eventShaped.filter((name) => !events.includes(name))).toEqual([]);
    const emitted = [...readFileSync(join(import.meta.dirname, "..", "..", "emulator", "engine", "events.ts"), "utf8").matchAll(/^\s+\| "(\w+)"/gm)].map((m) => m[1]);
    expect(emitted.length).toBeGreaterThan(10);
    expect(emitted.filter((name) => !events.includes(name))).toEqual([]);
    expect(EVENT_GRID_TYPES.filter((type) => !(type in (generated as any).eventGridEvents))).toEqual([]);
    for (const name of events) {
      const required: string[] = bundle.definitions[name].required ?? [];
      const found = validateCallbackEvent({ id: "1", source: "s", type: `Microsoft.Communication.${name}`, specversion: "1.0", data: {} }).map((v) => v.path);
      expect(required.filter((field) => !found.includes(`data.${field}`)), name).toEqual([]);
    }
  });

  test.for(operations.flatMap((op) => op.examples.map((file) => [op.operationId, file.split("/").pop()!, op, file] as const)))(
    "%s: the example responses of %s validate against the response schemas",
    ([, , op, file]) => {
      const example = JSON.parse(readFileSync(file, "utf8"));
      for (const [status, response] of Object.entries<any>(example.responses)) {
        expect(validateResponseBody(op.operationId, Number(status), response.body, { requireResponseOnlyFields: false }), `${op.operationId} ${status}`).toEqual([]);
      }
    },
  );

  test.for(operations.map((op) => [op.operationId, op] as const))("%s: its example request is accepted when callsim serves it", async ([operationId, op], ctx) => {
    const row = { operation: operationId, served: served.has(operationId) ? "yes" : "no", schema: bundle.operations[operationId] ? "yes" : "no", example: "—" };
    table.push(row);
    // What cannot be checked is reported as skipped, not counted as passed.
    if (!served.has(operationId) || op.examples.length === 0) {
      row.example = op.examples.length === 0 ? "no example" : "—";
      ctx.skip(op.examples.length === 0 ? "the spec gives no example" : "callsim does not serve it");
    }
    const present = op.examples;
    row.example = "NO";
    const outcomes = [];
    for (const file of present) outcomes.push({ file, ...(await sendExample(op, file)) });
    row.example = outcomes.every((o) => !o.error) ? "yes" : "NO";
    expect(outcomes.filter((o) => o.error).map((o) => `${o.file.split("/").pop()}: ${o.status} (spec: ${o.expected}) ${o.error}`)).toEqual([]);
  });
});

// ---- What the spec declares of each request: Repeatability-* headers and a body -----------

describe("each operation takes the headers and body its spec declares", () => {
  // An empty emulator: every call connection and recording the examples name is unknown to it.
  const emulator = createEmulator({ clock: "virtual", seed: 5, loose: true, selfCheck: "throw" });
  afterAll(() => emulator.close());
  const firstSent = new Date().toUTCString();

  /** The operation's first example request, with `rawBody` and `headers` when given. */
  async function send(op: ReturnType<typeof specOperations>[number], change: { rawBody?: string; headers?: Record<string, string> } = {}) {
    const example = JSON.parse(readFileSync(op.examples[0], "utf8"));
    const path = op.path.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(example.parameters[name]));
    const response = await emulator.handle({
      method: op.method,
      url: `${path}?api-version=2026-03-12`,
      headers: { host: "callsim.test", "content-type": "application/json", ...change.headers },
      rawBody: change.rawBody ?? (op.bodyName ? JSON.stringify(example.parameters[op.bodyName]) : ""),
      protocol: "https",
    });
    return { status: response.status, headers: response.headers, body: response.body === undefined ? undefined : JSON.parse(String(response.body)) };
  }

  test.for(specOperations().map((op) => [op.operationId, op] as const))("%s", async ([, op]) => {
    const plain = await send(op);
    // The operation is served and reaches the engine: a call or recording it names that does not exist is the engine's 404.
    expect(plain.body?.error?.message ?? "", "served").not.toMatch(/^No Call Automation operation is served/);
    if (/\{(callConnectionId|recordingId)\}/.test(op.path)) {
      expect(plain.status).toBe(404);
      expect(plain.body.error.message).toMatch(/^(Call connection|Recording) \S+ was not found\./);
    }
    // Repeatability-* headers are read where the spec declares them (a malformed id is refused), and ignored elsewhere.
    const repeated = await send(op, { headers: { "repeatability-request-id": "not-a-uuid", "repeatability-first-sent": firstSent } });
    if (op.repeatable) expect(repeated).toMatchObject({ status: 400, body: { error: { target: "Repeatability-Request-ID" } } });
    else expect(repeated).toEqual(plain);
    // A body is parsed where the spec declares one (text that is not JSON is refused), and ignored elsewhere.
    const garbled = await send(op, { rawBody: "{nope" });
    if (op.bodyName) expect(garbled).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^The request body is not valid JSON/) } } });
    else expect(garbled).toEqual(plain);
  });
});
