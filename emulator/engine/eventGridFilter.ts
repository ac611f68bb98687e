import { InvalidArgumentError } from "./errors.js";

/**
 * An Event Grid subscription's `filter`, as Event Grid takes it: event types, subject prefix
 * and suffix, and advanced filters on event keys.
 * @see https://learn.microsoft.com/azure/event-grid/event-filtering
 */
export interface EventGridFilter {
  includedEventTypes?: string[];
  subjectBeginsWith?: string;
  subjectEndsWith?: string;
  /** Subject comparisons ignore case unless this is true (Event Grid's default is false). */
  isSubjectCaseSensitive?: boolean;
  /** Lets advanced filters look into array values; without it an array never matches. */
  enableAdvancedFilteringOnArrays?: boolean;
  advancedFilters?: AdvancedFilter[];
}

/** One advanced filter: an operator, the key it reads and the value(s) it compares with. */
export interface AdvancedFilter {
  operatorType: AdvancedFilterOperator;
  key: string;
  value?: number | boolean;
  values?: Array<string | number | [number, number]>;
}

type Scalar = string | number | boolean;
type Test = (key: Scalar, filter: any) => boolean;

/** How each operator compares one key value with one filter value, and over which type. */
const OPERATORS = {
  NumberIn: { type: "number", many: true, test: (k, f) => k === f },
  NumberNotIn: { type: "number", many: true, negated: true, test: (k, f) => k === f },
  NumberLessThan: { type: "number", many: false, test: (k, f) => (k as number) < f },
  NumberGreaterThan: { type: "number", many: false, test: (k, f) => (k as number) > f },
  NumberLessThanOrEquals: { type: "number", many: false, test: (k, f) => (k as number) <= f },
  NumberGreaterThanOrEquals: { type: "number", many: false, test: (k, f) => (k as number) >= f },
  NumberInRange: { type: "number", many: true, range: true, test: (k, [lo, hi]) => (k as number) >= lo && (k as number) <= hi },
  NumberNotInRange: { type: "number", many: true, range: true, negated: true, test: (k, [lo, hi]) => (k as number) >= lo && (k as number) <= hi },
  BoolEquals: { type: "boolean", many: false, test: (k, f) => k === f },
  StringContains: { type: "string", many: true, test: (k, f) => lower(k).includes(f) },
  StringNotContains: { type: "string", many: true, negated: true, test: (k, f) => lower(k).includes(f) },
  StringBeginsWith: { type: "string", many: true, test: (k, f) => lower(k).startsWith(f) },
  StringNotBeginsWith: { type: "string", many: true, negated: true, test: (k, f) => lower(k).startsWith(f) },
  StringEndsWith: { type: "string", many: true, test: (k, f) => lower(k).endsWith(f) },
  StringNotEndsWith: { type: "string", many: true, negated: true, test: (k, f) => lower(k).endsWith(f) },
  StringIn: { type: "string", many: true, test: (k, f) => lower(k) === f },
  StringNotIn: { type: "string", many: true, negated: true, test: (k, f) => lower(k) === f },
  // No comparison: whether the key is there decides (MATCH_WHEN_MISSING and matchesAdvanced).
  IsNullOrUndefined: { type: "any" },
  IsNotNull: { type: "any" },
} satisfies Record<string, { type: "number" | "string" | "boolean" | "any"; many?: boolean; negated?: boolean; range?: boolean; test?: Test }>;

/** The advanced filter operators Event Grid documents. */
export type AdvancedFilterOperator = keyof typeof OPERATORS;

/**
 * Operators that match an event lacking the key (the docs: NumberNotIn and StringNotIn
 * "evaluated as matched"; every other comparison "not matched"). NumberNotInRange is not in
 * either list; like the other "not in" operators it matches (assumed).
 */
const MATCH_WHEN_MISSING = new Set<string>(["NumberNotIn", "StringNotIn", "NumberNotInRange", "IsNullOrUndefined"]);

/** Event Grid's limits: 25 advanced filters and 25 values across them, 512 characters a string. */
export const ADVANCED_FILTER_LIMITS = { filters: 25, values: 25, stringLength: 512 } as const;

function lower(value: Scalar): string {
  return String(value).toLowerCase();
}

/**
 * Checks a filter as Event Grid does when the subscription is created, and returns it with
 * string values lower-cased for matching. Errors name the field to fix.
 */
export function checkEventGridFilter(input: unknown, field = "filter"): EventGridFilter {
  if (input === undefined || input === null) return {};
  if (typeof input !== "object" || Array.isArray(input)) throw new InvalidArgumentError(field, `${field} must be an object, as Event Grid's subscription filter.`);
  const raw = input as Record<string, unknown>;
  const filter: EventGridFilter = {};
  if (raw.includedEventTypes !== undefined) {
    if (!Array.isArray(raw.includedEventTypes) || raw.includedEventTypes.some((t) => typeof t !== "string")) {
      throw new InvalidArgumentError(`${field}.includedEventTypes`, `${field}.includedEventTypes must be an array of event type names, e.g. ["Microsoft.Communication.IncomingCall"].`);
    }
    filter.includedEventTypes = raw.includedEventTypes as string[];
  }
  for (const name of ["subjectBeginsWith", "subjectEndsWith"] as const) {
    if (raw[name] === undefined) continue;
    if (typeof raw[name] !== "string") throw new InvalidArgumentError(`${field}.${name}`, `${field}.${name} must be a string.`);
    filter[name] = raw[name] as string;
  }
  for (const name of ["isSubjectCaseSensitive", "enableAdvancedFilteringOnArrays"] as const) {
    if (raw[name] === undefined) continue;
    if (typeof raw[name] !== "boolean") throw new InvalidArgumentError(`${field}.${name}`, `${field}.${name} must be true or false.`);
    filter[name] = raw[name] as boolean;
  }
  if (raw.advancedFilters !== undefined) {
    if (!Array.isArray(raw.advancedFilters)) throw new InvalidArgumentError(`${field}.advancedFilters`, `${field}.advancedFilters must be an array of { operatorType, key, value(s) }.`);
    if (raw.advancedFilters.length > ADVANCED_FILTER_LIMITS.filters) {
      throw new InvalidArgumentError(`${field}.advancedFilters`, `Event Grid allows at most ${ADVANCED_FILTER_LIMITS.filters} advanced filters; got ${raw.advancedFilters.length}.`);
    }
    filter.advancedFilters = raw.advancedFilters.map((f, i) => checkAdvancedFilter(f, `${field}.advancedFilters[${i}]`));
    const values = filter.advancedFilters.reduce((n, f) => n + (f.values?.length ?? (f.value === undefined ? 0 : 1)), 0);
    if (values > ADVANCED_FILTER_LIMITS.values) {
      throw new InvalidArgumentError(`${field}.advancedFilters`, `Event Grid allows at most ${ADVANCED_FILTER_LIMITS.values} values across all advanced filters; got ${values}.`);
    }
  }
  return filter;
}

function checkAdvancedFilter(input: unknown, field: string): AdvancedFilter {
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new InvalidArgumentError(field, `${field} must be an object { operatorType, key, value(s) }.`);
  const raw = input as Record<string, unknown>;
  const name = Object.keys(OPERATORS).find((o) => o.toLowerCase() === String(raw.operatorType).toLowerCase()) as AdvancedFilterOperator | undefined;
  if (!name) throw new InvalidArgumentError(`${field}.operatorType`, `${field}.operatorType must be one of ${Object.keys(OPERATORS).join(", ")}; got ${JSON.stringify(raw.operatorType)}.`);
  if (typeof raw.key !== "string" || raw.key.length === 0) throw new InvalidArgumentError(`${field}.key`, `${field}.key must name an event field, e.g. "data.to.rawId" or "subject".`);
  const operator = OPERATORS[name] as (typeof OPERATORS)[AdvancedFilterOperator] & { range?: boolean };
  const filter: AdvancedFilter = { operatorType: name, key: raw.key };
  if (operator.type === "any") return filter;
  if (!operator.many) {
    if (typeof raw.value !== operator.type) throw new InvalidArgumentError(`${field}.value`, `${name} takes one ${operator.type} in ${field}.value.`);
    filter.value = raw.value as number | boolean;
    return filter;
  }
  if (!Array.isArray(raw.values) || raw.values.length === 0) throw new InvalidArgumentError(`${field}.values`, `${name} takes a non-empty array in ${field}.values.`);
  filter.values = raw.values.map((v, i) => {
    const at = `${field}.values[${i}]`;
    if (operator.range) {
      if (!Array.isArray(v) || v.length !== 2 || v.some((n) => typeof n !== "number")) throw new InvalidArgumentError(at, `${name} takes ranges: ${at} must be [low, high].`);
      return v as [number, number];
    }
    if (typeof v !== operator.type) throw new InvalidArgumentError(at, `${name} compares ${operator.type}s; ${at} is ${JSON.stringify(v)}.`);
    return typeof v === "string" ? checkStringValue(v, at) : (v as number);
  });
  return filter;
}

function checkStringValue(value: string, at: string): string {
  if (value.length > ADVANCED_FILTER_LIMITS.stringLength) throw new InvalidArgumentError(at, `${at} is longer than Event Grid's ${ADVANCED_FILTER_LIMITS.stringLength} characters.`);
  // String comparisons ignore case (the docs): compare lower-cased on both sides.
  return value.toLowerCase();
}

/** An Event Grid schema event, as the filter sees it. */
export interface FilterableEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: string;
  dataVersion: string;
  data: unknown;
}

/** Whether Event Grid delivers `event` to a subscription with `filter`. */
export function matchesFilter(filter: EventGridFilter, event: FilterableEvent): boolean {
  if (filter.includedEventTypes && filter.includedEventTypes.length > 0) {
    const type = event.eventType.toLowerCase();
    if (!filter.includedEventTypes.some((t) => t.toLowerCase() === type || `microsoft.communication.${t.toLowerCase()}` === type)) return false;
  }
  const sensitive = filter.isSubjectCaseSensitive === true;
  const subject = sensitive ? event.subject : event.subject.toLowerCase();
  const fold = (s: string) => (sensitive ? s : s.toLowerCase());
  if (filter.subjectBeginsWith && !subject.startsWith(fold(filter.subjectBeginsWith))) return false;
  if (filter.subjectEndsWith && !subject.endsWith(fold(filter.subjectEndsWith))) return false;
  // Advanced filters are ANDed; each one's values are ORed (negated operators: none may match).
  return (filter.advancedFilters ?? []).every((f) => matchesAdvanced(f, event, filter.enableAdvancedFilteringOnArrays === true));
}

function matchesAdvanced(filter: AdvancedFilter, event: FilterableEvent, arrays: boolean): boolean {
  const found = readKey(event, filter.key);
  if (filter.operatorType === "IsNotNull") return found !== undefined && found !== null;
  if (found === undefined || found === null) return MATCH_WHEN_MISSING.has(filter.operatorType);
  if (Array.isArray(found) && !arrays) return false;
  const operator = OPERATORS[filter.operatorType] as { type: string; negated?: boolean; test?: Test };
  // Key values of another type than the operator's are ignored (the docs' pseudo code); no key
  // value has type "any", so IsNullOrUndefined finds none to compare and does not match a value.
  const keys = (Array.isArray(found) ? found : [found]).filter((k): k is Scalar => typeof k === operator.type);
  const wanted = filter.values ?? [filter.value];
  const hit = keys.some((k) => wanted.some((f) => operator.test!(k, f)));
  return operator.negated ? !hit : hit;
}

/**
 * Reads `data.to.rawId` (or `subject`, `eventType`...) from the event. Each segment is
 * matched without regard to case, as the portal's keys (`data.From.PhoneNumber.Value`) expect.
 */
function readKey(event: FilterableEvent, key: string): unknown {
  let current: unknown = event;
  for (const segment of key.split(".")) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
    const wanted = segment.toLowerCase();
    const name = Object.keys(current).find((k) => k.toLowerCase() === wanted);
    if (name === undefined) return undefined;
    current = (current as Record<string, unknown>)[name];
  }
  return current;
}
