import {
  createIdentifierFromRawId,
  serializeCommunicationIdentifier,
  type SerializedCommunicationIdentifier,
} from "@azure/communication-common";
import { InvalidArgumentError } from "./errors.js";

/** The identifier model as it travels on the wire (common.json CommunicationIdentifierModel). */
export type IdentifierModel = SerializedCommunicationIdentifier;

/** The kinds of identifier the service knows. */
export type IdentifierKind =
  | "communicationUser"
  | "phoneNumber"
  | "microsoftTeamsUser"
  | "microsoftTeamsApp"
  | "teamsExtensionUser"
  | "unknown";

/**
 * The engine names every party by its rawId; kind and the nested model are derived from it
 * with the SDK's own parser, so what callsim sends back is what the SDK would produce.
 */
export function identifierKind(rawId: string): IdentifierKind {
  return createIdentifierFromRawId(rawId).kind as IdentifierKind;
}

/** True for `4:` phone numbers (PSTN legs need a caller id). */
export function isPhoneNumber(rawId: string): boolean {
  return identifierKind(rawId) === "phoneNumber";
}

/** The full wire model (kind, rawId and the nested object) for a rawId. */
export function toIdentifierModel(rawId: string): IdentifierModel & { kind: IdentifierKind } {
  const identifier = createIdentifierFromRawId(rawId);
  // The common serializer leaves out `kind`; responses and events always carry it (CONTRACT.md §7).
  return Object.assign({ kind: identifier.kind as IdentifierKind }, serializeCommunicationIdentifier(identifier));
}

/** A phone number in E.164 form, as `sourceCallerIdNumber` and phone identifiers carry it. */
const E164 = /^\+[1-9]\d{3,14}$/;

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
  if (identifierKind(rawId) === "phoneNumber") {
    const value = rawId.slice(2).split("_")[0];
    if (value !== "anonymous" && !E164.test(value)) {
      throw new InvalidArgumentError(`${field}.phoneNumber.value`, `${field} phone number ${value} is not in E.164 form (e.g. +14255550123).`);
    }
  }
  return rawId;
}

function derivedRawId(m: Record<string, any>, field: string): string | undefined {
  if (m.communicationUser) return requireString(m.communicationUser.id, `${field}.communicationUser.id`);
  if (m.phoneNumber) return `4:${requireString(m.phoneNumber.value, `${field}.phoneNumber.value`)}`;
  if (m.microsoftTeamsUser) {
    const userId = requireString(m.microsoftTeamsUser.userId, `${field}.microsoftTeamsUser.userId`);
    if (m.microsoftTeamsUser.isAnonymous) return `8:teamsvisitor:${userId}`;
    const cloud = m.microsoftTeamsUser.cloud ?? "public";
    return `8:${cloud === "dod" ? "dod" : cloud === "gcch" ? "gcch" : "orgid"}:${userId}`;
  }
  if (m.microsoftTeamsApp) {
    const appId = requireString(m.microsoftTeamsApp.appId, `${field}.microsoftTeamsApp.appId`);
    const cloud = m.microsoftTeamsApp.cloud ?? "public";
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
