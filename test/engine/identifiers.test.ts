import { createIdentifierFromRawId, serializeCommunicationIdentifier } from "@azure/communication-common";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isPhoneNumber, parseRawId } from "../../emulator/engine/identifiers.js";

/** What the SDK's own parser and serializer make of a rawId, with `kind` as callsim adds it. */
function sdkModel(rawId: string) {
  const identifier = createIdentifierFromRawId(rawId);
  return { kind: identifier.kind, ...serializeCommunicationIdentifier(identifier) };
}

const PREFIXES = ["4:", "8:acs:", "8:dod-acs:", "8:gcch-acs:", "8:spool:", "8:teamsvisitor:", "8:orgid:", "8:dod:", "8:gcch:", "28:orgid:", "28:gcch:", "28:dod:", "8:", "28:", "9:x:", ""];

describe("rawId parsing matches @azure/communication-common", () => {
  it.each([
    "4:+14255550123",
    "4:anonymous",
    "4:+14255550123_12345",
    "4:+14255550123_",
    "8:acs:77777777-7777-7777-7777-777777777777_00000001-0000-0000-0000-000000000000",
    "8:acs:resource_tenant_user",
    "8:gcch-acs:resource_tenant_user",
    "8:dod-acs:a_b",
    "8:spool:abc",
    "8:teamsvisitor:visitor",
    "8:orgid:00000000-0000-0000-0000-000000000001",
    "8:dod:u",
    "8:gcch:u",
    "28:orgid:app",
    "28:gcch:app",
    "28:dod:app",
    "28:acs:app",
    "8:acs:a:b",
    "something",
    "",
  ])("%s", (rawId) => {
    expect(JSON.stringify(parseRawId(rawId))).toBe(JSON.stringify(sdkModel(rawId)));
    expect(isPhoneNumber(rawId)).toBe(sdkModel(rawId).kind === "phoneNumber");
  });

  it("for generated rawIds under every known prefix", () => {
    const rawIds = fc.tuple(fc.constantFrom(...PREFIXES), fc.string({ unit: fc.constantFrom("a", "1", "_", ":", "+", "-") })).map(([prefix, rest]) => prefix + rest);
    fc.assert(
      fc.property(rawIds, (rawId) => {
        expect(JSON.stringify(parseRawId(rawId))).toBe(JSON.stringify(sdkModel(rawId)));
      }),
      { seed: 42, numRuns: 2_000 },
    );
  });
});
