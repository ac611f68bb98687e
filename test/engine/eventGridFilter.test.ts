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

  test("takes an event whose type is any one of several named", () => {
    expect(matches({ includedEventTypes: ["CallStarted", "IncomingCall"] })).toBe(true);
    expect(matches({ includedEventTypes: ["IncomingCall", "CallStarted"] })).toBe(true);
  });

  test("a key below a range is outside it; a null key counts as missing, so only the 'not in' operators and IsNullOrUndefined match it", () => {
    expect(matches(advanced("NumberNotInRange", "data.count", [[6, 9]]))).toBe(true);
    expect(matches(advanced("NumberInRange", "data.count", [[6, 9]]))).toBe(false);
    expect(matches(advanced("StringNotContains", "data.nothing", ["x"]))).toBe(false);
    expect(matches(advanced("StringNotIn", "data.nothing", ["x"]))).toBe(true);
    expect(matches({ advancedFilters: [{ operatorType: "IsNullOrUndefined", key: "data.count" }] })).toBe(false);
    expect(matches({ advancedFilters: [{ operatorType: "IsNullOrUndefined", key: "data.tags" }], enableAdvancedFilteringOnArrays: true })).toBe(false);
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

describe("Event Grid subscription filter, edges", () => {
  test("no filter, or null, takes every event", () => {
    expect(checkEventGridFilter(undefined)).toEqual({});
    expect(checkEventGridFilter(null)).toEqual({});
    expect(matches({})).toBe(true);
    expect(matches({ includedEventTypes: [] })).toBe(true);
    expect(matches({ subjectBeginsWith: "" })).toBe(true);
  });

  test("subjects compare with case when isSubjectCaseSensitive, at both ends", () => {
    expect(matches({ subjectBeginsWith: "/caller/4:", isSubjectCaseSensitive: true })).toBe(true);
    expect(matches({ subjectEndsWith: "/RECIPIENT/4:+18005550100", isSubjectCaseSensitive: true })).toBe(false);
    expect(matches({ subjectEndsWith: "/recipient/4:+18005550100", isSubjectCaseSensitive: true })).toBe(true);
    expect(matches({ subjectEndsWith: "/caller" })).toBe(false);
    expect(matches({ subjectBeginsWith: "/caller", subjectEndsWith: "/caller" })).toBe(false);
  });

  test("ranges include both ends; NumberNotInRange matches outside every range", () => {
    expect(matches(advanced("NumberInRange", "data.count", [[5, 6]]))).toBe(true);
    expect(matches(advanced("NumberInRange", "data.count", [[4, 5]]))).toBe(true);
    expect(matches(advanced("NumberInRange", "data.count", [[6, 9]]))).toBe(false);
    expect(matches(advanced("NumberInRange", "data.count", [[0, 4]]))).toBe(false);
    expect(matches(advanced("NumberNotInRange", "data.count", [[0, 4], [5, 5]]))).toBe(false);
    expect(matches(advanced("NumberLessThan", "data.count", 6, true))).toBe(true);
    expect(matches(advanced("NumberLessThanOrEquals", "data.count", 4, true))).toBe(false);
    expect(matches(advanced("NumberGreaterThanOrEquals", "data.count", 6, true))).toBe(false);
  });

  test("string operators: contains, ends, in and their negations, ignoring case", () => {
    expect(matches(advanced("StringContains", "subject", ["RECIPIENT"]))).toBe(true);
    expect(matches(advanced("StringContains", "subject", ["nowhere"]))).toBe(false);
    expect(matches(advanced("StringNotContains", "subject", ["nowhere"]))).toBe(true);
    expect(matches(advanced("StringEndsWith", "subject", ["0199"]))).toBe(false);
    expect(matches(advanced("StringNotEndsWith", "subject", ["0100"]))).toBe(false);
    expect(matches(advanced("StringBeginsWith", "subject", ["/CALLER"]))).toBe(true);
    expect(matches(advanced("StringIn", "data.to.kind", ["communicationUser"]))).toBe(false);
    expect(matches(advanced("StringNotIn", "data.to.kind", ["communicationUser"]))).toBe(true);
    expect(matches(advanced("NumberNotIn", "data.count", [1, 2]))).toBe(true);
    expect(matches(advanced("NumberIn", "data.count", [1, 2]))).toBe(false);
  });

  test("a key value of another type than the operator's never matches, nor does a key under a value that is not an object", () => {
    expect(matches(advanced("NumberIn", "data.to.rawId", [5]))).toBe(false);
    expect(matches(advanced("StringIn", "data.count", ["5"]))).toBe(false);
    expect(matches(advanced("BoolEquals", "data.count", true, true))).toBe(false);
    expect(matches(advanced("StringIn", "data.to.rawId.more", ["x"]))).toBe(false);
    expect(matches({ ...advanced("StringIn", "data.tags.0", ["blue"]), enableAdvancedFilteringOnArrays: true })).toBe(false);
    expect(matches({ advancedFilters: [{ operatorType: "IsNullOrUndefined", key: "data.nothing.deeper" }] })).toBe(true);
    expect(matches({ advancedFilters: [{ operatorType: "IsNotNull", key: "data.missing" }] })).toBe(false);
    expect(matches(advanced("NumberNotInRange", "data.missing", [[0, 1]]))).toBe(true);
    expect(matches(advanced("NumberLessThan", "data.missing", 1, true))).toBe(false);
  });

  test("an array key matches by any element of the operator's type", () => {
    const arrays = (filter: object) => matches({ ...filter, enableAdvancedFilteringOnArrays: true });
    expect(arrays(advanced("StringIn", "data.tags", ["GREEN"]))).toBe(true);
    expect(arrays(advanced("StringIn", "data.tags", ["red"]))).toBe(false);
    expect(arrays(advanced("StringNotIn", "data.tags", ["red"]))).toBe(true);
    expect(matches({ ...advanced("StringIn", "data.tags", ["blue"]), enableAdvancedFilteringOnArrays: false })).toBe(false);
  });

  test("operator names ignore case and are stored as Event Grid spells them; string values are lower-cased", () => {
    const filter = checkEventGridFilter({ advancedFilters: [{ operatorType: "stringin", key: "data.to.kind", values: ["PhoneNumber"] }, { operatorType: "numberin", key: "data.count", values: [5] }] });
    expect(filter.advancedFilters).toEqual([
      { operatorType: "StringIn", key: "data.to.kind", values: ["phonenumber"] },
      { operatorType: "NumberIn", key: "data.count", values: [5] },
    ]);
    expect(checkEventGridFilter({ advancedFilters: [{ operatorType: "IsNotNull", key: "data.x", values: ["ignored"] }] }).advancedFilters).toEqual([{ operatorType: "IsNotNull", key: "data.x" }]);
    expect(checkEventGridFilter({ advancedFilters: [{ operatorType: "BoolEquals", key: "data.x", value: false }] }).advancedFilters).toEqual([{ operatorType: "BoolEquals", key: "data.x", value: false }]);
    expect(checkEventGridFilter({ isSubjectCaseSensitive: false, enableAdvancedFilteringOnArrays: true, subjectEndsWith: "x" })).toEqual({ isSubjectCaseSensitive: false, enableAdvancedFilteringOnArrays: true, subjectEndsWith: "x" });
  });

  test("takes up to Event Grid's limits: 25 filters, 25 values across them, 512 characters a string", () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ operatorType: "NumberLessThan", key: "data.x", value: i }));
    expect(checkEventGridFilter({ advancedFilters: many(25) }).advancedFilters).toHaveLength(25);
    expect(checkEventGridFilter({ advancedFilters: [{ operatorType: "StringIn", key: "data.x", values: ["a".repeat(512)] }] }).advancedFilters).toHaveLength(1);
    expect(checkEventGridFilter({ advancedFilters: [{ operatorType: "NumberIn", key: "data.x", values: Array.from({ length: 24 }, (_, i) => i) }, { operatorType: "IsNotNull", key: "data.y" }] }).advancedFilters).toHaveLength(2);
    // A filter without values (IsNotNull) adds none to the 25.
    expect(checkEventGridFilter({ advancedFilters: [{ operatorType: "NumberIn", key: "data.x", values: Array.from({ length: 25 }, (_, i) => i) }, { operatorType: "IsNotNull", key: "data.y" }] }).advancedFilters).toHaveLength(2);
  });

  const refusal = (filter: unknown) => {
    try {
      checkEventGridFilter(filter, "f");
    } catch (e) {
      return { target: (e as InvalidArgumentError).target, message: (e as Error).message };
    }
    return undefined;
  };

  test.each([
    ["an array", [], "f", "f must be an object, as Event Grid's subscription filter."],
    ["a string", "IncomingCall", "f", "f must be an object, as Event Grid's subscription filter."],
    ["event types with a number", { includedEventTypes: ["IncomingCall", 1] }, "f.includedEventTypes", 'f.includedEventTypes must be an array of event type names, e.g. ["Microsoft.Communication.IncomingCall"].'],
    ["a subject end that is not a string", { subjectEndsWith: 1 }, "f.subjectEndsWith", "f.subjectEndsWith must be a string."],
    ["a case flag that is not boolean", { isSubjectCaseSensitive: "yes" }, "f.isSubjectCaseSensitive", "f.isSubjectCaseSensitive must be true or false."],
    ["an arrays flag that is not boolean", { enableAdvancedFilteringOnArrays: 1 }, "f.enableAdvancedFilteringOnArrays", "f.enableAdvancedFilteringOnArrays must be true or false."],
    ["advanced filters that are not an array", { advancedFilters: {} }, "f.advancedFilters", "f.advancedFilters must be an array of { operatorType, key, value(s) }."],
    ["26 advanced filters", { advancedFilters: Array.from({ length: 26 }, () => ({ operatorType: "IsNotNull", key: "data.x" })) }, "f.advancedFilters", "Event Grid allows at most 25 advanced filters; got 26."],
    ["26 values counting single ones", { advancedFilters: [{ operatorType: "NumberIn", key: "data.x", values: Array.from({ length: 24 }, (_, i) => i) }, { operatorType: "NumberLessThan", key: "data.y", value: 1 }, { operatorType: "BoolEquals", key: "data.z", value: true }] }, "f.advancedFilters", "Event Grid allows at most 25 values across all advanced filters; got 26."],
    ["a null advanced filter", { advancedFilters: [null] }, "f.advancedFilters[0]", "f.advancedFilters[0] must be an object { operatorType, key, value(s) }."],
    ["a string as advanced filter", { advancedFilters: ["IsNotNull"] }, "f.advancedFilters[0]", "f.advancedFilters[0] must be an object { operatorType, key, value(s) }."],
    ["an array as advanced filter", { advancedFilters: [[]] }, "f.advancedFilters[0]", "f.advancedFilters[0] must be an object { operatorType, key, value(s) }."],
    ["a missing operator", { advancedFilters: [{ key: "data.x" }] }, "f.advancedFilters[0].operatorType", /^f\.advancedFilters\[0\]\.operatorType must be one of NumberIn, NumberNotIn, .*, IsNotNull; got undefined\.$/],
    ["a key that is not a string", { advancedFilters: [{ operatorType: "IsNotNull", key: 3 }] }, "f.advancedFilters[0].key", 'f.advancedFilters[0].key must name an event field, e.g. "data.to.rawId" or "subject".'],
    ["a single value of the wrong type", { advancedFilters: [{ operatorType: "BoolEquals", key: "data.x", value: "true" }] }, "f.advancedFilters[0].value", "BoolEquals takes one boolean in f.advancedFilters[0].value."],
    ["values that are not an array", { advancedFilters: [{ operatorType: "StringIn", key: "data.x", values: "a" }] }, "f.advancedFilters[0].values", "StringIn takes a non-empty array in f.advancedFilters[0].values."],
    ["a range of three", { advancedFilters: [{ operatorType: "NumberInRange", key: "data.x", values: [[1, 2, 3]] }] }, "f.advancedFilters[0].values[0]", "NumberInRange takes ranges: f.advancedFilters[0].values[0] must be [low, high]."],
    ["a range of strings", { advancedFilters: [{ operatorType: "NumberNotInRange", key: "data.x", values: [[0, 1], ["1", 2]] }] }, "f.advancedFilters[0].values[1]", "NumberNotInRange takes ranges: f.advancedFilters[0].values[1] must be [low, high]."],
    ["a number among strings", { advancedFilters: [{ operatorType: "StringIn", key: "data.x", values: ["a", 1] }] }, "f.advancedFilters[0].values[1]", "StringIn compares strings; f.advancedFilters[0].values[1] is 1."],
    ["a string of 513 characters", { advancedFilters: [{ operatorType: "StringContains", key: "data.x", values: ["a".repeat(513)] }] }, "f.advancedFilters[0].values[0]", "f.advancedFilters[0].values[0] is longer than Event Grid's 512 characters."],
  ])("refuses %s, naming the field", (_, filter, target, message) => {
    const refused = refusal(filter);
    expect(refused?.target).toBe(target);
    if (typeof message === "string") expect(refused?.message).toBe(message);
    else expect(refused?.message).toMatch(message);
  });
});
