import { CallAutomationClient } from "@azure/communication-call-automation";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import { afterAll, describe, expect, test } from "vitest";
import { API_VERSIONS } from "../../contracts/apiVersions.js";
import { createEmulator, DEFAULT_ACCESS_KEY } from "../../emulator/emulator.js";
import { signHmacRequest } from "../../emulator/http/auth.js";
import { IDENTITY_API_VERSIONS } from "../../emulator/http/identityOperations.js";
import { ROOMS_API_VERSIONS } from "../../emulator/http/roomsOperations.js";

// The route tables' own answers, before any operation runs: what an app that sends a wrong path,
// method, api-version, signature or body reads back, for Call Automation and for the data-plane
// services on the same endpoint.
const HOST = "127.0.0.1:4010";
const emulator = createEmulator({ seed: 3, clock: "virtual", selfCheck: "throw" });
const loose = createEmulator({ seed: 3, clock: "virtual", loose: true, selfCheck: "throw" });
const paged = createEmulator({ seed: 3, clock: "virtual", loose: true, selfCheck: "throw", participantsPageSize: 2 });
// Its calls' events are taken in-process: no delivery to a callback URL that nobody serves.
paged.onCallback(() => true, () => undefined);
afterAll(async () => {
  await emulator.close();
  await loose.close();
  await paged.close();
});

/** A request signed with the emulator's key, as the SDK would send it. */
async function signed(method: string, target: string, body = "", headers: Record<string, string> = {}) {
  const signature = signHmacRequest({ method, url: `http://${HOST}${target}`, body }, DEFAULT_ACCESS_KEY);
  return answer(await emulator.handle({ method, url: target, headers: { ...signature, "content-type": "application/json", ...headers }, rawBody: body, protocol: "http" }));
}
async function unsigned(method: string, target: string, body = "") {
  return answer(await loose.handle({ method, url: target, headers: { host: HOST, "content-type": "application/json" }, rawBody: body, protocol: "http" }));
}
function answer(response: { status: number; headers: Record<string, string>; body?: string | Uint8Array }) {
  return { status: response.status, headers: response.headers, body: response.body === undefined ? undefined : JSON.parse(String(response.body)) };
}

const USER = "8:acs:r_u1";
const CREATE = JSON.stringify({ targets: [{ communicationUser: { id: USER } }], callbackUri: "https://app.test/cb" });

describe("Call Automation's route table", () => {
  test("an unknown path is 404 pointing at the REST reference", async () => {
    expect((await signed("GET", "/calling/nothing?api-version=2026-03-12")).body).toEqual({
      error: { code: "NotFound", message: "No Call Automation operation is served at GET /calling/nothing. Check the path against the Call Automation REST reference (api-version 2026-03-12)." },
    });
  });

  test("a method a path does not take is 405", async () => {
    const response = await signed("PUT", "/calling/callConnections/abc?api-version=2026-03-12", "{}");
    expect(response).toEqual({
      status: 405,
      headers: { "content-type": "application/json; charset=utf-8" },
      body: { error: { code: "MethodNotAllowed", message: "PUT is not allowed on /calling/callConnections/abc; it takes GET (CallConnection_GetCall), DELETE (CallConnection_HangupCall)." } },
    });
  });

  test("a missing or unknown api-version lists the supported ones", async () => {
    expect((await signed("GET", "/calling/callConnections/abc")).body.error).toEqual({
      code: "MissingApiVersionParameter",
      target: "api-version",
      message: `The api-version query parameter is required. Use one of ${API_VERSIONS.join(", ")}.`,
    });
    expect((await signed("GET", "/calling/callConnections/abc?api-version=2020-01-01")).body.error).toEqual({
      code: "UnsupportedApiVersion",
      target: "api-version",
      message: `The api-version '2020-01-01' is not supported. Supported versions: ${API_VERSIONS.join(", ")}.`,
    });
  });

  test("a route is matched before the api-version is checked, and both before the signature", async () => {
    expect((await unsigned("GET", "/calling/nothing")).status).toBe(404);
    const noSignature = answer(await emulator.handle({ method: "GET", url: "/calling/callConnections/abc", headers: { host: HOST }, rawBody: "", protocol: "http" }));
    expect(noSignature.body.error.code).toBe("MissingApiVersionParameter");
  });

  test("an unsigned request is 401 with what to fix", async () => {
    const response = answer(await emulator.handle({ method: "GET", url: "/calling/callConnections/abc?api-version=2026-03-12", headers: { host: HOST }, rawBody: "", protocol: "http" }));
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe("Denied");
    expect(response.body.error.message).toMatch(/^The request has no Authorization header\./);
  });

  test("a body that is not JSON is 400 with the parser's complaint", async () => {
    const response = await signed("POST", "/calling/callConnections?api-version=2026-03-12", "{not json");
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/^The request body is not valid JSON \(.+\)\. Send a JSON object\. DiagCode: 400#8523\.@$/);
  });

  test("a body with several faults names the first and counts the others", async () => {
    const response = await unsigned("POST", "/calling/callConnections?api-version=2026-03-12", JSON.stringify({ targets: "x", callbackUri: 5, operationContext: 7, source: 1, sourceCallerIdNumber: 3 }));
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual({ code: "8523", target: "callbackUri", message: "callbackUri must be a string (and 4 more: operationContext, source, sourceCallerIdNumber). DiagCode: 400#8523.@" });
    const one = await unsigned("POST", "/calling/callConnections?api-version=2026-03-12", JSON.stringify({ targets: [{ communicationUser: { id: USER } }], callbackUri: 5 }));
    expect(one.body.error).toEqual({ code: "8523", target: "callbackUri", message: "callbackUri must be a string. DiagCode: 400#8523.@" });
  });

  test("an empty body where one is required names the body", async () => {
    const response = await unsigned("POST", "/calling/callConnections?api-version=2026-03-12", "");
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/^The request body /);
    expect(response.body.error.target).toBeUndefined();
  });

  test("a created call answers 201 with JSON; hanging up answers 204 with no body", async () => {
    const response = await unsigned("POST", "/calling/callConnections?api-version=2026-03-12", CREATE);
    expect(response.status).toBe(201);
    expect(response.headers).toEqual({ "content-type": "application/json; charset=utf-8" });
    expect(response.body.callConnectionId).toEqual(expect.any(String));
    const hungUp = await unsigned("DELETE", `/calling/callConnections/${response.body.callConnectionId}?api-version=2026-03-12`);
    expect(hungUp).toEqual({ status: 204, headers: {}, body: undefined });
  });

  test("path parameters are decoded before the operation sees them", async () => {
    const created = await unsigned("POST", "/calling/callConnections?api-version=2026-03-12", CREATE);
    const id = created.body.callConnectionId as string;
    await loose.settle();
    const participant = await unsigned("GET", `/calling/callConnections/${id}/participants/${encodeURIComponent(USER)}?api-version=2026-03-12`);
    expect(participant.status).toBe(200);
    expect(participant.body.identifier.rawId).toBe(USER);
  });

  test("a repeatable request is marked accepted and answered the same when repeated; a GET is not repeatable", async () => {
    const headers = { "repeatability-request-id": "0f2504e0-4f89-41d3-9a0c-0305e82c3301", "repeatability-first-sent": new Date().toUTCString() };
    const first = await signed("POST", "/calling/callConnections?api-version=2026-03-12", CREATE, headers);
    expect(first.status).toBe(201);
    expect(first.headers["repeatability-result"]).toBe("accepted");
    const again = await signed("POST", "/calling/callConnections?api-version=2026-03-12", CREATE, headers);
    expect(again.body.callConnectionId).toBe(first.body.callConnectionId);
    const get = await signed("GET", `/calling/callConnections/${first.body.callConnectionId}?api-version=2026-03-12`, "", headers);
    expect(get.status).toBe(200);
    expect(get.headers["repeatability-result"]).toBeUndefined();
  });

  test("a reset forgets remembered answers: the same request runs again", async () => {
    const headers = { "repeatability-request-id": "4f2504e0-4f89-41d3-9a0c-0305e82c3301", "repeatability-first-sent": new Date().toUTCString() };
    const send = async () => answer(await loose.handle({ method: "POST", url: "/calling/callConnections?api-version=2026-03-12", headers: { host: HOST, ...headers }, rawBody: CREATE, protocol: "http" }));
    const first = await send();
    await loose.handle({ method: "POST", url: "/emulator/reset", headers: { host: HOST }, rawBody: "", protocol: "http" });
    const after = await send();
    expect(after.status).toBe(201);
    expect(after.body.callConnectionId).not.toBe(first.body.callConnectionId);
  });

  test("a repeated request whose first answer was a 5xx runs again", async () => {
    const headers = { "repeatability-request-id": "1f2504e0-4f89-41d3-9a0c-0305e82c3301", "repeatability-first-sent": new Date().toUTCString() };
    await loose.handle({ method: "POST", url: "/emulator/faults", headers: { host: HOST }, rawBody: JSON.stringify({ action: "createCall", status: 500, times: 1 }), protocol: "http" });
    const send = () => loose.handle({ method: "POST", url: "/calling/callConnections?api-version=2026-03-12", headers: { host: HOST, ...headers }, rawBody: CREATE, protocol: "http" });
    expect((await send()).status).toBe(500);
    expect((await send()).status).toBe(201);
  });
});

describe("the data-plane services on the same endpoint", () => {
  test("an unknown Identity path is 404 pointing at its REST reference", async () => {
    expect((await unsigned("GET", "/identities/abc/nothing?api-version=2023-10-01")).body).toEqual({
      error: { code: "NotFound", message: "No Identity operation is served at GET /identities/abc/nothing. Check the path against the Identity REST reference (api-version 2023-10-01)." },
    });
  });

  // The operations as the Identity and Rooms REST specs name them (Azure/azure-rest-api-specs, data-plane/Identity and data-plane/Rooms).
  test.each([
    ["GET", "/identities?api-version=2023-10-01", "POST (CommunicationIdentity_Create)"],
    ["POST", "/identities/8%3Aacs%3Ar_u1?api-version=2023-10-01", "DELETE (CommunicationIdentity_Delete)"],
    ["GET", "/identities/8%3Aacs%3Ar_u1/:revokeAccessTokens?api-version=2023-10-01", "POST (CommunicationIdentity_RevokeAccessTokens)"],
    ["GET", "/identities/8%3Aacs%3Ar_u1/:issueAccessToken?api-version=2023-10-01", "POST (CommunicationIdentity_IssueAccessToken)"],
    ["GET", "/teamsUser/:exchangeAccessToken?api-version=2023-10-01", "POST (CommunicationIdentity_ExchangeTeamsUserAccessToken)"],
    ["PUT", "/rooms?api-version=2025-03-13", "POST (Rooms_Create), GET (Rooms_List)"],
    ["POST", "/rooms/99000000000000001?api-version=2025-03-13", "GET (Rooms_Get), PATCH (Rooms_Update), DELETE (Rooms_Delete)"],
    ["POST", "/rooms/99000000000000001/participants?api-version=2025-03-13", "GET (Participants_List), PATCH (Participants_Update)"],
  ])("%s %s is 405 naming the methods the path takes and their operations", async (method, target, takes) => {
    const response = await signed(method, target, "{}");
    expect(response).toEqual({
      status: 405,
      headers: { "content-type": "application/json; charset=utf-8", ...(target.startsWith("/rooms") ? { "x-ms-error-code": "MethodNotAllowed" } : {}) },
      body: { error: { code: "MethodNotAllowed", message: `${method} is not allowed on ${target.split("?")[0]}; it takes ${takes}.` } },
    });
  });

  test("a missing or unknown api-version lists the service's versions", async () => {
    const versions = IDENTITY_API_VERSIONS.join(", ");
    expect((await unsigned("POST", "/identities", "{}")).body.error).toEqual({ code: "MissingApiVersionParameter", target: "api-version", message: `The api-version query parameter is required. Identity answers ${versions}.` });
    expect((await unsigned("POST", "/identities?api-version=2026-03-12", "{}")).body.error).toEqual({
      code: "UnsupportedApiVersion",
      target: "api-version",
      message: `The api-version '2026-03-12' is not supported by Identity. Supported versions: ${versions}.`,
    });
  });

  test("a body that is not a JSON object is 400", async () => {
    for (const body of ["{nope", "[1]", "5", '"text"']) {
      const response = await unsigned("POST", "/identities?api-version=2023-10-01", body);
      expect(response.status, body).toBe(400);
      expect(response.body.error.message, body).toMatch(/^The request body is not valid JSON \(.+\)\. Send a JSON object\.$/);
    }
    expect((await unsigned("POST", "/identities?api-version=2023-10-01", "null")).status).toBe(201);
    expect((await unsigned("POST", "/identities?api-version=2023-10-01", "")).status).toBe(201);
  });

  test("an unsigned request is 401 in Identity's error shape, a signed one goes through", async () => {
    const refused = answer(await emulator.handle({ method: "POST", url: "/identities?api-version=2023-10-01", headers: { host: HOST }, rawBody: "{}", protocol: "http" }));
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("Denied");
    expect((await signed("POST", "/identities?api-version=2023-10-01", "{}")).status).toBe(201);
  });

  test("Rooms answers errors with x-ms-error-code and repeats a create with its first answer", async () => {
    const missing = await unsigned("GET", "/rooms/99999999999999999?api-version=2024-04-15");
    expect(missing.status).toBe(404);
    expect(missing.headers["x-ms-error-code"]).toBe(missing.body.error.code);
    const headers = { "repeatability-request-id": "2f2504e0-4f89-41d3-9a0c-0305e82c3301", "repeatability-first-sent": new Date().toUTCString() };
    const first = await signed("POST", "/rooms?api-version=2024-04-15", "{}", headers);
    expect(first.status).toBe(201);
    expect(first.headers["repeatability-result"]).toBe("accepted");
    const again = await signed("POST", "/rooms?api-version=2024-04-15", "{}", headers);
    expect(again.body.id).toBe(first.body.id);
    const other = await signed("POST", "/rooms?api-version=2024-04-15", "{}");
    expect(other.body.id).not.toBe(first.body.id);
    expect(other.headers["repeatability-result"]).toBeUndefined();
  });

  test("Rooms answers a path it does not serve, and a request without api-version, in its own error shape with x-ms-error-code", async () => {
    const notServed = await signed("POST", "/rooms/99000000000000001/rooms?api-version=2025-03-13", "{}");
    expect(notServed).toEqual({
      status: 404,
      headers: { "content-type": "application/json; charset=utf-8", "x-ms-error-code": "NotFound" },
      body: { error: { code: "NotFound", message: "No Rooms operation is served at POST /rooms/99000000000000001/rooms. Check the path against the Rooms REST reference (api-version 2025-03-13)." } },
    });
    const noVersion = await signed("GET", "/rooms");
    expect(noVersion).toEqual({
      status: 400,
      headers: { "content-type": "application/json; charset=utf-8", "x-ms-error-code": "MissingApiVersionParameter" },
      body: { error: { code: "MissingApiVersionParameter", target: "api-version", message: `The api-version query parameter is required. Rooms answers ${ROOMS_API_VERSIONS.join(", ")}.` } },
    });
  });

  test("paths of no service fall through to the service's error shape", async () => {
    const response = await unsigned("GET", "/identitiesx");
    expect(response.status).toBe(404);
    expect(response.body.error.message).toMatch(/^Nothing is served at GET \/identitiesx\./);
  });
});

describe("GetParticipants pages (participantsPageSize 2)", () => {
  const get = async (target: string) => answer(await paged.handle({ method: "GET", url: target, headers: { host: HOST }, rawBody: "", protocol: "http" }));
  /** A connected call of the app and three users: four participants, two pages. */
  async function fourInCall(): Promise<string> {
    const targets = [1, 2, 3].map((n) => ({ communicationUser: { id: `${USER}${n}` } }));
    const created = answer(await paged.handle({ method: "POST", url: "/calling/callConnections?api-version=2026-03-12", headers: { host: HOST }, rawBody: JSON.stringify({ targets, callbackUri: "https://app.test/cb" }), protocol: "http" }));
    await paged.settle();
    return created.body.callConnectionId;
  }
  const rawIds = (page: { body: { value: Array<{ identifier: { rawId: string } }> } }) => page.body.value.map((p) => p.identifier.rawId);

  test("a request without a Host header (HTTP/1.0 allows none) gets its next link on localhost", async () => {
    const id = await fourInCall();
    const participants = `/calling/callConnections/${id}/participants`;
    const first = answer(await paged.handle({ method: "GET", url: `${participants}?api-version=2025-06-15`, headers: {}, rawBody: "", protocol: "http" }));
    expect(first.body.nextLink).toBe(`http://localhost${participants}?api-version=2025-06-15&skip=2`);
  });

  test("the first page links the next by skip, in the request's api-version; the last page has no link", async () => {
    const id = await fourInCall();
    const participants = `/calling/callConnections/${id}/participants`;
    const first = await get(`${participants}?api-version=2025-06-15`);
    expect(first.body.value).toHaveLength(2);
    expect(first.body.nextLink).toBe(`http://${HOST}${participants}?api-version=2025-06-15&skip=2`);
    const second = await get(first.body.nextLink.slice(`http://${HOST}`.length));
    expect(second.body.value).toHaveLength(2);
    expect(second.body.nextLink).toBeUndefined();
    expect(new Set([...rawIds(first), ...rawIds(second)]).size).toBe(4);
    const fromOne = await get(`${participants}?api-version=2026-03-12&skip=1`);
    expect(rawIds(fromOne)).toEqual([rawIds(first)[1], rawIds(second)[0]]);
    expect(fromOne.body.nextLink).toBe(`http://${HOST}${participants}?api-version=2026-03-12&skip=3`);
    expect(await get(`${participants}?api-version=2026-03-12&skip=4`)).toMatchObject({ status: 200, body: { value: [] } });
  });

  test("a skip that is no number, or below zero, reads as the first page", async () => {
    const id = await fourInCall();
    const participants = `/calling/callConnections/${id}/participants?api-version=2026-03-12`;
    const first = await get(participants);
    for (const skip of ["abc", "-3", ""]) expect(await get(`${participants}&skip=${skip}`), skip).toEqual(first);
  });

  test("the SDK follows the links to every participant", async () => {
    const id = await fourInCall();
    // Pages that never end would keep the SDK asking in microtasks, where no test timeout fires.
    const transport = paged.httpClient();
    let requests = 0;
    const httpClient: typeof transport = { sendRequest: (request) => (++requests > 5 ? Promise.reject(new Error("the pages do not end")) : transport.sendRequest(request)) };
    const client = new CallAutomationClient(paged.connectionString(), { httpClient });
    const { values } = await client.getCallConnection(id).listParticipants();
    expect(values?.map((p) => (p.identifier as CommunicationUserIdentifier).communicationUserId)).toEqual(expect.arrayContaining([1, 2, 3].map((n) => `${USER}${n}`)));
    expect(values).toHaveLength(4);
    expect(requests).toBe(2);
  });
});
