import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { signHmacRequest } from "../../emulator/http/auth.js";
import { createRecordingContentRoutes } from "../../emulator/http/recordingContent.js";
import { createEmulator, DEFAULT_ACCESS_KEY } from "../../emulator/emulator.js";
import { startHarness, TRANSPORTS, type Harness } from "../support/harness.js";
import { collect, storageRequest } from "../support/recordingStorage.js";

// Recording storage as a client downloads from it: byte ranges, refused methods, the signature
// over the endpoint's host. The SDK downloads only over https from *.asm.skype.com, which the
// in-process transports reach; the server's downloads are in recordingDownload.https.test.ts.
const alice = "8:acs:11111111-1111-1111-1111-111111111111_0000000a-0000-0000-0000-000000000000";

describe.each(TRANSPORTS.filter((t) => t !== "server"))("recording storage over %s", (transport) => {
  let h: Harness;
  let chunk: { contentLocation: string; metadataLocation: string; deleteLocation: string };
  let whole: Buffer;
  beforeAll(async () => {
    h = await startHarness({ transport });
    const subscribed = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid"), eventTypes: ["Microsoft.Communication.RecordingFileStatusUpdated"] });
    expect(subscribed.body.state).toBe("active");
    const created = await h.client.createCall({ targetParticipant: { communicationUserId: alice } }, h.callbackUri);
    const id = created.callConnectionProperties.callConnectionId!;
    await h.waitForEvent("ParticipantsUpdated", id);
    const { recordingId } = await h.client.getCallRecording().start({ callConnectionId: id, recordingContent: "audio", recordingChannel: "mixed", recordingFormat: "wav" });
    h.emulator.advance(1000);
    await h.client.getCallRecording().stop(recordingId);
    const event = await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.RecordingFileStatusUpdated", "RecordingFileStatusUpdated");
    chunk = event.data.recordingStorageInfo.recordingChunks[0];
    whole = await collect(await h.client.getCallRecording().downloadStreaming(chunk.contentLocation));
  });
  afterAll(async () => {
    await h.close();
  });

  const storage = (method: string, location: string, headers: Record<string, string> = {}) => storageRequest(h, method, location, headers);

  test("the whole file is a 200 with its length and type", async () => {
    const response = await storage("GET", chunk.contentLocation);
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({ "content-type": "audio/wav", "content-length": String(whole.byteLength) });
    expect(Buffer.from(response.body as Uint8Array).equals(whole)).toBe(true);
  });

  test("an offset and length the SDK sends give those bytes", async () => {
    const part = await collect(await h.client.getCallRecording().downloadStreaming(chunk.contentLocation, { offset: 36, length: 4 }));
    expect(part.toString("ascii")).toBe("data");
    const tail = await collect(await h.client.getCallRecording().downloadStreaming(chunk.contentLocation, { offset: whole.byteLength - 3 }));
    expect(tail.equals(whole.subarray(whole.byteLength - 3))).toBe(true);
  });

  test.each([
    ["bytes=8-11", 8, 11],
    [" bytes=0-0 ", 0, 0],
    ["bytes=4-", 4, -1],
    ["bytes=40-999999999", 40, -1],
  ])("the range %s is a 206 with its content-range", async (range, start, end) => {
    const last = end < 0 ? whole.byteLength - 1 : end;
    const response = await storage("GET", chunk.contentLocation, { range });
    expect(response.status).toBe(206);
    expect(response.headers).toEqual({ "content-type": "audio/wav", "content-length": String(last - start + 1), "content-range": `bytes ${start}-${last}/${whole.byteLength}` });
    expect(Buffer.from(response.body as Uint8Array).equals(whole.subarray(start, last + 1))).toBe(true);
  });

  test("a range past the end, or ending before it starts, is a 416 naming the size", async () => {
    for (const range of [`bytes=${whole.byteLength}-`, "bytes=9-8"]) {
      const response = await storage("GET", chunk.contentLocation, { range });
      expect(response, range).toEqual({ status: 416, headers: { "content-range": `bytes */${whole.byteLength}` } });
    }
    const last = await storage("GET", chunk.contentLocation, { range: `bytes=${whole.byteLength - 1}-` });
    expect(last.status).toBe(206);
  });

  test("a range it does not read is answered with the whole file", async () => {
    for (const range of ["bytes=-5", "items=0-3", "bytes=1-2,4-5", "xbytes=0-3"]) {
      const response = await storage("GET", chunk.contentLocation, { range });
      expect(response.status, range).toBe(200);
      expect(response.headers["content-length"]).toBe(String(whole.byteLength));
    }
  });

  test("the metadata is JSON", async () => {
    const response = await storage("GET", chunk.metadataLocation);
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/json/);
  });

  test("other methods, and GET on the object itself, are 405 saying what is served", async () => {
    for (const [method, location] of [["POST", chunk.contentLocation], ["GET", chunk.deleteLocation], ["DELETE", chunk.contentLocation]] as const) {
      const response = await storage(method, location);
      expect(response.status, `${method} ${location}`).toBe(405);
      expect(response.headers).toEqual({ "content-type": "application/json; charset=utf-8" });
      const body = JSON.parse(String(response.body));
      expect(body).toMatchObject({ status: 405, error: { code: "MethodNotAllowed" } });
      expect(body.message).toBe(`${method} is not allowed on ${new URL(location).pathname}. GET …/content/audio or …/content/acsmetadata; DELETE the object itself.`);
      expect(body.message).toBe(body.error.message);
    }
  });

  test("a signature over the storage host instead of the endpoint's is refused", async () => {
    const url = new URL(chunk.contentLocation);
    const signed = signHmacRequest({ method: "GET", url: `https://${url.host}${url.pathname}` }, DEFAULT_ACCESS_KEY);
    const response = await h.emulator.handle({ method: "GET", url: url.pathname, headers: { ...signed, "x-ms-host": new URL(h.url).host }, rawBody: "", protocol: "https" });
    expect(response.status).toBe(401);
    const body = JSON.parse(String(response.body));
    expect(body).toMatchObject({ status: 401, error: { code: "Denied" } });
    expect(body.message).toMatch(/^The request signature does not match/);
  });

  test("paths outside the storage objects are not its to answer", async () => {
    const url = new URL(chunk.contentLocation);
    const nested = await h.emulator.handle({ method: "GET", url: `/files${url.pathname}`, headers: { host: url.host }, rawBody: "", protocol: "https" });
    expect(JSON.parse(String(nested.body)).error.message).toMatch(/^Nothing is served at GET \/files\/v1\/objects\//);
    const response = await h.emulator.handle({ method: "GET", url: `${url.pathname}/extra`, headers: { host: url.host }, rawBody: "", protocol: "https" });
    expect(JSON.parse(String(response.body)).error.code).toBe("NotFound");
    expect(response.status).toBe(404);
  });

  test("deleting the object answers 200 and its parts are gone", async () => {
    const response = await storage("DELETE", chunk.deleteLocation);
    expect(response).toEqual({ status: 200, headers: {} });
    expect((await storage("GET", chunk.contentLocation)).status).toBe(404);
  });
});

describe("the storage routes with --loose", () => {
  const bytes = Uint8Array.from([1, 2, 3, 4]);
  const engine = { recordingFile: () => ({ bytes, contentType: "audio/wav" }), deleteRecordingFile: () => undefined } as unknown as Parameters<typeof createRecordingContentRoutes>[0]["engine"];
  const routes = createRecordingContentRoutes({ engine, accessKey: DEFAULT_ACCESS_KEY, loose: true, now: () => Date.now() });

  test("serve an unsigned download", () => {
    const response = routes({ method: "GET", url: "/v1/objects/doc-1/content/audio", headers: { host: "callsim.asm.skype.com" }, rawBody: "", protocol: "https" });
    expect(response).toMatchObject({ status: 200, headers: { "content-type": "audio/wav", "content-length": "4" } });
  });
});

describe("the OpenID configuration", () => {
  test("names the host that asked, or localhost, and is served as JSON to GET only", async () => {
    const emulator = createEmulator({ seed: 1, clock: "virtual", selfCheck: "throw" });
    try {
      const get = (headers: Record<string, string>, method = "GET") => emulator.handle({ method, url: "/calling/.well-known/acsopenidconfiguration?x=1", headers, rawBody: "", protocol: "https" });
      const named = await get({ host: "acs.test:8443" });
      expect(named.headers).toEqual({ "content-type": "application/json; charset=utf-8" });
      expect(JSON.parse(String(named.body)).jwks_uri).toBe("https://acs.test:8443/calling/keys");
      expect(JSON.parse(String((await get({})).body)).jwks_uri).toBe("https://localhost/calling/keys");
      expect((await get({ host: "acs.test" }, "POST")).status).not.toBe(200);
    } finally {
      await emulator.close();
    }
  });
});
