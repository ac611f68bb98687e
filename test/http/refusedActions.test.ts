import { CallAutomationClient } from "@azure/communication-call-automation";
import { RestError } from "@azure/core-rest-pipeline";
import { afterEach, describe, expect, test } from "vitest";
import type { Emulator } from "../../emulator/emulator.js";
import type { Engine } from "../../emulator/engine/engine.js";
import { createServiceRoutes } from "../../emulator/http/routes.js";
import { emulatorAnswering } from "../support/answeringEmulator.js";

// Answers an app gets when callsim refuses or fails an action rather than performing it: a full
// callback backlog, a failure planted with the control plane, a failure of callsim itself.
const USER = { communicationUserId: "8:acs:r_u1" };
const emulators: Emulator[] = [];
afterEach(async () => {
  for (const emulator of emulators.splice(0)) await emulator.close();
});

/** An emulator whose app answers every callback 503, and an SDK client that does not retry (each answer is read as sent). */
function unreachableApp(maxBacklog: number) {
  const { emulator } = emulatorAnswering({ maxBacklog, maxAttempts: 100, baseDelayMs: 1_000, maxDelayMs: 1_000 }, () => 503);
  emulators.push(emulator);
  const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient(), retryOptions: { maxRetries: 0 } });
  return { emulator, client };
}

async function refusal(action: Promise<unknown>): Promise<RestError> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RestError);
  return error as RestError;
}

describe("a full callback backlog", () => {
  test("refuses actions with 429 and what to do, while reads still answer", async () => {
    const { emulator, client } = unreachableApp(2);
    const { callConnectionProperties } = await client.createCall({ targetParticipant: USER }, "https://app.test/cb");
    emulator.advance(20); // the callee answers: two events, neither deliverable
    expect(emulator.deliveryStats().pending).toBe(2);

    const refused = await refusal(client.createCall({ targetParticipant: USER }, "https://app.test/cb"));
    expect(refused.statusCode).toBe(429);
    expect(refused.response?.headers.get("retry-after")).toBe("1");
    expect(refused.message).toMatch(/callback backlog is full: 2 events wait for delivery.*retry after 1 s/);

    // A GET changes nothing and adds no event: the app can still look at its calls.
    const call = client.getCallConnection(callConnectionProperties.callConnectionId!);
    expect((await call.getCallConnectionProperties()).callConnectionState).toBe("connected");
    expect((await call.listParticipants()).values).toHaveLength(2);
  });

  test("does not refuse while there is room", async () => {
    const { client } = unreachableApp(3);
    await client.createCall({ targetParticipant: USER }, "https://app.test/cb");
    await expect(client.createCall({ targetParticipant: USER }, "https://app.test/cb")).resolves.toMatchObject({ callConnectionProperties: { callConnectionState: "connecting" } });
  });
});

describe("a planted failure", () => {
  test("answers with the status and code it was planted with", async () => {
    const { emulator, client } = unreachableApp(100);
    const planted = await emulator.handle({
      method: "POST",
      url: "/emulator/faults",
      headers: { host: "callsim.test" },
      rawBody: JSON.stringify({ action: "createCall", status: 409, code: "CallLimitReached", message: "Too many calls.", times: 1 }),
      protocol: "http",
    });
    expect(planted.status).toBe(201);
    const refused = await refusal(client.createCall({ targetParticipant: USER }, "https://app.test/cb"));
    expect(refused.statusCode).toBe(409);
    expect(refused.code).toBe("CallLimitReached");
    expect(refused.message).toContain("Too many calls.");
  });
});

describe("a failure of callsim itself", () => {
  // An engine that breaks where no error is expected: the route table must still answer, 500,
  // saying it is callsim's fault, with the cause, in each service's error shape.
  const broken = {
    outbox: { isSaturated: () => false },
    getCall: () => {
      throw new Error("the call store is unreadable");
    },
    identities: {
      create: () => {
        throw new TypeError("identities is not iterable");
      },
    },
  } as unknown as Engine;
  const serve = createServiceRoutes({ engine: broken, accessKey: "", loose: true, strict: false, now: () => 0, participantsPageSize: 100 });
  const request = (method: string, url: string, rawBody = "") => serve({ method, url, headers: { host: "callsim.test" }, rawBody, protocol: "http" })!;

  test.each([
    ["Call Automation", "GET", "/calling/callConnections/abc?api-version=2026-03-12", "the call store is unreadable"],
    ["Identity", "POST", "/identities?api-version=2023-10-01", "identities is not iterable"],
  ])("%s answers 500 InternalServerError naming the cause and asking for a report", (_service, method, url, cause) => {
    const response = request(method, url, method === "POST" ? "{}" : "");
    expect(response.status).toBe(500);
    const { error } = JSON.parse(String(response.body));
    expect(error.code).toBe("InternalServerError");
    expect(error.message).toContain(`callsim failed unexpectedly: ${cause}.`);
    expect(error.message).toMatch(/callsim bug; please report it with the request/);
  });
});
