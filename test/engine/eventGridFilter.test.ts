import { describe, expect, test } from "vitest";
import { checkEventGridFilter, matchesFilter, type FilterableEvent } from "../../emulator/engine/eventGridFilter.js";
import { InvalidArgumentError } from "../../emulator/engine/errors.js";

const event: FilterableEvent = {
  id: "1",
  topic: "/subscriptions/x/resourceGroups/callsim/providers/Microsoft.Communication/communicationServices/callsim",
  subject: "/caller/4:+14255550123/recipient/4:+18005550100",
  eventType: "Microsoft.Communication.IncomingCall",
  dataVersion: "1.0",
  data: {
    to: { kind: "phoneNumber", rawId: "4:+18005550100", phoneNumber: { value: "+18005550100" } },
    from: { kind: "phoneNumber", rawId: "4:+14255550123", phoneNumber: { value: "+14255550123" } },
    count: 5,
    isTwoParty: true,
    tags: ["Blue", "green"],
    nothing: null,
  },
};

const matches = (filter: unknown) => matchesFilter(checkEventGridFilter(filter), event);
const advanced = (operatorType: string, key: string, values: unknown, single = false) => ({ advancedFilters: [single ? { operatorType, key, value: values } : { operatorType, key, values }] });

describe("Event Grid subscription filter", () => {
  test("takes the event types it names, with or without the Microsoft.Communication prefix", () => {
    expect(matches({ includedEventTypes: ["Microsoft.Communication.IncomingCall"] })).toBe(true);
    expect(matches({ includedEventTypes: ["incomingcall"] })).toBe(true);
    expect(matches({ includedEventTypes: ["Microsoft.Communication.CallStarted"] })).toBe(false);
  });

  test("compares the subject's start and end without case unless isSubjectCaseSensitive", () => {
    expect(matches({ subjectBeginsWith: "/CALLER/4:+1425" })).toBe(true);
    expect(matches({ subjectEndsWith: "/RECIPIENT/4:+18005550100" })).toBe(true);
    expect(matches({ subjectBeginsWith: "/CALLER", isSubjectCaseSensitive: true })).toBe(false);
    expect(matches({ subjectBeginsWith: "/recipient" })).toBe(false);
  });

  test.each([
    ["StringBeginsWith", "data.to.rawid", ["4:"], true],
    ["StringBeginsWith", "data.to.rawid", ["8"], false],
    ["StringNotBeginsWith", "data.to.rawid", ["8"], true],
    ["StringNotBeginsWith", "data.to.rawid", ["8", "4"], false],
    ["StringContains", "data.From.PhoneNumber.Value", ["+19995550000", "5550123"], true],
    ["StringNotContains", "data.from.rawId", ["5550123"], false],
    ["StringEndsWith", "Subject", ["0100"], true],
    ["StringNotEndsWith", "subject", ["0199"], true],
    ["StringIn", "data.to.KIND", ["PhoneNumber"], true],
    ["StringNotIn", "data.to.kind", ["phonenumber", "communicationUser"], false],
    ["StringIn", "eventType", ["microsoft.communication.incomingcall"], true],
    ["NumberIn", "data.count", [1, 5], true],
    ["NumberNotIn", "data.count", [1, 5], false],
    ["NumberInRange", "data.count", [[0, 4], [5, 9]], true],
    ["NumberNotInRange", "data.count", [[0, 4]], true],
  ])("%s on %s %j is %s (string comparisons and keys ignore case)", (operatorType, key, values, expected) => {
    expect(matches(advanced(operatorType, key, values))).toBe(expected);
  });

  test.each([
    ["NumberGreaterThan", 4, true],
    ["NumberGreaterThan", 5, false],
    ["NumberGreaterThanOrEquals", 5, true],
    ["NumberLessThan", 5, false],
    ["NumberLessThanOrEquals", 5, true],
  ])("%s %d on data.count (5) is %s", (operatorType, value, expected) => {
    expect(matches(advanced(operatorType, "data.count", value, true))).toBe(expected);
  });

  test("BoolEquals compares booleans", () => {
    expect(matches(advanced("BoolEquals", "data.isTwoParty", true, true))).toBe(true);
    expect(matches(advanced("BoolEquals", "data.isTwoParty", false, true))).toBe(false);
  });

  test("a missing key matches only NumberNotIn, StringNotIn and IsNullOrUndefined, as the docs list", () => {
    expect(matches(advanced("StringNotBeginsWith", "data.missing", ["8"]))).toBe(false);
    expect(matches(advanced("StringNotContains", "data.missing", ["8"]))).toBe(false);
    expect(matches(advanced("NumberIn", "data.missing", [1]))).toBe(false);
    expect(matches(advanced("StringNotIn", "data.missing", ["8"]))).toBe(true);
    expect(matches(advanced("NumberNotIn", "data.missing", [1]))).toBe(true);
    expect(matches({ advancedFilters: [{ operatorType: "IsNullOrUndefined", key: "data.missing" }] })).toBe(true);
    expect(matches({ advancedFilters: [{ operatorType: "IsNullOrUndefined", key: "data.nothing" }] })).toBe(true);
    expect(matches({ advancedFilters: [{ operatorType: "IsNotNull", key: "data.to.rawId" }] })).toBe(true);
    expect(matches({ advancedFilters: [{ operatorType: "IsNotNull", key: "data.nothing" }] })).toBe(false);
  });

  test("an array value matches only with enableAdvancedFilteringOnArrays, then by any element", () => {
    expect(matches(advanced("StringIn", "data.tags", ["blue"]))).toBe(false);
    expect(matches({ ...advanced("StringIn", "data.tags", ["blue"]), enableAdvancedFilteringOnArrays: true })).toBe(true);
    expect(matches({ ...advanced("StringNotIn", "data.tags", ["green"]), enableAdvancedFilteringOnArrays: true })).toBe(false);
  });

  test("ANDs the advanced filters", () => {
    const both = {
      advancedFilters: [
        { operatorType: "StringContains", key: "data.From.PhoneNumber.Value", values: ["+14255550123"] },
        { operatorType: "StringNotBeginsWith", key: "data.to.rawid", values: ["8"] },
      ],
    };
    expect(matches(both)).toBe(true);
    both.advancedFilters[1].values = ["4"];
    expect(matches(both)).toBe(false);
  });

  test.each([
    [{ advancedFilters: [{ operatorType: "StringStartsWith", key: "data.x", values: ["a"] }] }, "filter.advancedFilters[0].operatorType"],
    [{ advancedFilters: [{ operatorType: "StringIn", key: "", values: ["a"] }] }, "filter.advancedFilters[0].key"],
    [{ advancedFilters: [{ operatorType: "StringIn", key: "data.x", values: [] }] }, "filter.advancedFilters[0].values"],
    [{ advancedFilters: [{ operatorType: "NumberIn", key: "data.x", values: ["1"] }] }, "filter.advancedFilters[0].values[0]"],
    [{ advancedFilters: [{ operatorType: "NumberLessThan", key: "data.x", values: [1] }] }, "filter.advancedFilters[0].value"],
    [{ advancedFilters: [{ operatorType: "NumberInRange", key: "data.x", values: [[1]] }] }, "filter.advancedFilters[0].values[0]"],
    [{ advancedFilters: Array.from({ length: 26 }, () => ({ operatorType: "IsNotNull", key: "data.x" })) }, "filter.advancedFilters"],
    [{ advancedFilters: [{ operatorType: "StringIn", key: "data.x", values: Array.from({ length: 26 }, (_, i) => `v${i}`) }] }, "filter.advancedFilters"],
    [{ subjectBeginsWith: 7 }, "filter.subjectBeginsWith"],
    [{ includedEventTypes: "IncomingCall" }, "filter.includedEventTypes"],
  ])("refuses %j naming %s", (filter, field) => {
    let error: unknown;
    try {
      checkEventGridFilter(filter);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).target).toBe(field);
  });
});
