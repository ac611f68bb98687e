import { InvalidArgumentError } from "./errors.js";
import { checkIdentifierModel, E164 } from "./identifierRules.js";

/** The kinds of identifier the service knows. */
export type IdentifierKind =
  | "communicationUser"
  | "phoneNumber"
  | "microsoftTeamsUser"
  | "microsoftTeamsApp"
  | "teamsExtensionUser"
  | "unknown";

type Cloud = "public" | "dod" | "gcch";

/** The identifier model as it travels on the wire (common.json CommunicationIdentifierModel). */
export interface IdentifierModel {
  kind: IdentifierKind;
  rawId: string;
  communicationUser?: { id: string };
  phoneNumber?: { value: string; isAnonymous: boolean; assertedId?: string };
  microsoftTeamsUser?: { userId: string; isAnonymous: boolean; cloud: Cloud };
  microsoftTeamsApp?: { appId: string; cloud: Cloud };
  teamsExtensionUser?: { userId: string; tenantId: string; resourceId: string; cloud: Cloud };
}

/*
 * The rawId grammar of @azure/communication-common 2.4.2 (createIdentifierFromRawId and
 * serializeCommunicationIdentifier), written out here because importing that package costs a
 * quarter of callsim's start (it brings the SDK's whole HTTP pipeline). A test holds the two
 * parsers to the same answer for every prefix and for generated rawIds.
 */
const TEAMS_USER: Record<string, { cloud: Cloud; isAnonymous: boolean }> = {
  "8:teamsvisitor:": { cloud: "public", isAnonymous: true },
  "8:orgid:": { cloud: "public", isAnonymous: false },
  "8:dod:": { cloud: "dod", isAnonymous: false },
  "8:gcch:": { cloud: "gcch", isAnonymous: false },
};
const ACS_USER: Record<string, Cloud> = { "8:acs:": "public", "8:dod-acs:": "dod", "8:gcch-acs:": "gcch" };
const TEAMS_APP: Record<string, Cloud> = { "28:orgid:": "public", "28:gcch:": "gcch", "28:dod:": "dod" };

/**
 * The full wire model (kind, rawId and the nested object) for a rawId: what the SDK's own
 * parser and serializer produce, so what callsim sends back is what the SDK would.
 */
export function toIdentifierModel(rawId: string): IdentifierModel {
  let model = models.get(rawId);
  if (model === undefined) {
    // Stryker disable next-line all: keeping models only saves work; a rawId's model is the same kept, dropped or made again.
    if (models.size >= MODEL_CACHE_LIMIT) models.clear();
    model = deepFreeze(parseRawId(rawId));
    models.set(rawId, model);
  }
  return model;
}

/**
 * Models by rawId: a call names the same few parties in every response and event. Each model
 * is frozen, since every holder shares it; whatever leaves the emulator is a copy (JSON, or
 * the plain copy an in-process handler gets).
 */
const models = new Map<string, IdentifierModel>();
const MODEL_CACHE_LIMIT = 10_000;

function deepFreeze<T extends object>(value: T): T {
  // Object.freeze leaves a primitive as it is: every member can go through it.
  for (const member of Object.values(value)) Object.freeze(member);
  return Object.freeze(value);
}

/** The rawId parser itself, without the kept models: what the test holds to the SDK's parser. */
export function parseRawId(rawId: string): IdentifierModel {
  if (rawId.startsWith("4:")) {
    const value = rawId.slice(2);
    const isAnonymous = value === "anonymous";
    const assertedIdIndex = isAnonymous ? -1 : value.lastIndexOf("_") + 1;
    const assertedId = assertedIdIndex > 0 && assertedIdIndex < value.length ? value.slice(assertedIdIndex) : undefined;
    return { kind: "phoneNumber", rawId, phoneNumber: { value, isAnonymous, assertedId } };
  }
  const segments = rawId.split(":");
  if (segments.length !== 3) return { kind: "unknown", rawId };
  const prefix = `${segments[0]}:${segments[1]}:`;
  const suffix = segments[2];
  const teamsUser = TEAMS_USER[prefix];
  if (teamsUser) return { kind: "microsoftTeamsUser", rawId, microsoftTeamsUser: { userId: suffix, isAnonymous: teamsUser.isAnonymous, cloud: teamsUser.cloud } };
  const acsCloud = ACS_USER[prefix];
  if (acsCloud) {
    const parts = suffix.split("_");
    if (parts.length !== 3) return { kind: "communicationUser", rawId, communicationUser: { id: rawId } };
    return { kind: "teamsExtensionUser", rawId, teamsExtensionUser: { userId: parts[2], tenantId: parts[1], resourceId: parts[0], cloud: acsCloud } };
  }
  if (prefix === "8:spool:") return { kind: "communicationUser", rawId, communicationUser: { id: rawId } };
  const appCloud = TEAMS_APP[prefix];
  if (appCloud) return { kind: "microsoftTeamsApp", rawId, microsoftTeamsApp: { appId: suffix, cloud: appCloud } };
  return { kind: "unknown", rawId };
}

/** The kind of identifier a rawId names. */
export function identifierKind(rawId: string): IdentifierKind {
  return toIdentifierModel(rawId).kind;
}

/** True for `4:` phone numbers (PSTN legs need a caller id). */
export function isPhoneNumber(rawId: string): boolean {
  return rawId.startsWith("4:");
}

/**
 * Checks that a rawId has the form its kind has in the service (see `checkIdentifierModel`):
 * what every identifier a request or the control plane names goes through.
 * @throws {InvalidArgumentError} naming `field`, the rawId and the form it should have
 */
export function checkRawId(rawId: string, field: string): string {
  return checkIdentifierModel(toIdentifierModel(rawId), field);
}

/**
 * Reads an identifier from a request body. The SDK always sends `rawId`, but other clients
 * may send only the nested model (the spec makes rawId and kind optional in requests).
 * @param field - the request path of the value, named in the error the caller gets back
 */
export function rawIdFromModel(model: unknown, field: string): string {
  if (!model || typeof model !== "object") {
    throw new InvalidArgumentError(field, `${field} must be a CommunicationIdentifierModel object.`);
  }
  const m = model as Record<string, any>;
  const nested = ["communicationUser", "phoneNumber", "microsoftTeamsUser", "microsoftTeamsApp", "teamsExtensionUser"].filter(
    (key) => m[key] != null,
  );
  if (nested.length > 1) {
    throw new InvalidArgumentError(field, `${field} has ${nested.join(" and ")}; an identifier carries exactly one of them.`);
  }
  const derived = derivedRawId(m, field);
  const rawId = typeof m.rawId === "string" && m.rawId.length > 0 ? m.rawId : derived;
  if (!rawId) {
    throw new InvalidArgumentError(field, `${field} names nobody: give rawId or one of communicationUser, phoneNumber, microsoftTeamsUser, microsoftTeamsApp.`);
  }
  // derivedRawId has already refused a communicationUser.id that is not a string.
  if (m.communicationUser && identifierKind(rawId) !== "communicationUser" && identifierKind(rawId) !== "teamsExtensionUser") {
    // The SDK turns communicationUserId "bob" into rawId "bob": name the field the app set.
    throw new InvalidArgumentError(`${field}.communicationUser.id`, `${field}.communicationUser.id "${m.communicationUser.id}" is not an ACS user id: it has the form 8:acs:<resource>_<id>, as the Identity API gives it.`);
  }
  return checkRawId(rawId, field);
}

function derivedRawId(m: Record<string, any>, field: string): string | undefined {
  if (m.communicationUser) return requireString(m.communicationUser.id, `${field}.communicationUser.id`);
  if (m.phoneNumber) return `4:${requireString(m.phoneNumber.value, `${field}.phoneNumber.value`)}`;
  if (m.microsoftTeamsUser) {
    const userId = requireString(m.microsoftTeamsUser.userId, `${field}.microsoftTeamsUser.userId`);
    if (m.microsoftTeamsUser.isAnonymous) return `8:teamsvisitor:${userId}`;
    // Any cloud but dod and gcch, none included, is the public one.
    const cloud = m.microsoftTeamsUser.cloud;
    return `8:${cloud === "dod" ? "dod" : cloud === "gcch" ? "gcch" : "orgid"}:${userId}`;
  }
  if (m.microsoftTeamsApp) {
    const appId = requireString(m.microsoftTeamsApp.appId, `${field}.microsoftTeamsApp.appId`);
    const cloud = m.microsoftTeamsApp.cloud;
    return `28:${cloud === "dod" ? "dod" : cloud === "gcch" ? "gcch" : "orgid"}:${appId}`;
  }
  if (m.teamsExtensionUser) {
    const u = m.teamsExtensionUser;
    return `8:acs:${requireString(u.resourceId, `${field}.teamsExtensionUser.resourceId`)}_${requireString(u.tenantId, `${field}.teamsExtensionUser.tenantId`)}_${requireString(u.userId, `${field}.teamsExtensionUser.userId`)}`;
  }
  return undefined;
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new InvalidArgumentError(field, `${field} is required and must be a non-empty string.`);
  }
  return value;
}

/** Reads a `PhoneNumberIdentifierModel` (`{ value }`) such as `sourceCallerIdNumber`. */
export function phoneNumberFromModel(model: unknown, field: string): string {
  const value = (model as { value?: unknown } | undefined)?.value;
  if (typeof value !== "string" || !E164.test(value)) {
    throw new InvalidArgumentError(`${field}.value`, `${field}.value must be a phone number in E.164 form (e.g. +18005550100).`);
  }
  return value;
}

/** {@link phoneNumberFromModel} for an optional field: absent or null (which the spec's request validation lets through) is not given. */
export function optionalPhoneNumber(model: unknown, field: string): string | undefined {
  return model === undefined || model === null ? undefined : phoneNumberFromModel(model, field);
}
