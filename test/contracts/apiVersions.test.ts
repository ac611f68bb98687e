import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { API_VERSIONS, bundleFor, NEWEST_API_VERSION, NEWEST_BUNDLE } from "../../contracts/apiVersions.js";
import { shapeCallbackEventData, shapeRequestBody, shapeResponse } from "../../contracts/shape.js";
import { validateCallbackEvent, validateRequestBody, validateResponseBody } from "../../contracts/validator.js";
// @ts-expect-error: a plain ES module without types (a script and a library at once)
import { sdkModels } from "../../contracts/sdkModels.mjs";
import { SPEC_DIR } from "../support/spec.js";

const VERSIONS_DIR = join(SPEC_DIR, "callautomation", "versions");
const versionFile = (apiVersion: string) => JSON.parse(readFileSync(join(VERSIONS_DIR, `${apiVersion}.json`), "utf8"));

/** The published SDKs installed as dev dependencies, by the api-version each sends. */
const SDK_PACKAGES: Record<string, string> = {
  "2023-03-06": "ca-1.0.0",
  "2024-04-15": "ca-1.2.0",
  "2024-11-15-preview": "ca-1.4.0-beta.1",
  "2025-06-15": "ca-1.5.1",
};

describe("the api-versions callsim serves", () => {
  test("are every GA version and the preview the published beta sends, newest first", () => {
    expect(API_VERSIONS).toEqual(["2026-03-12", "2025-06-15", "2025-05-15", "2024-11-15-preview", "2024-09-15", "2024-04-15", "2023-10-15", "2023-03-06"]);
  });

  test("each older one has a version file naming its spec's repository, path and commit", () => {
    const files = readdirSync(VERSIONS_DIR).map((f) => f.replace(/\.json$/, ""));
    expect(files.sort()).toEqual(API_VERSIONS.filter((v) => v !== NEWEST_API_VERSION).sort());
    for (const version of files) {
      const { source, apiVersion } = versionFile(version);
      expect(apiVersion).toBe(version);
      expect(source.repo).toBe("Azure/azure-rest-api-specs");
      expect(source.path).toBe(`specification/communication/data-plane/CallAutomation/${version.endsWith("-preview") ? "preview" : "stable"}/${version}/communicationservicescallautomation.json`);
      expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  test.each(Object.entries(SDK_PACKAGES))("%s: the version file lists what %s was generated from", async (apiVersion, pkg) => {
    const read = await sdkModels(pkg);
    const file = versionFile(apiVersion);
    expect(read.apiVersion).toBe(apiVersion);
    expect(read.operations).toEqual(file.operations);
    expect(read.models).toEqual(file.models);
  });

  test("the pinned SDK (1.6.0) was generated from exactly the newest spec's operations and model fields", async () => {
    const read = await sdkModels("@azure/communication-call-automation");
    expect(read.apiVersion).toBe(NEWEST_API_VERSION);
    expect(Object.keys(read.operations).sort()).toEqual(Object.keys(NEWEST_BUNDLE.operations).sort());
    const fieldsOf = (name: string): string[] => {
      const schema = NEWEST_BUNDLE.definitions[name];
      return [...Object.keys(schema.properties ?? {}), ...(schema.allOf ?? []).flatMap((p: any) => fieldsOf(p.$ref.split("/").pop()))].sort();
    };
    for (const [name, fields] of Object.entries<string[]>(read.models)) if (NEWEST_BUNDLE.definitions[name]) expect(fields, name).toEqual(fieldsOf(name));
  });

  test("versions without a published SDK sit between their neighbours: each field is in the newer one", () => {
    const chain = ["2023-03-06", "2023-10-15", "2024-04-15", "2024-09-15", "2025-05-15", "2025-06-15"];
    for (let i = 1; i < chain.length; i++) {
      const [older, newer] = [versionFile(chain[i - 1]), versionFile(chain[i])];
      for (const [model, fields] of Object.entries<string[]>(older.models)) {
        expect(fields.filter((f) => !(newer.models[model] ?? []).includes(f)), `${model} of ${chain[i - 1]} in ${chain[i]}`).toEqual([]);
      }
      expect(Object.keys(older.operations).filter((o) => !(o in newer.operations)), `${chain[i - 1]} → ${chain[i]}`).toEqual([]);
    }
  });
});

describe("serving an older api-version", () => {
  const properties = {
    callConnectionId: "c1",
    callConnectionState: "connected",
    answeredBy: { id: "8:acs:r_u" },
    answeredFor: { value: "+14255550100" },
    transcriptionSubscription: { id: "t", state: "active", subscribedResultTypes: ["final"], locale: "en-US" },
    mediaStreamingSubscription: { id: "m", state: "inactive", subscribedContentTypes: ["audio"] },
  };

  test("leaves out the response fields that version does not have", () => {
    expect(shapeResponse("CallConnection_GetCall", 200, properties, "2024-04-15").body).toEqual({ callConnectionId: "c1", callConnectionState: "connected", answeredBy: { id: "8:acs:r_u" } });
    expect(shapeResponse("CallConnection_GetCall", 200, properties, "2024-09-15").body).toEqual({ callConnectionId: "c1", callConnectionState: "connected", answeredBy: { id: "8:acs:r_u" }, answeredFor: { value: "+14255550100" } });
    expect(shapeResponse("CallConnection_GetCall", 200, properties, "2025-05-15").body).toEqual(properties);
    expect(shapeResponse("CallConnection_GetCall", 200, properties, NEWEST_API_VERSION).body).toBe(properties);
  });

  test("drops nested fields too: a participant has no isOnHold before 2024-09-15", () => {
    const participant = { identifier: { rawId: "4:+1425", kind: "phoneNumber", phoneNumber: { value: "+1425", isAnonymous: false } }, isMuted: false, isOnHold: false };
    expect(shapeResponse("CallConnection_GetParticipant", 200, participant, "2023-03-06").body).toEqual({ identifier: { rawId: "4:+1425", kind: "phoneNumber", phoneNumber: { value: "+1425" } }, isMuted: false });
  });

  test("answers StartRecording 200 where the version's spec has no 202", () => {
    expect(shapeResponse("CallRecording_StartRecording", 202, { recordingId: "r", recordingState: "inactive", recordingKind: "azureCommunicationServices" }, "2023-03-06")).toEqual({ status: 200, body: { recordingId: "r", recordingState: "inactive" } });
    expect(shapeResponse("CallRecording_StartRecording", 202, { recordingId: "r" }, "2025-06-15").status).toBe(202);
  });

  test("sends an event without the fields its version lacks, and not at all when the version lacks the event", () => {
    const data = { version: "2024-04-15", operationContext: "x", resultInformation: { code: 200, subCode: 0, message: "" }, callConnectionId: "c", serverCallId: "s", correlationId: "k", publicEventType: "Microsoft.Communication.CallConnected" };
    const shaped = shapeCallbackEventData("2024-04-15", "CallConnected", data);
    expect(shaped).toEqual({ version: "2024-04-15", operationContext: "x", callConnectionId: "c", serverCallId: "s", correlationId: "k", publicEventType: "Microsoft.Communication.CallConnected" });
    expect(Object.keys(shaped!)).toEqual(["version", "operationContext", "callConnectionId", "serverCallId", "correlationId", "publicEventType"]);
    expect(shapeCallbackEventData("2024-04-15", "PlayStarted", data)).toBeUndefined();
    expect(shapeCallbackEventData("2024-09-15", "PlayStarted", data)).toBeDefined();
    expect(shapeCallbackEventData("2024-09-15", "TranscriptionStarted", data)).toBeUndefined();
  });

  test("reads a request as its version does: a field that version lacks is dropped before callsim acts on it", () => {
    const answer = { incomingCallContext: "ctx", callbackUri: "https://app/cb", answeredBy: { id: "8:acs:r_u" }, transcriptionOptions: { transportType: "websocket", locale: "en-US", startTranscription: true } };
    expect(shapeRequestBody("AnswerCall", answer, "2024-09-15")).toEqual({ incomingCallContext: "ctx", callbackUri: "https://app/cb", answeredBy: { id: "8:acs:r_u" } });
    expect(shapeRequestBody("AnswerCall", answer, "2025-05-15")).toEqual(answer);
  });

  test("validates requests against that version's spec", () => {
    const create = { targets: [{ rawId: "8:acs:r_u" }], callbackUri: "https://app/cb", transcriptionOptions: { transportType: "websocket", locale: "en-US" } };
    expect(validateRequestBody("CreateCall", create, { strict: true })).toEqual([]);
    expect(validateRequestBody("CreateCall", create, { strict: true, apiVersion: "2024-09-15" })).toEqual([{ path: "transcriptionOptions", message: "is not a field of CreateCallRequest" }]);
    expect(validateRequestBody("CreateCall", create, { apiVersion: "2024-09-15" })).toEqual([]);
  });

  test("checks responses and events against that version's spec", () => {
    expect(validateResponseBody("CallConnection_GetCall", 200, properties, { apiVersion: "2024-04-15" }).map((v) => v.path).sort()).toEqual(["answeredFor", "mediaStreamingSubscription", "transcriptionSubscription"]);
    const event = { id: "1", source: "s", type: "Microsoft.Communication.PlayStarted", specversion: "1.0", data: { version: "2024-04-15", callConnectionId: "c" } };
    expect(validateCallbackEvent(event)).toEqual([{ path: "type", message: "is not a callback event of the spec (api-version 2024-04-15): Microsoft.Communication.PlayStarted" }]);
  });

  test("each older version reaches, from its operations and events, only models its version file lists", () => {
    for (const version of API_VERSIONS.filter((v) => v !== NEWEST_API_VERSION)) {
      const bundle = bundleFor(version);
      const listed = versionFile(version).models;
      const seen = new Set<string>();
      const visit = (schema: unknown): void => {
        if (!schema || typeof schema !== "object") return;
        const ref = (schema as { $ref?: string }).$ref;
        if (ref) {
          const name = ref.split("/").pop()!;
          if (seen.has(name)) return;
          seen.add(name);
          return visit(bundle.definitions[name]);
        }
        for (const value of Object.values(schema)) visit(value);
      };
      visit([Object.values(bundle.operations).map((o) => [o.body?.schema, o.responses]), bundle.events]);
      const objectModels = [...seen].filter((name) => bundle.definitions[name]?.properties);
      expect(objectModels.filter((name) => !(name in listed)), version).toEqual([]);
    }
  });
});
