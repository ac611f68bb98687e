import { DEFAULT_ACCESS_KEY } from "../../emulator/emulator.js";
import { signHmacRequest } from "../../emulator/http/auth.js";
import type { Harness } from "./harness.js";

/**
 * A request to the recording storage host, signed as the SDK signs it: over the endpoint's host,
 * named in x-ms-host. For what the SDK's download methods hide: status, headers, error bodies.
 */
export function storageRequest(h: Harness, method: string, location: string, headers: Record<string, string> = {}) {
  const url = new URL(location);
  const endpointHost = new URL(h.url).host;
  const signed = signHmacRequest({ method, url: `https://${endpointHost}${url.pathname}${url.search}` }, DEFAULT_ACCESS_KEY);
  return h.emulator.handle({ method, url: `${url.pathname}${url.search}`, headers: { ...signed, host: url.host, "x-ms-host": endpointHost, ...headers }, rawBody: "", protocol: "https" });
}

/** The bytes of a download stream, whole. */
export async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}
