import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { InvalidArgumentError } from "../../emulator/engine/errors.js";
import { checkRawId, phoneNumberFromModel, rawIdFromModel, toIdentifierModel } from "../../emulator/engine/identifiers.js";
import { isAcsUserRawId } from "../../emulator/engine/identifierRules.js";

// What a request may name and what it is told when it names nobody the service knows. The SDK
// always sends a rawId; other clients may send only the nested model, so both are read here.

const GUID = "4b5ea6e5-4ba2-4f80-a3b7-0d8e4a1a8d2c";

/** The field and the text of the InvalidArgumentError `run` throws. */
function refusal(run: () => unknown): { target?: string; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    const { target, message } = error as InvalidArgumentError;
    return { target, message };
  }
  throw new Error("expected a refusal");
}

describe("checkRawId", () => {
  test.each([
    "4:+14255550123",
    "4:+1425",
    "4:+142555501234567",
    "4:anonymous",
    "4:+14255550123_12345",
    "8:acs:resource_user",
    "8:dod-acs:resource_user",
    "8:gcch-acs:resource_user",
    "8:spool:abc",
    "8:teamsvisitor:visitor-1",
    `8:orgid:${GUID}`,
    `8:orgid:${GUID.toUpperCase()}`,
    `8:dod:${GUID}`,
    `8:gcch:${GUID}`,
    `28:orgid:${GUID}`,
    `28:gcch:${GUID}`,
    `28:dod:${GUID}`,
    "8:acs:resource_tenant_user",
  ])("accepts %s as it is", (rawId) => {
    expect(checkRawId(rawId, "targets[0]")).toBe(rawId);
  });

  const phone = 'is not a phone number in E.164 form: write 4:+<country code><number>, e.g. 4:+14255550123.';
  const acsUser = "is not an ACS user id: it has the form 8:acs:<resource>_<id>, as the Identity API gives it.";
  const teamsUser = "is not a Teams user id: 8:orgid: (or 8:dod:, 8:gcch:) is followed by the user's Entra object id, a GUID.";
  const teamsApp = "is not a Teams app id: 28:orgid: (or 28:dod:, 28:gcch:) is followed by the app's id, a GUID.";
  const extension = "is not a Teams extension user id: 8:acs:<resource>_<tenant>_<user>.";
  const forms = "4:+14255550123 (phone number, E.164), 8:acs:<resource>_<id> (ACS user), 8:orgid:<Entra object id> (Teams user), 28:orgid:<app id> (Teams app)";
  const unknown = (hint: string) => `is not an identifier the service knows${hint}. A rawId starts with its kind: ${forms}.`;
  test.each([
    ["4:14255550123", phone],
    ["4:+0425555012", phone],
    ["4:+142", phone],
    ["4:+1425555012345678", phone],
    ["4:x+14255550123", phone],
    ["4:+14255550123x", phone],
    ["4:", phone],
    ["8:acs:resource", acsUser],
    ["8:acs:", acsUser],
    ["8:acs:_user", acsUser],
    ["8:acs:resource_", acsUser],
    ["8:acs:res ource_user", acsUser],
    ["8:acs:resource_us er", acsUser],
    ["8:acs:a_b_c_d", acsUser],
    ["8:gcch-acs:resource", acsUser],
    ["8:spool:", acsUser],
    ["8:spool:a b", acsUser],
    ["8:orgid:not-a-guid", teamsUser],
    [`8:orgid:x${GUID}`, teamsUser],
    [`8:orgid:${GUID}x`, teamsUser],
    ["8:dod:user", teamsUser],
    ["8:teamsvisitor:", "names no Teams visitor."],
    ["28:orgid:app", teamsApp],
    [`28:dod:${GUID}0`, teamsApp],
    ["8:acs:resource__user", extension],
    ["8:acs:_tenant_user", extension],
    ["8:acs:resource_tenant_", extension],
    ["bob", unknown("")],
    ["9:x:y", unknown("")],
    ["", unknown("")],
    ["+1 (425) 555-0123", unknown(" (did you mean 4:+14255550123?)")],
    ["14255550123", unknown(" (did you mean 4:+14255550123?)")],
    ["+14255550123", unknown(" (did you mean 4:+14255550123?)")],
    ["1425", unknown(" (did you mean 4:+1425?)")],
    ["142", unknown("")],
    ["01425555012", unknown("")],
    ["1425555012345678", unknown("")],
    ["x14255550123", unknown("")],
    ["14255550123x", unknown("")],
    ["resource_user", unknown(" (did you mean 8:acs:resource_user?)")],
    ["resource_", unknown("")],
    ["resource_tenant_user", unknown("")],
    ["x resource_user", unknown("")],
    [GUID, unknown(` (did you mean 8:orgid:${GUID} for a Teams user?)`)],
    [`${GUID}0`, unknown("")],
    [`0${GUID}`, unknown("")],
  ])("refuses %j, naming the field and the form it should have", (rawId, why) => {
    expect(refusal(() => checkRawId(rawId, "targets[0]"))).toEqual({ target: "targets[0]", message: `targets[0] "${rawId}" ${why}` });
  });

  test("a rawId with a second colon after its prefix is no ACS user", () => {
    expect(refusal(() => checkRawId("8:acs:a:b_c", "source")).message).toBe(`source "8:acs:a:b_c" ${unknown("")}`);
  });
});

describe("isAcsUserRawId", () => {
  test.each([
    ["8:acs:resource_user", true],
    ["8:acs:resource", false],
    ["8:acs:resource_tenant_user", false],
    ["9:acs:resource_user", false],
    ["x8:acs:resource_user", false],
    ["8:acs:re source_user", false],
    ["8:acs:resource_us:er", false],
  ])("%s: %s", (rawId, expected) => {
    expect(isAcsUserRawId(rawId)).toBe(expected);
  });
});

describe("rawIdFromModel", () => {
  test.each([
    [{ rawId: "4:+14255550123" }, "4:+14255550123"],
    [{ rawId: "4:+14255550123", phoneNumber: null, communicationUser: undefined }, "4:+14255550123"],
    [{ rawId: "", phoneNumber: { value: "+14255550123" } }, "4:+14255550123"],
    [{ phoneNumber: { value: "+14255550123" } }, "4:+14255550123"],
    [{ communicationUser: { id: "8:acs:resource_user" } }, "8:acs:resource_user"],
    [{ communicationUser: { id: "8:acs:resource_tenant_user" } }, "8:acs:resource_tenant_user"],
    [{ communicationUser: { id: "8:spool:abc" } }, "8:spool:abc"],
    [{ microsoftTeamsUser: { userId: GUID } }, `8:orgid:${GUID}`],
    [{ microsoftTeamsUser: { userId: GUID, cloud: "public" } }, `8:orgid:${GUID}`],
    [{ microsoftTeamsUser: { userId: GUID, cloud: "dod" } }, `8:dod:${GUID}`],
    [{ microsoftTeamsUser: { userId: GUID, cloud: "gcch" } }, `8:gcch:${GUID}`],
    [{ microsoftTeamsUser: { userId: "visitor-1", isAnonymous: true } }, "8:teamsvisitor:visitor-1"],
    [{ microsoftTeamsUser: { userId: GUID, isAnonymous: false, cloud: "dod" } }, `8:dod:${GUID}`],
    [{ microsoftTeamsApp: { appId: GUID } }, `28:orgid:${GUID}`],
    [{ microsoftTeamsApp: { appId: GUID, cloud: "dod" } }, `28:dod:${GUID}`],
    [{ microsoftTeamsApp: { appId: GUID, cloud: "gcch" } }, `28:gcch:${GUID}`],
    [{ teamsExtensionUser: { resourceId: "resource", tenantId: "tenant", userId: "user" } }, "8:acs:resource_tenant_user"],
  ])("reads %j as %s", (model, rawId) => {
    expect(rawIdFromModel(model, "target")).toBe(rawId);
  });

  test.each([
    [undefined, "target", "target must be a CommunicationIdentifierModel object."],
    [null, "target", "target must be a CommunicationIdentifierModel object."],
    ["4:+14255550123", "target", "target must be a CommunicationIdentifierModel object."],
    [{}, "target", "target names nobody: give rawId or one of communicationUser, phoneNumber, microsoftTeamsUser, microsoftTeamsApp."],
    [{ rawId: 42 }, "target", "target names nobody: give rawId or one of communicationUser, phoneNumber, microsoftTeamsUser, microsoftTeamsApp."],
    [{ communicationUser: { id: "8:acs:r_u" }, phoneNumber: { value: "+14255550123" } }, "target", "target has communicationUser and phoneNumber; an identifier carries exactly one of them."],
    [{ microsoftTeamsApp: { appId: GUID }, teamsExtensionUser: { resourceId: "r", tenantId: "t", userId: "u" } }, "target", "target has microsoftTeamsApp and teamsExtensionUser; an identifier carries exactly one of them."],
    [{ microsoftTeamsUser: { userId: GUID }, microsoftTeamsApp: { appId: GUID } }, "target", "target has microsoftTeamsUser and microsoftTeamsApp; an identifier carries exactly one of them."],
    [{ communicationUser: { id: "bob" } }, "target.communicationUser.id", 'target.communicationUser.id "bob" is not an ACS user id: it has the form 8:acs:<resource>_<id>, as the Identity API gives it.'],
    [{ rawId: "4:+14255550123", communicationUser: { id: "bob" } }, "target.communicationUser.id", 'target.communicationUser.id "bob" is not an ACS user id: it has the form 8:acs:<resource>_<id>, as the Identity API gives it.'],
    [{ communicationUser: {} }, "target.communicationUser.id", "target.communicationUser.id is required and must be a non-empty string."],
    [{ communicationUser: { id: "" } }, "target.communicationUser.id", "target.communicationUser.id is required and must be a non-empty string."],
    [{ phoneNumber: { value: 14255550123 } }, "target.phoneNumber.value", "target.phoneNumber.value is required and must be a non-empty string."],
    [{ microsoftTeamsUser: {} }, "target.microsoftTeamsUser.userId", "target.microsoftTeamsUser.userId is required and must be a non-empty string."],
    [{ microsoftTeamsApp: { appId: "" } }, "target.microsoftTeamsApp.appId", "target.microsoftTeamsApp.appId is required and must be a non-empty string."],
    [{ teamsExtensionUser: { tenantId: "t", userId: "u" } }, "target.teamsExtensionUser.resourceId", "target.teamsExtensionUser.resourceId is required and must be a non-empty string."],
    [{ teamsExtensionUser: { resourceId: "r", userId: "u" } }, "target.teamsExtensionUser.tenantId", "target.teamsExtensionUser.tenantId is required and must be a non-empty string."],
    [{ teamsExtensionUser: { resourceId: "r", tenantId: "t" } }, "target.teamsExtensionUser.userId", "target.teamsExtensionUser.userId is required and must be a non-empty string."],
    [{ phoneNumber: { value: "425" } }, "target", 'target "4:425" is not a phone number in E.164 form: write 4:+<country code><number>, e.g. 4:+14255550123.'],
  ])("refuses %j, naming %s", (model, target, message) => {
    expect(refusal(() => rawIdFromModel(model, "target"))).toEqual({ target, message });
  });
});

describe("phoneNumberFromModel", () => {
  test("reads an E.164 number", () => {
    expect(phoneNumberFromModel({ value: "+18005550100" }, "sourceCallerIdNumber")).toBe("+18005550100");
  });

  test.each([undefined, {}, { value: 18005550100 }, { value: "18005550100" }, { value: "+18005550100 " }])("refuses %j, naming its value", (model) => {
    expect(refusal(() => phoneNumberFromModel(model, "sourceCallerIdNumber"))).toEqual({
      target: "sourceCallerIdNumber.value",
      message: "sourceCallerIdNumber.value must be a phone number in E.164 form (e.g. +18005550100).",
    });
  });
});

describe("toIdentifierModel", () => {
  // A rawId no test has named: its model is made here, not taken from the models kept.
  const userId = randomUUID();

  test("hands out the parser's model, frozen, nested object included", () => {
    const model = toIdentifierModel(`8:orgid:${userId}`);
    expect(model).toEqual({ kind: "microsoftTeamsUser", rawId: `8:orgid:${userId}`, microsoftTeamsUser: { userId, isAnonymous: false, cloud: "public" } });
    expect(Object.isFrozen(model)).toBe(true);
    expect(Object.isFrozen(model.microsoftTeamsUser)).toBe(true);
  });
});
