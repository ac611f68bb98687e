import { describe, expect, test } from "vitest";
import { acsUser as user, groupCall } from "../support/calls.js";
import { useHarness } from "../support/harness.js";

// Issue 16: participant request bodies the SDK's types never send (a list that is empty or no
// list, an operationContext that is no string, a missing fromCall), which apps writing their own
// REST calls do send; and the pages of GetParticipants, whose nextLink the SDK follows unseen.
// Sent raw, in-process; the calls themselves are set up through the SDK.
const h = useHarness({ transport: "direct", loose: true, participantsPageSize: 2 });

const ACS = (n: number) => ({ kind: "communicationUser", communicationUser: { id: user(n) } });

async function send(method: string, path: string, body?: unknown) {
  const response = await h.emulator.handle({
    method,
    url: path.includes("?") ? path : `${path}?api-version=2026-03-12`,
    headers: { host: new URL(h.url).host, "content-type": "application/json" },
    rawBody: body === undefined ? "" : JSON.stringify(body),
    protocol: "http",
  });
  return { status: response.status, body: response.body ? JSON.parse(String(response.body)) : undefined };
}

const post = (id: string, action: string, body: unknown) => send("POST", `/calling/callConnections/${id}/${action}`, body);

describe("participant request bodies the SDK cannot send", () => {
  test.each([
    ["an empty targetParticipants", { targetParticipants: [] }, /^targetParticipants must list the participant to mute\./],
    ["no targetParticipants", { operationContext: "hush" }, /^targetParticipants is required\./],
  ])("mute with %s answers 400 naming it, and mutes nobody", async (_name, body, message) => {
    const { id, connection } = await groupCall(h, 1);
    const answer = await post(id, "participants:mute", body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.target).toBe("targetParticipants");
    expect(answer.body.error.message).toMatch(message);
    const { values } = await connection.listParticipants();
    expect(values?.every((p) => p.isMuted === false)).toBe(true);
  });

  test("an operationContext that is no string is refused naming it, by every participant action", async () => {
    const { id } = await groupCall(h, 2);
    const other = await groupCall(h, 1);
    const added = await post(id, "participants:add", { participantToAdd: ACS(5) });
    expect(added.status).toBe(202);
    const cases: Array<[string, Record<string, unknown>]> = [
      ["participants:add", { participantToAdd: ACS(4) }],
      ["participants:cancelAddParticipant", { invitationId: added.body.invitationId }],
      ["participants:remove", { participantToRemove: ACS(2) }],
      ["participants:mute", { targetParticipants: [ACS(2)] }],
      ["participants:moveHere", { targetParticipants: [ACS(1)], fromCall: other.id }],
    ];
    for (const [action, body] of cases) {
      const answer = await post(id, action, { ...body, operationContext: 42 });
      expect([action, answer.status, answer.body?.error?.target]).toEqual([action, 400, "operationContext"]);
    }
  });

  test("a customCallingContext that is no object is refused naming it", async () => {
    const { id } = await groupCall(h, 1);
    const answer = await post(id, "participants:add", { participantToAdd: ACS(4), customCallingContext: "Case=42" });
    expect(answer.status).toBe(400);
    expect(answer.body.error.target).toBe("customCallingContext");
  });

  test.each([
    ["without fromCall", { targetParticipants: [ACS(2)] }, "fromCall", /^fromCall is required/],
    ["without targetParticipants", { fromCall: "FROM" }, "targetParticipants", /^targetParticipants is required\./],
  ])("a move %s answers 400 naming the field", async (_name, body, target, message) => {
    const here = await groupCall(h, 1);
    const there = await groupCall(h, 2);
    const request = JSON.parse(JSON.stringify(body).replace('"FROM"', JSON.stringify(there.id)));
    const answer = await post(here.id, "participants:moveHere", request);
    expect(answer.status).toBe(400);
    expect(answer.body.error.target).toBe(target);
    expect(answer.body.error.message).toMatch(message);
  });
});

describe("GetParticipants pages", () => {
  test("four participants in pages of two: two full pages, the last without nextLink", async () => {
    const { id } = await groupCall(h, 3);
    const first = await send("GET", `/calling/callConnections/${id}/participants`);
    expect(first.status).toBe(200);
    expect(first.body.value).toHaveLength(2);
    expect(first.body.nextLink).toMatch(/skip=2/);
    const second = await send("GET", new URL(first.body.nextLink).pathname + new URL(first.body.nextLink).search);
    expect(second.body.value).toHaveLength(2);
    expect(second.body.nextLink).toBeUndefined();
    const rawIds = [...first.body.value, ...second.body.value].map((p: any) => p.identifier.rawId);
    expect(new Set(rawIds).size).toBe(4);
    expect(rawIds).toEqual(expect.arrayContaining([user(1), user(2), user(3)]));
  });
});
