import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { refusal } from "../support/calls.js";
import { startHarness, TRANSPORTS, type Harness } from "../support/harness.js";

// Issue 16: rules of the engine's core (call lifecycle, invitations, call endings, views) that
// mutation testing showed no test could break.
describe.each(TRANSPORTS)("engine core over %s", (transport) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ transport });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  const user = (n: number) => `8:acs:16161616-1616-1616-1616-161616161616_0000000${n}-0000-0000-0000-000000000000`;

  test("a connected call's properties name its callback URI and its connected state", async () => {
    const result = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallConnected", id);
    const properties = await result.callConnection.getCallConnectionProperties();
    expect(properties.callConnectionState).toBe("connected");
    // SDK 1.6 declares `callbackUrl` but passes the wire's `callbackUri` through as it came.
    expect((properties as { callbackUri?: string }).callbackUri).toBe(h.callbackUri);
  });

  async function connectedCall() {
    const result = await h.client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri);
    const id = result.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("CallConnected", id);
    return { id, connection: result.callConnection };
  }
  const refused = async (body: unknown) => {
    const response = await h.control("POST", "/emulator/faults", body);
    expect(response.status).toBe(400);
    // The service's shape: the text, then its DiagCode.
    return (response.body.error.message as string).split(" DiagCode: ")[0];
  };

  describe("a planted fault", () => {
    test("fails the action with 500 InternalServerError and a message naming the action, by default", async () => {
      const planted = await h.control("POST", "/emulator/faults", { action: "getCall" });
      expect(planted.status).toBe(201);
      expect(planted.body).toMatchObject({ action: "getCall", status: 500, code: "InternalServerError", subCode: 9999, async: false, remaining: 1 });
      expect(planted.body.message).toBe("Injected failure of getCall (POST /emulator/faults).");
    });

    test("fails the request it is planted for with its status and code", async () => {
      const { connection } = await connectedCall();
      // 400: the SDK does not retry it.
      await h.control("POST", "/emulator/faults", { action: "getCall", status: 400, code: "Planted" });
      const error = await refusal(connection.getCallConnectionProperties());
      expect(error).toMatchObject({ status: 400, code: "Planted" });
      expect(error.message).toContain("Injected failure of getCall");
    });

    test("an asynchronous one accepts the action and fails it by event, its code the status", async () => {
      const { id, connection } = await connectedCall();
      const planted = await h.control("POST", "/emulator/faults", { action: "addParticipant", async: true, status: 503 });
      expect(planted.body).toMatchObject({ code: "503", async: true });
      await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } });
      const failed = await h.waitForEvent("AddParticipantFailed", id);
      expect(failed.resultInformation).toMatchObject({ code: 503, subCode: 9999 });
    });

    test("takes the status, code, subCode, message and times it is given", async () => {
      const planted = await h.control("POST", "/emulator/faults", { action: "getCall", status: 429, code: "TooMany", subCode: 0, message: "Slow down.", times: 2 });
      expect(planted.body).toMatchObject({ status: 429, code: "TooMany", subCode: 0, message: "Slow down.", remaining: 2 });
    });

    test.each([
      ["status", 399, "status must be an integer from 400 to 699."],
      ["status", 700, "status must be an integer from 400 to 699."],
      ["status", 450.5, "status must be an integer from 400 to 699."],
      ["subCode", -1, "subCode must be an integer from 0 to 99999."],
      ["subCode", 100_000, "subCode must be an integer from 0 to 99999."],
      ["times", 0, "times must be an integer from 1 to 1000000."],
      ["times", 1_000_001, "times must be an integer from 1 to 1000000."],
      ["code", 500, "code must be a string."],
      ["message", false, "message must be a string."],
      ["async", "yes", "async must be true or false."],
    ])("refuses %s %j, saying what it takes", async (field, value, message) => {
      expect(await refused({ action: "getCall", [field]: value })).toBe(message);
      expect((await h.control("GET", "/emulator/faults")).body).toEqual([]);
    });

    test.each([
      ["status", 400],
      ["status", 699],
      ["subCode", 0],
      ["subCode", 99_999],
      ["times", 1],
      ["times", 1_000_000],
    ])("takes %s %j, a bound of its range", async (field, value) => {
      expect((await h.control("POST", "/emulator/faults", { action: "getCall", [field]: value })).status).toBe(201);
    });

    test("names the action first when the action is unknown", async () => {
      expect(await refused({ action: "dance", status: 1 })).toMatch(/^action must be one of createCall, /);
    });
  });

  describe("a party's settings", () => {
    const put = (settings: unknown) => h.control("PUT", `/emulator/parties/${encodeURIComponent(user(3))}`, settings);

    test("default to answering, with no delay and no input", async () => {
      const response = await put({});
      expect(response.body).toEqual({ rawId: user(3), behavior: "answer", input: [] });
    });

    test.each([
      [{ behavior: "dance" }, "behavior must be one of answer, decline, busy, noAnswer, unreachable, leftToApps."],
      [{ delayMs: -1 }, "delayMs must be a number of milliseconds, 0 or more."],
      [{ delayMs: "10" }, "delayMs must be a number of milliseconds, 0 or more."],
      [{ delayMs: null }, "delayMs must be a number of milliseconds, 0 or more."],
    ])("refuse %j, saying what they take", async (settings, message) => {
      const response = await put(settings);
      expect(response.status).toBe(400);
      expect(response.body.error.message.split(" DiagCode: ")[0]).toBe(message);
    });

    test("take a delay of 0 and a single input as a list of one", async () => {
      const response = await put({ behavior: "decline", delayMs: 0, input: { dtmf: "1" } });
      expect(response.body).toEqual({ rawId: user(3), behavior: "decline", delayMs: 0, input: [{ dtmf: "1" }] });
    });
  });
});
