import type { Harness } from "./harness.js";

/**
 * POSTs `body` as written to the in-process emulator of a loose harness (no SDK, no signature),
 * for the bodies the SDK's types never send; the answer's body is parsed.
 */
export async function postAsWritten(h: Harness, pathAndQuery: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await h.emulator.handle({
    method: "POST",
    url: pathAndQuery,
    headers: { host: new URL(h.url).host, "content-type": "application/json" },
    rawBody: JSON.stringify(body),
    protocol: "http",
  });
  return { status: response.status, body: response.body ? JSON.parse(String(response.body)) : undefined };
}
