import { InvalidArgumentError } from "./errors.js";
import type { IdentifierModel } from "./identifiers.js";

/** A phone number in E.164 form, as `sourceCallerIdNumber` and phone identifiers carry it. */
export const E164 = /^\+[1-9]\d{3,14}$/;

/** An Entra object id or a Teams app id: a GUID. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `<resource>_<id>`: what an ACS user id carries after its `8:acs:` prefix; no spaces, no further `:`. */
const ACS_USER_SUFFIX = /^[^\s_:]+_[^\s_:]+$/;

/** Whether `rawId` has an ACS user's form, `8:acs:<resource>_<id>`: the one test Call Automation and Identity share. */
export function isAcsUserRawId(rawId: string): boolean {
  return rawId.startsWith("8:acs:") && ACS_USER_SUFFIX.test(rawId.slice("8:acs:".length));
}

/** What a rawId looks like, by kind: the examples every identifier error ends with. */
export const RAW_ID_FORMS =
  "4:+14255550123 (phone number, E.164), 8:acs:<resource>_<id> (ACS user), 8:orgid:<Entra object id> (Teams user), 28:orgid:<app id> (Teams app)";

/**
 * Rule (assumed): identifiers are refused with 400 (8523, like any invalid argument) unless
 * they have the form their kind has in the service: a phone number in E.164, an ACS user
 * `8:acs:<resource>_<id>`, a Teams user or app by GUID, a known prefix. The service documents
 * the forms (Learn "Understand identifier types") but not its answer to a malformed one.
 * @param field - the request path of the value, named in the error
 * @param model - the rawId as parsed (`toIdentifierModel`)
 * @returns the rawId, unchanged
 */
export function checkIdentifierModel(model: IdentifierModel, field: string): string {
  const rawId = model.rawId;
  const refuse = (why: string) => {
    throw new InvalidArgumentError(field, `${field} "${rawId}" ${why}`);
  };
  switch (model.kind) {
    case "phoneNumber": {
      const value = model.phoneNumber!.value.split("_")[0]!;
      if (value !== "anonymous" && !E164.test(value)) refuse(`is not a phone number in E.164 form: write 4:+<country code><number>, e.g. 4:+14255550123.`);
      return rawId;
    }
    case "communicationUser":
      if (rawId.startsWith("8:spool:") ? rawId.length === "8:spool:".length || /\s/.test(rawId) : !ACS_USER_SUFFIX.test(rawId.slice(rawId.indexOf(":", 2) + 1))) {
        refuse("is not an ACS user id: it has the form 8:acs:<resource>_<id>, as the Identity API gives it.");
      }
      return rawId;
    case "microsoftTeamsUser": {
      const { userId, isAnonymous } = model.microsoftTeamsUser!;
      if (isAnonymous ? userId.length === 0 : !GUID.test(userId)) refuse(isAnonymous ? "names no Teams visitor." : "is not a Teams user id: 8:orgid: (or 8:dod:, 8:gcch:) is followed by the user's Entra object id, a GUID.");
      return rawId;
    }
    case "microsoftTeamsApp":
      if (!GUID.test(model.microsoftTeamsApp!.appId)) refuse("is not a Teams app id: 28:orgid: (or 28:dod:, 28:gcch:) is followed by the app's id, a GUID.");
      return rawId;
    case "teamsExtensionUser": {
      const { resourceId, tenantId, userId } = model.teamsExtensionUser!;
      if (!resourceId || !tenantId || !userId) refuse("is not a Teams extension user id: 8:acs:<resource>_<tenant>_<user>.");
      return rawId;
    }
    default:
      return refuse(`is not an identifier the service knows${prefixed(rawId)}. A rawId starts with its kind: ${RAW_ID_FORMS}.`);
  }
}

/** The prefixed form a bare value most likely meant: ` (did you mean 4:+14255550123?)`, or nothing. */
function prefixed(value: string): string {
  const digits = value.replace(/[\s()-]/g, "");
  if (/^\+?[1-9]\d{3,14}$/.test(digits)) return ` (did you mean 4:${digits.startsWith("+") ? digits : `+${digits}`}?)`;
  if (ACS_USER_SUFFIX.test(value)) return ` (did you mean 8:acs:${value}?)`;
  if (GUID.test(value)) return ` (did you mean 8:orgid:${value} for a Teams user?)`;
  return "";
}
