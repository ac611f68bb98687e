import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createEmulator, type Emulator } from "../../emulator/emulator.js";
import { createControlRoutes } from "../../emulator/http/control.js";

// The control plane (/emulator/...) as a test drives it: plain requests through the emulator's
// route tables, the same table every transport serves.
let emulator: Emulator;
beforeEach(() => {
  emulator = createEmulator({ seed: 7, clock: "virtual", selfCheck: "throw" });
});
afterEach(async () => {
  await emulator.close();
});

async function control(method: string, path: string, rawBody = "", host: string | string[] | undefined = "127.0.0.1:4010") {
  const response = await emulator.handle({ method, url: path, headers: { host, "content-type": "application/json" }, rawBody, protocol: "http" });
  expect(response.status === 204 ? "json" : response.headers["content-type"]).toBe(response.status === 204 ? "json" : "application/json; charset=utf-8");
  if (response.status === 204) expect(response).toEqual({ status: 204, headers: {} });
  return { status: response.status, body: typeof response.body === "string" && response.body ? JSON.parse(response.body) : undefined };
}
const send = (method: string, path: string, body?: unknown) => control(method, path, body === undefined ? "" : JSON.stringify(body));

describe("the control plane's errors", () => {
  test("an unknown path is 404 pointing at the control plane table", async () => {
    expect(await send("GET", "/emulator/nothing-here")).toEqual({
      status: 404,
      body: { error: { code: "NotFound", message: "No control-plane operation at GET /emulator/nothing-here. See the README's control plane table." } },
    });
  });

  test("a method a path does not take is 405 listing the ones it takes", async () => {
    expect(await send("DELETE", "/emulator/subscriptions")).toEqual({
      status: 405,
      body: { error: { code: "MethodNotAllowed", message: "DELETE is not allowed on /emulator/subscriptions; it takes GET, POST." } },
    });
  });

  test("a body that is not JSON is 400 with the parser's complaint, and changes nothing", async () => {
    const answer = await control("PUT", "/emulator/parties/4%3A%2B14255550123", "{behavior: busy");
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("8523");
    expect(answer.body.error.message).toMatch(/^The request body is not valid JSON \(.+\)\. DiagCode: 400#8523\.@$/);
    expect((await send("GET", "/emulator/parties")).body).toEqual([]);
  });

  test("a body that is not an object is refused, listing the fields the operation takes", async () => {
    const answer = await send("PUT", "/emulator/parties/4%3A%2B14255550123", ["busy"]);
    expect(answer).toEqual({
      status: 400,
      body: { error: { code: "8523", target: "body", message: "The body of PUT /emulator/parties/4:+14255550123 must be a JSON object with behavior, delayMs, input. DiagCode: 400#8523.@" } },
    });
    const nothing = await send("PUT", "/emulator/parties/4%3A%2B14255550123", null);
    expect(nothing.body.error.message).toBe("The body of PUT /emulator/parties/4:+14255550123 must be a JSON object with behavior, delayMs, input. DiagCode: 400#8523.@");
    const reset = await send("POST", "/emulator/reset", "now");
    expect(reset.body.error.message).toBe("The body of POST /emulator/reset must be a JSON object. DiagCode: 400#8523.@");
  });

  test("an operation without a body says it takes none", async () => {
    const answer = await send("POST", "/emulator/reset", { everything: true });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe('POST /emulator/reset does not take "everything". It takes no body. DiagCode: 400#8523.@');
  });

  test("a body of null or a list is refused where the operation reads any object", async () => {
    for (const body of [null, [1], 5]) {
      const answer = await send("PUT", "/emulator/variants", body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toMatchObject({ target: "body", message: "The request body must be a JSON object. DiagCode: 400#8523.@" });
    }
  });

  test.each([
    ["a one-letter typo", "PUT", "/emulator/parties/4%3A%2B14255550123", { behavor: "busy" }, "behavior"],
    ["a longer word", "POST", "/emulator/faults", { action: "createCall", statusCode: 500 }, "status"],
    ["a shorter word", "POST", "/emulator/incoming-calls", { from: "4:+14255550123", to: "4:+18005550100", callerDisplay: "x" }, "callerDisplayName"],
    ["another case", "POST", "/emulator/faults", { action: "createCall", Times: 1 }, "times"],
    ["the closest of two near names", "POST", "/emulator/faults", { action: "createCall", cod: "x" }, "code"],
    ["the closer of two near names, listed first", "POST", "/emulator/faults", { action: "createCall", sCode: 1 }, "code"],
    ["a beginning of four letters", "POST", "/emulator/faults", { action: "createCall", subC: 1 }, "subCode"],
    ["two typos in a long name", "POST", "/emulator/incoming-calls", { from: "4:+14255550123", to: "4:+18005550100", calerDisplayNam: "x" }, "callerDisplayName"],
  ])("%s is answered with the field meant", async (_what, method, path, body, meant) => {
    const answer = await send(method, path, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain(`(did you mean "${meant}"?)`);
  });

  test.each([
    ["a word far from every field", { action: "createCall", colour: 1 }],
    ["a short prefix of a field", { action: "createCall", st: 1 }],
    ["a word that a field begins with but too short", { action: "createCall", sub: 1 }],
  ])("%s gets no suggestion", async (_what, body) => {
    const answer = await send("POST", "/emulator/faults", body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).not.toContain("did you mean");
    expect(answer.body.error.message).toContain("It takes action, status, code, subCode, message, async, times.");
  });
});

describe("the control plane's operations", () => {
  test("a reset answers 204 with no body and forgets the parties", async () => {
    expect((await send("PUT", "/emulator/parties/4%3A%2B14255550123", { behavior: "busy" })).status).toBe(200);
    expect(await send("POST", "/emulator/reset")).toEqual({ status: 204, body: undefined });
    expect((await send("GET", "/emulator/parties")).body).toEqual([]);
  });

  test("removing a phone number answers 204", async () => {
    expect((await send("PUT", "/emulator/phone-numbers/%2B18005550199")).status).toBe(200);
    expect(await send("DELETE", "/emulator/phone-numbers/%2B18005550199")).toEqual({ status: 204, body: undefined });
  });

  test("a subscription needs an http(s) endpoint and a list of event type names", async () => {
    const noEndpoint = await send("POST", "/emulator/subscriptions", { endpoint: "ftp://app.example/events" });
    expect(noEndpoint).toEqual({ status: 400, body: { error: { code: "8523", target: "endpoint", message: "endpoint is required: the http(s) URL of your Event Grid webhook. DiagCode: 400#8523.@" } } });
    for (const eventTypes of ["Microsoft.Communication.IncomingCall", [1]]) {
      const answer = await send("POST", "/emulator/subscriptions", { endpoint: "https://app.example/events", eventTypes });
      expect(answer.status).toBe(400);
      expect(answer.body.error.target).toBe("eventTypes");
      expect(answer.body.error.message).toBe('eventTypes must be an array of event type names, e.g. ["Microsoft.Communication.IncomingCall"]. DiagCode: 400#8523.@');
    }
    const mixed = await send("POST", "/emulator/subscriptions", { endpoint: "https://app.test/events", eventTypes: ["Microsoft.Communication.IncomingCall", 1] });
    expect(mixed.body.error.target).toBe("eventTypes");
    const hidden = await send("POST", "/emulator/subscriptions", { endpoint: "ftp://app.test/?next=https://app.test/events" });
    expect(hidden.body.error.target).toBe("endpoint");
    expect((await send("GET", "/emulator/subscriptions")).body).toEqual([]);
    emulator.onCallback("http://app.test/", () => undefined);
    expect((await send("POST", "/emulator/subscriptions", { endpoint: "http://app.test/events" })).status).toBe(201);
  });

  test("a body is optional where the operation reads any object", async () => {
    const before = (await send("GET", "/emulator/variants")).body;
    expect(await send("PUT", "/emulator/variants")).toMatchObject({ status: 200 });
    expect((await send("GET", "/emulator/variants")).body).toEqual(before);
  });

  test("an incoming call takes a display name and a custom context", async () => {
    const placed = await send("POST", "/emulator/incoming-calls", { from: "4:+14255550123", to: "4:+18005550100", callerDisplayName: "Ann", customContext: { sipHeaders: { "X-MS-Custom-a": "1" } } });
    expect(placed.status).toBe(201);
  });

  test("a subscription is created with 201, its validation URL on the host the request named", async () => {
    const received: any[] = [];
    emulator.onCallback("https://app.test/", (request) => {
      received.push(JSON.parse(String(request.body)));
      return { status: 200 };
    });
    const created = await control("POST", "/emulator/subscriptions", JSON.stringify({ endpoint: "https://app.test/events", eventTypes: ["Microsoft.Communication.IncomingCall"] }), ["callsim.test:4443", "other:1"]);
    expect(created.status).toBe(201);
    await emulator.settle();
    const validationUrl = new URL(received.flat()[0].data.validationUrl);
    expect(validationUrl.host).toBe("callsim.test:4443");
    const wrong = await send("GET", `${validationUrl.pathname}`);
    expect(wrong.status).toBe(400);
    const validated = await send("GET", `${validationUrl.pathname}${validationUrl.search}`);
    expect(validated.status).toBe(200);
  });

  test("the event log filters by call and by type, short or full name", async () => {
    const create = (target: string) =>
      emulator.handle({ method: "POST", url: "/calling/callConnections?api-version=2026-03-12", headers: { host: "127.0.0.1:4010" }, rawBody: JSON.stringify({ targets: [{ communicationUser: { id: target } }], callbackUri: "https://app.test/events" }), protocol: "http" });
    await emulator.close();
    emulator = createEmulator({ seed: 7, clock: "virtual", loose: true, selfCheck: "throw" });
    emulator.onCallback("https://app.test/", () => undefined);
    const first = JSON.parse(String((await create("8:acs:r_u1")).body)).callConnectionId as string;
    const second = JSON.parse(String((await create("8:acs:r_u2")).body)).callConnectionId as string;
    await emulator.settle();
    type Shown = { type: string; callConnectionId?: string };
    const all = (await send("GET", "/emulator/events")).body as Shown[];
    expect(new Set(all.map((event) => event.callConnectionId))).toEqual(new Set([first, second]));
    const byShort = (await send("GET", "/emulator/events?type=CallConnected")).body as Shown[];
    const byFull = (await send("GET", "/emulator/events?type=Microsoft.Communication.CallConnected")).body as Shown[];
    expect(byShort.map((event) => event.callConnectionId).sort()).toEqual([first, second].sort());
    expect(byFull).toEqual(byShort);
    expect(byShort.every((event) => event.type === "Microsoft.Communication.CallConnected")).toBe(true);
    const ofFirst = (await send("GET", `/emulator/events?callConnectionId=${first}`)).body as Shown[];
    expect(ofFirst.length).toBeGreaterThan(1);
    expect(ofFirst.every((event) => event.callConnectionId === first)).toBe(true);
    const both = (await send("GET", `/emulator/events?callConnectionId=${first}&type=CallConnected`)).body as Shown[];
    expect(both).toHaveLength(1);
    expect((await send("GET", "/emulator/events?type=Nothing")).body).toEqual([]);
  });

  test("every operation of the world answers at its path", async () => {
    const alice = "4:+14255550123";
    const bob = "4:+14255550124";
    expect((await send("PUT", `/emulator/parties/${encodeURIComponent(alice)}`, { behavior: "busy" })).status).toBe(200);
    expect((await send("GET", "/emulator/parties")).body).toEqual([expect.objectContaining({ rawId: alice, behavior: "busy" })]);
    expect((await send("PUT", "/emulator/phone-numbers/%2B18005550199")).status).toBe(200);
    expect((await send("GET", "/emulator/phone-numbers")).body).toContain("+18005550199");
    expect((await send("GET", "/emulator/subscriptions")).body).toEqual([]);
    const incoming = await send("POST", "/emulator/incoming-calls", { from: bob, to: "4:+18005550199" });
    expect(incoming.status).toBe(201);
    const started = await send("POST", "/emulator/calls", { participants: [alice, bob] });
    expect(started.status).toBe(201);
    const serverCallId = started.body.serverCallId as string;
    const calls = (await send("GET", "/emulator/calls")).body as { serverCallId: string }[];
    expect(calls.map((call) => call.serverCallId)).toEqual(expect.arrayContaining([serverCallId, incoming.body.serverCallId]));
    expect((await send("GET", "/emulator/rooms")).status).toBe(200);
    expect((await send("GET", "/emulator/identities")).body).toEqual([]);
    const keys = await send("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(alice)}:dtmf`, { tones: "12" });
    expect(keys.status).toBeLessThan(300);
    const speech = await send("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(alice)}:speak`, { text: "yes" });
    expect(speech.status).toBeLessThan(300);
    expect(await send("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent(bob)}:hangUp`)).toEqual({ status: 204, body: undefined });
    expect((await send("POST", `/emulator/calls/${encodeURIComponent(serverCallId)}/participants/${encodeURIComponent("nobody")}:hangUp`)).status).toBe(400);
    expect((await send("POST", "/emulator/faults", { action: "createCall", status: 500 })).status).toBe(201);
    expect((await send("GET", "/emulator/faults")).body).toEqual([expect.objectContaining({ action: "createCall", status: 500 })]);
    const variants = (await send("GET", "/emulator/variants")).body;
    expect(variants).toEqual(expect.any(Object));
    const name = Object.keys(variants)[0];
    expect((await send("PUT", "/emulator/variants", { [name]: variants[name] })).status).toBe(200);
    expect((await send("GET", "/emulator/info")).body.seed).toBe(7);
  });

  test("forgeries are planted with 201 and listed", async () => {
    expect((await send("GET", "/emulator/forgeries")).body).toEqual([]);
    const planted = await send("POST", "/emulator/forgeries", { kind: "badSignature" });
    expect(planted.status).toBe(201);
    expect((await send("GET", "/emulator/forgeries")).body).toEqual([expect.objectContaining({ kind: "badSignature" })]);
    await send("POST", "/emulator/reset");
    expect((await send("GET", "/emulator/forgeries")).body).toEqual([]);
  });

  test("a control operation reached without a Host header links to localhost", async () => {
    const received: any[] = [];
    emulator.onCallback("https://app.test/", (request) => void received.push(...request.events));
    await emulator.handle({ method: "POST", url: "/emulator/subscriptions", headers: {}, rawBody: JSON.stringify({ endpoint: "https://app.test/events" }), protocol: "http" });
    await emulator.settle();
    expect(new URL(received[0].data.validationUrl).host).toBe("localhost");
  });

  test("the request log lists the Call Automation requests and is empty after a reset", async () => {
    await emulator.handle({ method: "GET", url: "/calling/callConnections/none?api-version=2026-03-12", headers: { host: "127.0.0.1:4010" }, rawBody: "", protocol: "http" });
    expect((await send("GET", "/emulator/requests")).body).toHaveLength(1);
    await send("POST", "/emulator/reset");
    expect((await send("GET", "/emulator/requests")).body).toEqual([]);
  });
});

describe("a control plane without a callback signer", () => {
  const routes = () => createControlRoutes({ engine: emulator.engine, info: () => emulator.info() });
  const request = (method: string, url: string, rawBody = "") => routes()({ method, url, headers: {}, rawBody, protocol: "http" });

  test("resets without anything else to forget", async () => {
    expect((await request("POST", "/emulator/reset"))!.status).toBe(204);
  });

  test("lists no forgeries and no requests, and refuses to forge", async () => {
    expect((await request("GET", "/emulator/forgeries"))!.body).toBe("[]");
    expect((await request("GET", "/emulator/requests"))!.body).toBe("[]");
    const refused = await request("POST", "/emulator/forgeries", JSON.stringify({ kind: "badSignature" }));
    expect(refused!.status).toBe(404);
    expect(JSON.parse(String(refused!.body)).error.message).toBe("This emulator does not sign callbacks, so it cannot forge them.");
  });

  test("leaves paths outside /emulator/ to other tables, and serves info on localhost without a Host", async () => {
    expect(request("GET", "/calling/callConnections")).toBeUndefined();
    const info = await request("GET", "/emulator/info");
    expect(info!.status).toBe(200);
    expect(JSON.parse(String(info!.body)).seed).toBe(7);
  });
});
