import * as sdk100 from "ca-1.0.0";
import * as sdk120 from "ca-1.2.0";
import * as sdk140beta1 from "ca-1.4.0-beta.1";
import * as sdk151 from "ca-1.5.1";
import * as sdk160 from "@azure/communication-call-automation";
import { describe, expect, test } from "vitest";
import { bundleFor } from "../../contracts/apiVersions.js";
import { clientOptionsFor, useHarness, TRANSPORTS } from "../support/harness.js";

/** Every SDK version the registry publishes, with the api-version its generated client sends. */
const SDKS = [
  { version: "1.0.0", apiVersion: "2023-03-06", sdk: sdk100 },
  { version: "1.2.0", apiVersion: "2024-04-15", sdk: sdk120 },
  { version: "1.4.0-beta.1", apiVersion: "2024-11-15-preview", sdk: sdk140beta1 },
  { version: "1.5.1", apiVersion: "2025-06-15", sdk: sdk151 },
  { version: "1.6.0", apiVersion: "2026-03-12", sdk: sdk160 },
] as const;

const user = (n: number) => `8:acs:11111111-1111-1111-1111-111111111111_0000000${n}-0000-0000-0000-000000000000`;

describe.each(TRANSPORTS)("every published SDK over %s", (transport) => {
  const h = useHarness({ transport });

  /** A client of that SDK version, reaching the emulator the way the harness's own client does. */
  function clientOf(sdk: (typeof SDKS)[number]["sdk"]): any {
    return new (sdk.CallAutomationClient as any)(h.connectionString, clientOptionsFor(h));
  }

  /** The next callback event of `type` for the call, as that SDK version parses it. */
  async function event(sdk: (typeof SDKS)[number]["sdk"], type: string, callConnectionId: string, extra?: (data: any) => boolean): Promise<any> {
    const raw = await h.receiver.waitFor((e) => e.type === `Microsoft.Communication.${type}` && e.data?.callConnectionId === callConnectionId && (!extra || extra(e.data)), type);
    return (sdk.parseCallAutomationEvent as (input: unknown) => any)(JSON.stringify([raw]));
  }

  test.each(SDKS)("SDK $version (api-version $apiVersion): create, properties, add, play, record, hang up", async ({ sdk, apiVersion }) => {
    const client = clientOf(sdk);
    const created = await client.createCall({ targetParticipant: { communicationUserId: user(1) } }, h.callbackUri);
    const id: string = created.callConnectionProperties.callConnectionId;
    const connected = await event(sdk, "CallConnected", id);
    expect(connected.kind).toBe("CallConnected");
    expect(connected.callConnectionId).toBe(id);

    const connection = client.getCallConnection(id);
    const properties = await connection.getCallConnectionProperties();
    expect(properties.callConnectionState).toBe("connected");
    expect(properties.targetParticipants).toEqual([{ communicationUserId: user(1) }]);

    const added = await connection.addParticipant({ targetParticipant: { communicationUserId: user(2) } }, { operationContext: "add-2" });
    expect(added.operationContext).toBe("add-2");
    const succeeded = await event(sdk, "AddParticipantSucceeded", id);
    expect(succeeded.participant).toEqual({ communicationUserId: user(2) });
    const participants = await connection.listParticipants();
    expect((participants.values ?? participants.value ?? []).length).toBe(3);

    await connection.getCallMedia().play([{ kind: "fileSource", url: "https://media.example.com/hello.wav" }], [{ communicationUserId: user(1) }], { operationContext: "hello" });
    // SDK 1.0.0 drops the operationContext of play (its callMedia.js never sends it).
    expect((await event(sdk, "PlayCompleted", id)).kind).toBe("PlayCompleted");

    const recording = client.getCallRecording();
    const started = await recording.start({ callLocator: { id: created.callConnectionProperties.serverCallId, kind: "serverCallLocator" } });
    await event(sdk, "RecordingStateChanged", id, (d) => d.state === "active");
    await recording.stop(started.recordingId);

    await connection.hangUp(true);
    await event(sdk, "CallDisconnected", id);
    await h.settle();

    // Every event the call had was sent as its api-version has it; none it lacks came.
    const received = h.receiver.events().filter((e) => e.data?.callConnectionId === id);
    const events = bundleFor(apiVersion).events;
    expect(received.map((e) => e.data.version)).toEqual(received.map(() => apiVersion));
    expect(received.filter((e) => !(String(e.type).replace("Microsoft.Communication.", "") in events)).map((e) => e.type)).toEqual([]);
  });
});
