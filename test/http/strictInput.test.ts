import { RestError } from "@azure/core-rest-pipeline";
import type { CallInvite } from "@azure/communication-call-automation";
import { describe, expect, test } from "vitest";
import { useHarness, TRANSPORTS } from "../support/harness.js";

const caller = { phoneNumber: "+18005550100" };
/** Who a createCall may invite. */
type Target = CallInvite["targetParticipant"];

describe.each(TRANSPORTS)("strict input over %s", (transport) => {
  const h = useHarness({ transport });

  /** The service's error for a createCall to `target`. */
  async function refusal(target: Target): Promise<{ status: number; code?: string; message: string }> {
    const error = await h.client.createCall({ targetParticipant: target, sourceCallIdNumber: caller }, h.callbackUri).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RestError);
    const rest = error as RestError;
    return { status: rest.statusCode!, code: rest.code, message: rest.message };
  }

  describe("identifiers are checked the way the service checks them", () => {
    test.each([
      ["an ACS user id without its form", { communicationUserId: "bob" }, /targets\[0\]\.communicationUser\.id "bob" is not an ACS user id: it has the form 8:acs:<resource>_<id>/],
      ["an ACS user id without the id after the resource", { communicationUserId: "8:acs:resource" }, /"8:acs:resource" is not an ACS user id/],
      ["a Teams user id that is not a GUID", { microsoftTeamsUserId: "x" }, /targets\[0\] "8:orgid:x" is not a Teams user id: .* Entra object id, a GUID/],
      ["a Teams app id that is not a GUID", { teamsAppId: "bot" }, /"28:orgid:bot" is not a Teams app id/],
      ["a phone number not in E.164", { phoneNumber: "555-0123" }, /targets\[0\] "4:555-0123" is not a phone number in E\.164 form/],
    ] as Array<[string, Target, RegExp]>)("refuses %s with 400 naming the field", async (_, target, message) => {
      const { status, code, message: said } = await refusal(target);
      expect(status).toBe(400);
      expect(code).toBe("8523");
      expect(said).toMatch(message);
    });

    test.each([
      ["an ACS user", { communicationUserId: "8:acs:11111111-1111-1111-1111-111111111111_00000001-0000-0000-0000-000000000000" }],
      ["a Teams user", { microsoftTeamsUserId: "00000000-0000-0000-0000-000000000001" }],
      ["a phone number", { phoneNumber: "+14255550123" }],
    ] as Array<[string, Target]>)("accepts %s in its form", async (_, target) => {
      const { callConnectionProperties } = await h.client.createCall({ targetParticipant: target, sourceCallIdNumber: caller }, h.callbackUri);
      expect(callConnectionProperties.callConnectionId).toBeTruthy();
    });
  });

  test("refuses a rawId of no kind the service knows, listing the kinds", async () => {
    const answer = await h.control("PUT", `/emulator/parties/${encodeURIComponent("9:foo")}`, { behavior: "busy" });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^rawId "9:foo" is not an identifier the service knows\. A rawId starts with its kind: 4:\+14255550123 \(phone number, E\.164\), 8:acs:<resource>_<id> \(ACS user\)/);
  });

  describe("control-plane bodies", () => {
    test("refuse a field the operation does not take, naming it and the one it most likely meant", async () => {
      const answer = await h.control("PUT", `/emulator/parties/${encodeURIComponent("4:+14255550123")}`, { behaviour: "busy" });
      expect(answer.status).toBe(400);
      expect(answer.body.error.target).toBe("behaviour");
      expect(answer.body.error.message).toMatch(/^PUT \/emulator\/parties\/4:\+14255550123 does not take "behaviour" \(did you mean "behavior"\?\)\. It takes behavior, delayMs, input\./);
      expect((await h.control("GET", "/emulator/parties")).body).toEqual([]);
    });

    test("refuse an unknown field on every operation that takes a body, without a suggestion when nothing is close", async () => {
      for (const [path, body] of [
        ["/emulator/incoming-calls", { from: "4:+14255550123", to: "4:+18005550100", context: {} }],
        ["/emulator/faults", { action: "createCall", statusCode: 500 }],
        ["/emulator/calls", { participants: ["4:+14255550123"], zzz: 1 }],
      ] as const) {
        const answer = await h.control("POST", path, body);
        expect(answer.status, path).toBe(400);
        expect(answer.body.error.message, path).toMatch(/does not take "(context|statusCode|zzz)"/);
      }
      const faults = await h.control("POST", "/emulator/faults", { action: "createCall", statusCode: 500 });
      expect(faults.body.error.message).toMatch(/"statusCode" \(did you mean "status"\?\)/);
      const none = await h.control("POST", "/emulator/calls", { participants: ["4:+14255550123"], zzz: 1 });
      expect(none.body.error.message).not.toMatch(/did you mean/);
    });

    test("refuse a rawId without its prefix, showing the prefixed form", async () => {
      const phone = await h.control("PUT", `/emulator/parties/${encodeURIComponent("+14255550123")}`, { behavior: "busy" });
      expect(phone.status).toBe(400);
      expect(phone.body.error.message).toMatch(/^rawId "\+14255550123" is not an identifier the service knows \(did you mean 4:\+14255550123\?\)/);
      const user = await h.control("POST", "/emulator/incoming-calls", { from: "11111111-1111-1111-1111-111111111111_00000001-0000-0000-0000-000000000000", to: "4:+18005550100" });
      expect(user.status).toBe(400);
      expect(user.body.error.message).toMatch(/^from ".*" is not an identifier the service knows \(did you mean 8:acs:11111111-1111-1111-1111-111111111111_00000001-0000-0000-0000-000000000000\?\)/);
    });
  });

  describe("placing an incoming call", () => {
    test("is refused with 409 while no subscription for IncomingCall is validated, naming each and why", async () => {
      h.receiver.respondWith((r) => (r.headers["aeg-event-type"] === "SubscriptionValidation" ? { status: 403, body: "" } : undefined));
      const subscribed = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/broken") });
      h.receiver.respondWith(undefined);
      expect(subscribed.body.state).toBe("failed");
      const placed = await h.control("POST", "/emulator/incoming-calls", { from: "4:+14255550123", to: "4:+18005550100" });
      expect(placed.status).toBe(409);
      expect(placed.body.error.message).toContain(`${subscribed.body.id} (${h.receiver.url("/broken")}) is failed: The endpoint answered 403 to the validation event`);
      expect((await h.control("GET", "/emulator/calls")).body).toEqual([]);
    });

    test("goes ahead once one of them is validated", async () => {
      await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/manual"), eventTypes: ["Microsoft.Communication.IncomingCall"] });
      const good = await h.control("POST", "/emulator/subscriptions", { endpoint: h.receiver.url("/eventgrid") });
      expect(good.body.state).toBe("active");
      expect((await h.control("POST", "/emulator/incoming-calls", { from: "4:+14255550123", to: "4:+18005550100" })).status).toBe(201);
    });
  });
});
