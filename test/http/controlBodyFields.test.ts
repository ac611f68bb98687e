import { describe, expect, test } from "vitest";
import { subscribeEventGrid } from "../support/calls.js";
import { roomsSuite } from "../support/directoryClients.js";
import { TRANSPORTS, useHarness } from "../support/harness.js";

// Every field the README's control plane table gives a body is taken by its operation (a
// control body refuses any field it does not list), and a misspelt one is answered with the
// field the user most likely meant.
const alice = "4:+14255550123";
const bob = "4:+14255550124";

describe.each(TRANSPORTS)("control-plane body fields over %s", (transport) => {
  const h = useHarness({ transport });

  test("a subscription takes Event Grid's own filter", async () => {
    const filter = { includedEventTypes: ["Microsoft.Communication.IncomingCall"], subjectBeginsWith: "phonenumber/" };
    const created = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid"), filter });
    expect(created.status).toBe(201);
    expect(created.body.filter).toMatchObject(filter);
    expect((await h.control("GET", "/emulator/subscriptions")).body).toEqual([expect.objectContaining({ id: created.body.id, filter: expect.objectContaining(filter) })]);
  });

  test("a call started in the world takes a groupCallId and is found by it", async () => {
    await subscribeEventGrid(h);
    const groupCallId = "16161616-0000-0000-0000-0000000000aa";
    const started = await h.control("POST", "/emulator/calls", { participants: [alice, bob], groupCallId });
    expect(started.status).toBe(201);
    expect(started.body.groupCallId).toBe(groupCallId);
    const event = await h.receiver.waitFor((e) => e.eventType === "Microsoft.Communication.CallStarted", "CallStarted");
    expect(event.data).toMatchObject({ group: { id: groupCallId } });
  });

  test("a forgery takes the call connection, the number of callbacks and the channel it forges", async () => {
    const planted = await h.control("POST", "/emulator/forgeries", { kind: "noToken", callConnectionId: "00000000-0000-0000-0000-00000000c0c0", times: 2, channel: "callback" });
    expect(planted).toEqual({ status: 201, body: { kind: "noToken", callConnectionId: "00000000-0000-0000-0000-00000000c0c0", channel: "callback", remaining: 2 } });
    expect((await h.control("GET", "/emulator/forgeries")).body).toEqual([planted.body]);
  });

  test("a misspelt field near two fields is answered with the closer, though the other is listed first", async () => {
    // Both Entra fields begin "azureActiveDirectory": the truncated application field is near
    // the tenant field too (within a third of its length in edits), but nearer its own.
    const answer = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid"), azureActiveDirectoryApplication: "api://app" });
    expect(answer.status).toBe(400);
    expect(answer.body.error.target).toBe("azureActiveDirectoryApplication");
    expect(answer.body.error.message).toContain('(did you mean "azureActiveDirectoryApplicationIdOrUri"?)');
  });

  test.each([
    ["cut short, as near the tenant field as its own", "azureActiveDirectoryApplicatio"],
    ["misspelt, nearer its own field though it does not begin it", "azureActiveDirectoryAplicationId"],
  ])("the Entra application field %s is the one suggested", async (_what, misspelt) => {
    const answer = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid"), [misspelt]: "api://app" });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain(`does not take "${misspelt}" (did you mean "azureActiveDirectoryApplicationIdOrUri"?)`);
  });
});

describe.each(TRANSPORTS)("a room call started in the world over %s", (transport) => {
  const s = roomsSuite(transport);

  test("takes the roomId of a room made through the Rooms API", async () => {
    const now = s.h.emulator.now();
    const room = await s.rooms.createRoom({ validFrom: new Date(now), validUntil: new Date(now + 3_600_000), participants: [{ id: s.presenter, role: "Presenter" }] });
    const started = await s.h.control("POST", "/emulator/calls", { participants: [s.presenter.communicationUserId], roomId: room.id });
    expect(started.status).toBe(201);
    expect(started.body.roomId).toBe(room.id);
  });
});
