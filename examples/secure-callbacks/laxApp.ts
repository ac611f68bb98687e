/**
 * A deliberately careless callback endpoint, for the forgery scenario to catch: it wants a
 * Bearer token for its own resource, but reads the token without checking its signature,
 * issuer or lifetime. It refuses a callback with no token or another resource's token, and lets
 * every other forgery in.
 */
import { decodeJwt } from "jose";

/** Builds the careless endpoint for `audience`. */
export function createLaxCallbacks(audience: string) {
  return {
    async fetch(request: Request): Promise<Response> {
      const authorization = request.headers.get("authorization") ?? "";
      if (!authorization.startsWith("Bearer ")) return new Response(null, { status: 401 });
      try {
        // decodeJwt only parses: this is the mistake.
        if (decodeJwt(authorization.slice("Bearer ".length)).aud !== audience) return new Response(null, { status: 403 });
      } catch {
        return new Response(null, { status: 401 });
      }
      return new Response(null, { status: 200 });
    },
  };
}
