import { randomUUID } from "node:crypto";
import type { JWK } from "jose";
import type { Delivery, DeliverySink } from "../engine/outbox.js";
import type { EntraDeliveryAuth } from "../engine/eventGridAuth.js";
import { createEntraSigner } from "./entraToken.js";
import { ForgeryPlan } from "./forgeries.js";
import { mintJwt, type TokenForgery } from "./mintJwt.js";
import { CALLBACK_TOKEN_ALGORITHM, generatedKey as keptKey, loadKey, type SigningKey } from "./signingKeys.js";

/**
 * The issuer of the service's callback tokens, as the docs' samples validate it (Learn, "How to
 * secure webhook endpoints and websocket connections", every language's sample: `issuer`).
 */
export const CALL_AUTOMATION_ISSUER = "https://acscallautomation.communication.azure.com";
/** Where the service publishes its OpenID configuration (the same Learn page, step 1). */
export const OPENID_CONFIGURATION_PATH = "/calling/.well-known/acsopenidconfiguration";
/** The JWKS the samples fetch (`jwksUri` of the same page's JavaScript and Python samples). */
export const JWKS_PATH = "/calling/keys";
export { CALLBACK_TOKEN_ALGORITHM };
/** "The lifetime of the JWT is five minutes" (the same Learn page). */
export const CALLBACK_TOKEN_LIFETIME_S = 300;
/**
 * Rule (assumed): the immutable resource id callsim's resource answers to, the tokens'
 * audience unless `resourceId` says otherwise. A fixed GUID so that an app's configuration can
 * name it; the real one is the ACS resource's immutable id (Learn: "Get your Azure resource ID").
 */
export const DEFAULT_RESOURCE_ID = "c0115170-0000-4000-8000-00000000ca11";

/** Options of {@link createCallbackSigner}. */
export interface CallbackSignerOptions {
  /** The emulator's time in ms: tokens are issued on callsim's clock (virtual in-process). */
  now: () => number;
  /** The tokens' audience, the resource's immutable id (default {@link DEFAULT_RESOURCE_ID}). */
  resourceId?: string;
  /** An RSA private key (PKCS#8 PEM) to sign with instead of the one generated at start. */
  privateKeyPem?: string;
  /** How the Event Grid subscription named (`aeg-subscription-name`) is secured with Entra, if it is. */
  entraAuthOf?: (subscriptionName: string) => EntraDeliveryAuth | undefined;
}

// One pair per process, read from the temp directory (generated there once): see signingKeys.ts.
let generatedKey: Promise<SigningKey> | undefined;

/**
 * Signs Call Automation callbacks as the service does: `Authorization: Bearer <JWT>`, a new
 * RS256 token for every attempt, issued by {@link CALL_AUTOMATION_ISSUER} for the resource id,
 * valid five minutes on callsim's clock. Rule (assumed): each token has a `jti` of its own, so
 * two tokens of one second differ (RS256 signs equal claims identically). Serves the OpenID configuration and JWKS that verify
 * them, and plants forgeries (see {@link ForgeryPlan}) for apps to refuse.
 * @see https://learn.microsoft.com/azure/communication-services/how-tos/call-automation/secure-webhook-endpoint
 */
export function createCallbackSigner(options: CallbackSignerOptions) {
  const resourceId = options.resourceId ?? DEFAULT_RESOURCE_ID;
  const key = options.privateKeyPem ? loadKey(options.privateKeyPem) : (generatedKey ??= keptKey("callback-signing-key"));
  // A key that fails to load fails each delivery (its attempts say why), not the process.
  key.catch(() => undefined);
  const forgeries = new ForgeryPlan();

  const entra = createEntraSigner({ now: options.now });

  /** A token for the resource, or the forgery `kind` of one. */
  function token(kind?: TokenForgery): Promise<string> {
    return mintJwt(
      {
        key,
        issuer: CALL_AUTOMATION_ISSUER,
        audience: resourceId,
        lifetimeS: CALLBACK_TOKEN_LIFETIME_S,
        nowS: Math.floor(options.now() / 1000),
        claims: { jti: randomUUID() },
        forged: { issuer: FORGED_ISSUER, audience: FORGED_AUDIENCE },
      },
      kind,
    );
  }

  /**
   * The delivery with its `Authorization` header: a Call Automation callback gets a token (or
   * the forgery planted for it); an Event Grid delivery gets Entra's token when its subscription
   * is secured with Entra (its events may be forged too; the validation handshake never is),
   * and goes as it is otherwise.
   */
  async function sign(delivery: Delivery): Promise<Delivery> {
    const eventGrid = delivery.headers["aeg-event-type"];
    let mint: (kind?: TokenForgery) => Promise<string> = token;
    if (eventGrid !== undefined) {
      const auth = options.entraAuthOf?.(delivery.headers["aeg-subscription-name"] ?? "");
      if (!auth) return delivery;
      mint = (kind) => entra.token(auth, kind);
    }
    const kind = eventGrid === "SubscriptionValidation" ? undefined : forgeries.take(delivery.events?.[0], eventGrid === undefined ? "callback" : "eventGrid");
    if (kind === "noToken") return delivery;
    const authorization = `Bearer ${await mint(kind)}`;
    // The outbox's delivery reads its body lazily: keep that getter, add the header.
    return Object.create(delivery, { headers: { value: { ...delivery.headers, authorization }, enumerable: true } });
  }

  return {
    resourceId,
    forgeries,
    token,
    sign,
    /** Wraps a sink so every callback it carries is signed first. */
    signing: (sink: DeliverySink): DeliverySink => (delivery) => sign(delivery).then(sink),
    /** Entra's side: the tokens, OpenID configurations and JWKS of Event Grid's secured deliveries. */
    entra,
    /** The JWKS: the one public key callbacks are signed with. */
    jwks: async (): Promise<{ keys: JWK[] }> => ({ keys: [(await key).jwk] }),
    /**
     * The OpenID configuration in the discovery document's shape (OpenID Connect Discovery 1.0
     * §3; the members the docs' recipe reads: `issuer`, `jwks_uri`), its JWKS on `origin`.
     */
    openIdConfiguration: (origin: string) => ({
      issuer: CALL_AUTOMATION_ISSUER,
      jwks_uri: `${origin}${JWKS_PATH}`,
      id_token_signing_alg_values_supported: [CALLBACK_TOKEN_ALGORITHM],
      token_endpoint_auth_signing_alg_values_supported: [CALLBACK_TOKEN_ALGORITHM],
    }),
  };
}

/** A signer made by {@link createCallbackSigner}. */
export type CallbackSigner = ReturnType<typeof createCallbackSigner>;

/** Issuer of "wrongIssuer" forgeries: close to the real one, as a careless check would pass it. */
const FORGED_ISSUER = "https://acscallautomation.communication.azure.com.forged.example";
/** Audience of "wrongAudience" forgeries: some other resource's id. */
const FORGED_AUDIENCE = "0f0f0f0f-0000-4000-8000-00000000f0f0";
