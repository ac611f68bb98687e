import { InvalidArgumentError } from "./errors.js";

/**
 * How a subscription's webhook is secured with Microsoft Entra ID: the properties of Event
 * Grid's webhook destination (`azureActiveDirectoryTenantId`,
 * `azureActiveDirectoryApplicationIdOrUri`: Event Grid asks Entra for a token for that
 * application in that tenant and delivers with it), and the token version the webhook's
 * application accepts (its manifest's `accessTokenAcceptedVersion`; null, the default, is 1).
 * @see https://learn.microsoft.com/azure/event-grid/secure-webhook-delivery
 */
export interface EntraDeliveryAuth {
  azureActiveDirectoryTenantId: string;
  azureActiveDirectoryApplicationIdOrUri: string;
  accessTokenAcceptedVersion?: 1 | 2;
}

/** The subscription fields that secure its webhook with Entra (`POST /emulator/subscriptions`). */
export const ENTRA_SUBSCRIPTION_FIELDS = ["azureActiveDirectoryTenantId", "azureActiveDirectoryApplicationIdOrUri", "accessTokenAcceptedVersion"] as const;

/** A tenant: its GUID or one of its domain names (`contoso.onmicrosoft.com`). */
const TENANT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i;

/**
 * The Entra settings of a subscription input, or undefined when it names none. Rule (assumed):
 * the tenant and the application come together (Event Grid needs both to ask Entra for a
 * token); either alone, a tenant that is neither a GUID nor a domain, or a version other than
 * 1 or 2 is refused with 400 naming the field.
 */
export function readEntraAuth(input: Partial<Record<(typeof ENTRA_SUBSCRIPTION_FIELDS)[number], unknown>>): EntraDeliveryAuth | undefined {
  const { azureActiveDirectoryTenantId: tenant, azureActiveDirectoryApplicationIdOrUri: application, accessTokenAcceptedVersion: version } = input;
  if (tenant === undefined && application === undefined) {
    if (version !== undefined) throw new InvalidArgumentError("accessTokenAcceptedVersion", "accessTokenAcceptedVersion applies to a webhook secured with Entra: give azureActiveDirectoryTenantId and azureActiveDirectoryApplicationIdOrUri too.");
    return undefined;
  }
  if (typeof tenant !== "string" || !TENANT.test(tenant)) {
    throw new InvalidArgumentError("azureActiveDirectoryTenantId", `azureActiveDirectoryTenantId must be the Entra tenant's id (a GUID) or domain, with azureActiveDirectoryApplicationIdOrUri; got ${JSON.stringify(tenant)}.`);
  }
  if (typeof application !== "string" || application.trim() === "") {
    throw new InvalidArgumentError("azureActiveDirectoryApplicationIdOrUri", `azureActiveDirectoryApplicationIdOrUri must be the webhook's Entra application id or Application ID URI (api://...), with azureActiveDirectoryTenantId; got ${JSON.stringify(application)}.`);
  }
  if (version !== undefined && version !== 1 && version !== 2) {
    throw new InvalidArgumentError("accessTokenAcceptedVersion", `accessTokenAcceptedVersion must be 1 or 2, the access token version the webhook's application accepts; got ${JSON.stringify(version)}.`);
  }
  // Stryker disable next-line ConditionalExpression: an undefined accessTokenAcceptedVersion is dropped when the subscription is serialised, and reads as absent
  return { azureActiveDirectoryTenantId: tenant, azureActiveDirectoryApplicationIdOrUri: application, ...(version !== undefined && { accessTokenAcceptedVersion: version }) };
}
