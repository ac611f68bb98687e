import { describe, expect, test } from "vitest";
import type { CallbackReply, CallbackRequest } from "../../emulator/delivery/inProcessSink.js";
import { createEmulator } from "../../emulator/emulator.js";
import { InvalidArgumentError } from "../../emulator/engine/errors.js";
import { emulatorAnswering } from "../support/answeringEmulator.js";

// Issue 16: how callbacks are retried, held in order and given up, as an app sees it.

const target = (n: number) => ({ communicationUserId: `8:acs:16161616-1616-1616-1616-161616161616_${String(n).padStart(8, "0")}-0000-0000-0000-000000000000` });


describe("callback retries", () => {
  test("an event the app always fails is tried exactly maxAttempts times, doubling the wait, then dead-lettered", async () => {
    const { emulator, client } = emulatorAnswering({ maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 10_000 }, () => 500, 16);
    const { callConnectionProperties } = await client.createCall({ targetParticipant: target(1) }, "https://app.test/cb");
    await emulator.settle();
    const [connected] = emulator.events({ callConnectionId: callConnectionProperties.callConnectionId, type: "CallConnected" });
    expect(connected.state).toBe("deadLettered");
    expect(connected.attempts.map((a) => a.status)).toEqual([500, 500, 500]);
    expect(connected.attempts[1].at - connected.attempts[0].at).toBe(100);
    expect(connected.attempts[2].at - connected.attempts[1].at).toBe(200);
    await emulator.close();
  });
});

const WEBHOOK = "https://app.test/eventgrid";
const CALLSIM = "https://callsim.communication.azure.com";
const CALLER = "4:+14255550123";
const APP_NUMBER = "4:+18005550100";

/** An emulator on the virtual clock whose Event Grid webhook answers with `reply`, each request kept. */
function webhookAnswering(reply: (request: CallbackRequest, attempt: number) => CallbackReply | Error) {
  const emulator = createEmulator({ selfCheck: true, seed: 16, clock: "virtual" });
  const requests: CallbackRequest[] = [];
  emulator.onCallback(WEBHOOK, (request) => {
    requests.push(request);
    const answer = reply(request, requests.length);
    if (answer instanceof Error) throw answer;
    return answer;
  });
  const control = async (method: string, url: string, body?: unknown) => {
    const response = await emulator.handle({ method, url, headers: { host: "callsim.test", "content-type": "application/json" }, rawBody: body === undefined ? "" : JSON.stringify(body), protocol: "http" });
    return { status: response.status, body: response.body ? JSON.parse(String(response.body)) : undefined };
  };
  const subscription = () => emulator.engine.eventGrid.list()[0];
  /** When each validation request arrived, in ms after the first. */
  const validationTimes = () => {
    const times = requests.filter((r) => r.headers["aeg-event-type"] === "SubscriptionValidation").map((r) => Date.parse(r.events[0].eventTime));
    return times.map((t) => t - times[0]);
  };
  return { emulator, requests, control, subscription, validationTimes };
}

/** The webhook's answer that passes the handshake. */
const echo = (request: CallbackRequest): CallbackReply => ({ status: 200, body: { validationResponse: request.events[0].data.validationCode } });

describe("Event Grid subscription validation handshake", () => {
  test("posts one SubscriptionValidationEvent with the code and a validationUrl, and turns active when the code is echoed", async () => {
    const { emulator, requests } = webhookAnswering((request) => echo(request));
    const subscription = await emulator.subscribe(WEBHOOK);
    expect(subscription.state).toBe("active");
    expect(subscription.lastError).toBeUndefined();
    expect(requests).toHaveLength(1);
    const [{ headers, events }] = requests;
    expect(headers).toEqual({ "content-type": "application/json", "aeg-event-type": "SubscriptionValidation", "aeg-subscription-name": subscription.id.toUpperCase() });
    expect(subscription.validationCode).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(events).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        topic: emulator.engine.eventGrid.topic,
        subject: "",
        data: { validationCode: subscription.validationCode, validationUrl: `${CALLSIM}/emulator/subscriptions/${subscription.id}:validate?code=${subscription.validationCode}` },
        eventType: "Microsoft.EventGrid.SubscriptionValidationEvent",
        eventTime: "2026-01-01T09:00:00.0000000+00:00",
        metadataVersion: "1",
        dataVersion: "2",
      },
    ]);
    await emulator.settle();
    expect(requests).toHaveLength(1);
  });

  test.each([
    [299, "active"],
    [300, "failed"],
    [199, "failed"],
  ])("an echo with status %i leaves the subscription %s", async (status, state) => {
    const { emulator } = webhookAnswering((request) => ({ ...(echo(request) as object), status }));
    const subscription = await emulator.subscribe(WEBHOOK);
    expect(subscription.state).toBe(state);
    if (state === "failed") expect(subscription.lastError).toBe(`The endpoint answered ${status} to the validation event; it must answer 200 with {"validationResponse": "<validationCode>"}.`);
  });

  test("a wrong code echoed fails the subscription, saying which code was expected", async () => {
    const { emulator } = webhookAnswering(() => ({ status: 200, body: { validationResponse: "NOT-THE-CODE" } }));
    const subscription = await emulator.subscribe(WEBHOOK);
    expect(subscription).toMatchObject({ state: "failed", lastError: `The endpoint echoed "NOT-THE-CODE", not the validationCode "${subscription.validationCode}".` });
  });

  test.each([
    ["no body", undefined],
    ["a body that is not JSON", "validated"],
    ["a validationResponse that is not a string", { validationResponse: 42 }],
  ])("a 200 with %s awaits the validationUrl; a wrong code there is refused, the right one activates", async (_, body) => {
    const { emulator, requests, control, subscription } = webhookAnswering(() => ({ status: 200, body }));
    const pending = await emulator.subscribe(WEBHOOK);
    expect(pending).toMatchObject({ state: "awaitingValidation" });
    expect(pending.lastError).toBeUndefined();
    await emulator.settle();
    expect(requests).toHaveLength(1);
    const url = new URL(requests[0].events[0].data.validationUrl);
    const wrong = await control("GET", `${url.pathname}?code=WRONG`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ target: "code", message: expect.stringMatching(/^The validation code does not match this subscription's validationCode/) });
    expect(subscription().state).toBe("awaitingValidation");
    const unknown = await control("GET", `/emulator/subscriptions/00000000-0000-0000-0000-000000000000:validate${url.search}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ target: "subscriptionId", message: expect.stringMatching(/^Subscription 00000000-0000-0000-0000-000000000000 was not found\./) });
    const validated = await control("GET", `${url.pathname}${url.search}`);
    expect(validated).toMatchObject({ status: 200, body: { state: "active" } });
    expect(subscription()).toMatchObject({ state: "active" });
  });

  test("an endpoint answering 408, 429 or 5xx is asked again after 1 s, doubling up to 30 s, and turns active once it echoes", async () => {
    const statuses = [408, 429, 500, 503, 599, 502, 504];
    const { emulator, validationTimes, subscription } = webhookAnswering((request, attempt) => (attempt <= statuses.length ? { status: statuses[attempt - 1] } : echo(request)));
    const first = await emulator.subscribe(WEBHOOK);
    expect(first).toMatchObject({ state: "awaitingValidation", lastError: "The endpoint answered 408 to the validation event. Retrying in 1000 ms." });
    await emulator.settle();
    expect(validationTimes()).toEqual([0, 1_000, 3_000, 7_000, 15_000, 31_000, 61_000, 91_000]);
    expect(subscription()).toMatchObject({ state: "active" });
    expect(subscription().lastError).toBeUndefined();
  });

  test("the wait between handshakes stops doubling at 30 s", async () => {
    // Six failures, then a 200 without the code: the subscription awaits its validationUrl with the last retry's note.
    const { emulator, validationTimes, subscription } = webhookAnswering((request, attempt) => (attempt <= 6 ? { status: 500 } : { status: 200 }));
    await emulator.subscribe(WEBHOOK);
    await emulator.settle();
    expect(validationTimes()).toEqual([0, 1_000, 3_000, 7_000, 15_000, 31_000, 61_000]);
    expect(subscription()).toMatchObject({ state: "awaitingValidation", lastError: "The endpoint answered 500 to the validation event. Retrying in 30000 ms." });
  });

  test("an endpoint that cannot be reached is asked again for 10 minutes, then the subscription fails", async () => {
    const { emulator, validationTimes, subscription } = webhookAnswering(() => new Error("connect ECONNREFUSED"));
    const first = await emulator.subscribe(WEBHOOK);
    expect(first.lastError).toBe("The endpoint could not be reached for validation: connect ECONNREFUSED. Retrying in 1000 ms.");
    await emulator.settle();
    const times = validationTimes();
    // 1, 2, 4, 8, 16 s, then every 30 s while the next attempt falls within 10 minutes.
    expect(times.slice(0, 7)).toEqual([0, 1_000, 3_000, 7_000, 15_000, 31_000, 61_000]);
    expect(times.at(-1)).toBe(571_000);
    expect(times).toHaveLength(7 + 17);
    expect(subscription()).toMatchObject({
      state: "failed",
      lastError: "The endpoint could not be reached for validation: connect ECONNREFUSED. Gave up after 10 minutes of retries.",
    });
  });

  test("a 4xx to the handshake fails the subscription without another attempt", async () => {
    const { emulator, requests } = webhookAnswering(() => ({ status: 404 }));
    expect((await emulator.subscribe(WEBHOOK)).state).toBe("failed");
    await emulator.settle();
    expect(requests).toHaveLength(1);
  });

  test("validating by the validationUrl while retries are due stops them", async () => {
    const { emulator, requests, control } = webhookAnswering(() => ({ status: 503 }));
    await emulator.subscribe(WEBHOOK);
    const url = new URL(requests[0].events[0].data.validationUrl);
    expect((await control("GET", `${url.pathname}${url.search}`)).body.state).toBe("active");
    await emulator.settle();
    expect(requests).toHaveLength(1);
  });

  test("a reset stops the retries of a subscription awaiting validation", async () => {
    const { emulator, requests, control } = webhookAnswering(() => ({ status: 503 }));
    await emulator.subscribe(WEBHOOK);
    expect((await control("POST", "/emulator/reset")).status).toBeLessThan(300);
    await emulator.settle();
    expect(requests).toHaveLength(1);
    expect(emulator.engine.eventGrid.list()).toEqual([]);
  });
});

describe("Event Grid notifications", () => {
  test("an active subscription gets IncomingCall in the Event Grid schema with Event Grid's headers", async () => {
    const { emulator, requests } = webhookAnswering((request) => echo(request));
    const subscription = await emulator.subscribe(WEBHOOK, ["microsoft.communication.IncomingCall"]);
    expect(subscription.eventTypes).toEqual(["IncomingCall"]);
    emulator.advance(1_000);
    const { serverCallId } = emulator.placeIncomingCall({ from: CALLER, to: APP_NUMBER });
    await emulator.settle();
    const notifications = requests.filter((r) => r.headers["aeg-event-type"] === "Notification");
    expect(notifications).toHaveLength(1);
    const [{ headers, events }] = notifications;
    expect(headers).toEqual({
      "content-type": "application/json",
      "aeg-event-type": "Notification",
      "aeg-subscription-name": subscription.id.toUpperCase(),
      "aeg-data-version": "1.0",
      "aeg-metadata-version": "1",
    });
    expect(events[0]).toMatchObject({
      topic: emulator.engine.eventGrid.topic,
      subject: `/caller/${CALLER}/recipient/${APP_NUMBER}`,
      eventType: "Microsoft.Communication.IncomingCall",
      dataVersion: "1.0",
      metadataVersion: "1",
      eventTime: "2026-01-01T09:00:01.0000000+00:00",
      data: { serverCallId },
    });
    expect(events[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    const [record] = emulator.events({ type: "IncomingCall" });
    expect(record).toMatchObject({ id: events[0].id, channel: "eventGrid", destination: WEBHOOK, serverCallId, state: "delivered" });
  });

  test("only active subscriptions whose filter takes the event get it; publish counts them", async () => {
    const emulator = createEmulator({ selfCheck: true, seed: 16, clock: "virtual" });
    const got = new Map<string, string[]>();
    emulator.onCallback("https://app.test/", (request) => {
      const path = new URL(request.url).pathname;
      if (request.headers["aeg-event-type"] === "SubscriptionValidation") return path === "/refusing" ? { status: 403 } : path === "/later" ? { status: 200 } : echo(request);
      got.set(path, [...(got.get(path) ?? []), request.events[0].eventType]);
    });
    await emulator.subscribe("https://app.test/all");
    await emulator.subscribe("https://app.test/started", ["CallStarted"]);
    await emulator.subscribe("https://app.test/incoming", [], { includedEventTypes: ["IncomingCall"], subjectEndsWith: APP_NUMBER });
    expect((await emulator.subscribe("https://app.test/refusing")).state).toBe("failed");
    expect((await emulator.subscribe("https://app.test/later")).state).toBe("awaitingValidation");
    const eventGrid = emulator.engine.eventGrid;
    expect(eventGrid.publish("IncomingCall", `/caller/${CALLER}/recipient/${APP_NUMBER}`, {})).toBe(2);
    expect(eventGrid.publish("IncomingCall", `/caller/${CALLER}/recipient/4:+18005550199`, {})).toBe(1);
    expect(eventGrid.publish("CallStarted", "/x", {})).toBe(2);
    await emulator.settle();
    expect(Object.fromEntries(got)).toEqual({
      "/all": ["Microsoft.Communication.IncomingCall", "Microsoft.Communication.IncomingCall", "Microsoft.Communication.CallStarted"],
      "/incoming": ["Microsoft.Communication.IncomingCall"],
      "/started": ["Microsoft.Communication.CallStarted"],
    });
  });

  test("a subscription already taken as validated gets its event types at once", async () => {
    const emulator = createEmulator({ selfCheck: true, seed: 16, clock: "virtual" });
    const got: string[] = [];
    emulator.onCallback(WEBHOOK, (request) => void got.push(request.events[0].eventType));
    const subscription = emulator.engine.eventGrid.subscribeValidated(WEBHOOK, ["CallStarted"]);
    expect(subscription).toMatchObject({ endpoint: WEBHOOK, state: "active", eventTypes: ["CallStarted"], filter: { includedEventTypes: ["CallStarted"] } });
    expect(emulator.engine.eventGrid.publish("IncomingCall", "/x", {})).toBe(0);
    expect(emulator.engine.eventGrid.publish("CallStarted", "/x", {})).toBe(1);
    await emulator.settle();
    expect(got).toEqual(["Microsoft.Communication.CallStarted"]);
    expect(emulator.engine.eventGrid.subscribeValidated("https://app.test/any").filter).toEqual({ includedEventTypes: [] });
  });
});

describe("Event Grid subscription input", () => {
  const emulator = createEmulator({ selfCheck: true, seed: 16, clock: "virtual" });
  emulator.onCallback(WEBHOOK, (request) => (request.headers["aeg-event-type"] === "SubscriptionValidation" ? echo(request) : undefined));
  /** The field a refused subscription names, and its message. */
  const refusal = (eventTypes: string[], filter?: unknown, entra?: Record<string, unknown>) =>
    emulator.engine.eventGrid.subscribe({ endpoint: WEBHOOK, eventTypes, filter, ...entra }, CALLSIM).then(
      () => undefined,
      (error: InvalidArgumentError) => ({ target: error.target, message: error.message }),
    );

  test("event types name the events callsim publishes, any case, with or without the prefix, and join the filter's", async () => {
    const subscription = await emulator.subscribe(WEBHOOK, ["Microsoft.Communication.RecordingFileStatusUpdated", "callstarted"], { includedEventTypes: ["Microsoft.Communication.IncomingCall"] });
    expect(subscription.eventTypes).toEqual(["RecordingFileStatusUpdated", "callstarted"]);
    expect(subscription.filter.includedEventTypes).toEqual(["Microsoft.Communication.IncomingCall", "RecordingFileStatusUpdated", "callstarted"]);
    expect(await refusal(["CallConnected"])).toEqual({ target: "eventTypes", message: "eventTypes may name IncomingCall, CallStarted, RecordingFileStatusUpdated; got CallConnected." });
    expect(await refusal([], { includedEventTypes: ["Microsoft.Communication.CallEnded"] })).toEqual({
      target: "filter.includedEventTypes",
      message: "filter.includedEventTypes may name IncomingCall, CallStarted, RecordingFileStatusUpdated; got Microsoft.Communication.CallEnded.",
    });
    expect(await refusal(["Other.IncomingCall"])).toMatchObject({ target: "eventTypes" });
  });

  test("a subscription secured with Entra names its tenant and application, and the token version only when given", async () => {
    const tenant = "72F988BF-86F1-41AF-91AB-2D7CD011DB47";
    const secured = await emulator.subscribe(WEBHOOK, [], undefined, { azureActiveDirectoryTenantId: tenant, azureActiveDirectoryApplicationIdOrUri: "api://webhook" });
    const v2 = await emulator.subscribe(WEBHOOK, [], undefined, { azureActiveDirectoryTenantId: "Contoso.OnMicrosoft.com", azureActiveDirectoryApplicationIdOrUri: "app", accessTokenAcceptedVersion: 2 });
    const plain = await emulator.subscribe(WEBHOOK);
    const eventGrid = emulator.engine.eventGrid;
    expect(eventGrid.entraAuthOf(secured.id.toUpperCase())).toEqual({ azureActiveDirectoryTenantId: tenant, azureActiveDirectoryApplicationIdOrUri: "api://webhook" });
    expect(eventGrid.entraAuthOf(v2.id.toUpperCase())).toEqual({ azureActiveDirectoryTenantId: "Contoso.OnMicrosoft.com", azureActiveDirectoryApplicationIdOrUri: "app", accessTokenAcceptedVersion: 2 });
    expect(eventGrid.entraAuthOf(plain.id.toUpperCase())).toBeUndefined();
    expect(eventGrid.entraAuthOf("no-such-subscription")).toBeUndefined();
    expect(await refusal([], undefined, { azureActiveDirectoryTenantId: tenant, azureActiveDirectoryApplicationIdOrUri: "app", accessTokenAcceptedVersion: 1 })).toBeUndefined();
  });

  test.each([
    [{ accessTokenAcceptedVersion: 2 }, "accessTokenAcceptedVersion", /^accessTokenAcceptedVersion applies to a webhook secured with Entra/],
    [{ azureActiveDirectoryApplicationIdOrUri: "app" }, "azureActiveDirectoryTenantId", /^azureActiveDirectoryTenantId must be the Entra tenant's id \(a GUID\) or domain, .*; got undefined\.$/],
    [{ azureActiveDirectoryTenantId: 7, azureActiveDirectoryApplicationIdOrUri: "app" }, "azureActiveDirectoryTenantId", /got 7\.$/],
    [{ azureActiveDirectoryTenantId: "contoso", azureActiveDirectoryApplicationIdOrUri: "app" }, "azureActiveDirectoryTenantId", /got "contoso"\.$/],
    [{ azureActiveDirectoryTenantId: "my contoso.com", azureActiveDirectoryApplicationIdOrUri: "app" }, "azureActiveDirectoryTenantId", /got "my contoso.com"/],
    [{ azureActiveDirectoryTenantId: "contoso.com/x", azureActiveDirectoryApplicationIdOrUri: "app" }, "azureActiveDirectoryTenantId", /got "contoso.com\/x"/],
    [{ azureActiveDirectoryTenantId: "x72f988bf-86f1-41af-91ab-2d7cd011db47", azureActiveDirectoryApplicationIdOrUri: "app" }, "azureActiveDirectoryTenantId", /got/],
    [{ azureActiveDirectoryTenantId: "contoso.com" }, "azureActiveDirectoryApplicationIdOrUri", /^azureActiveDirectoryApplicationIdOrUri must be the webhook's Entra application id .*; got undefined\.$/],
    [{ azureActiveDirectoryTenantId: "contoso.com", azureActiveDirectoryApplicationIdOrUri: "  " }, "azureActiveDirectoryApplicationIdOrUri", /got "  "\.$/],
    [{ azureActiveDirectoryTenantId: "contoso.com", azureActiveDirectoryApplicationIdOrUri: 5 }, "azureActiveDirectoryApplicationIdOrUri", /got 5\.$/],
    [{ azureActiveDirectoryTenantId: "contoso.com", azureActiveDirectoryApplicationIdOrUri: "app", accessTokenAcceptedVersion: 3 }, "accessTokenAcceptedVersion", /^accessTokenAcceptedVersion must be 1 or 2, .*; got 3\.$/],
    [{ azureActiveDirectoryTenantId: "contoso.com", azureActiveDirectoryApplicationIdOrUri: "app", accessTokenAcceptedVersion: "2" }, "accessTokenAcceptedVersion", /got "2"\.$/],
  ])("Entra settings %j are refused naming %s", async (entra, target, message) => {
    const refused = await refusal([], undefined, entra);
    expect(refused?.target).toBe(target);
    expect(refused?.message).toMatch(message);
  });
});

describe("Event Grid handshake answered after the subscription was validated", () => {
  /** A webhook that visits the validationUrl itself while the handshake is under way, then answers with `then`. */
  async function validatedWhileAnswering(then: () => CallbackReply | Error) {
    const { emulator, control, subscription } = webhookAnswering(() => ({ status: 200 }));
    emulator.onCallback("https://app.test/self", async (request) => {
      const url = new URL(request.events[0].data.validationUrl);
      expect((await control("GET", `${url.pathname}${url.search}`)).status).toBe(200);
      const answer = then();
      if (answer instanceof Error) throw answer;
      return answer;
    });
    await emulator.engine.eventGrid.subscribe({ endpoint: "https://app.test/self" }, CALLSIM);
    await emulator.settle();
    return subscription();
  }

  test.each([
    ["a refusal", () => ({ status: 404 })],
    ["a wrong code", () => ({ status: 200, body: { validationResponse: "WRONG" } })],
    ["an error", () => new Error("connection reset")],
  ])("%s after the validationUrl was visited leaves the subscription active", async (_, then) => {
    const subscription = await validatedWhileAnswering(then);
    expect(subscription).toMatchObject({ state: "active" });
    expect(subscription.lastError).toBeUndefined();
  });

  test("event type names need the prefix spelt with its dots, and a subscription without types keeps an empty filter", async () => {
    const emulator = createEmulator({ selfCheck: true, seed: 16, clock: "virtual" });
    emulator.onCallback(WEBHOOK, (request) => echo(request));
    const subscribe = (eventTypes: string[], filter?: unknown) =>
      emulator.engine.eventGrid.subscribe({ endpoint: WEBHOOK, eventTypes, filter }, CALLSIM).then((s) => s.filter, (error: InvalidArgumentError) => error.target);
    expect(await subscribe(["MicrosoftXCommunicationXIncomingCall"])).toBe("eventTypes");
    expect(await subscribe([], { includedEventTypes: ["MicrosoftXCommunicationXIncomingCall"] })).toBe("filter.includedEventTypes");
    expect(await subscribe([])).toEqual({});
    expect(await subscribe([], { subjectBeginsWith: "/caller" })).toEqual({ subjectBeginsWith: "/caller" });
  });
});

test("the next handshake is a labelled timer on the virtual clock", async () => {
  const { emulator } = webhookAnswering(() => ({ status: 503 }));
  await emulator.subscribe(WEBHOOK);
  expect(emulator.pending()).toEqual([{ at: Date.parse("2026-01-01T09:00:01Z"), label: `validate ${WEBHOOK}` }]);
});
