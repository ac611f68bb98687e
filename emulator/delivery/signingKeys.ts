import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type JWK } from "jose";

/** The docs' signing algorithm: every sample of "How to secure webhook endpoints" pins `algorithms: ["RS256"]`. */
export const CALLBACK_TOKEN_ALGORITHM = "RS256";

/** A private key to sign with and its public half as a JWKS lists it. */
export interface SigningKey {
  privateKey: CryptoKey;
  jwk: JWK & { kid: string };
}

/** Where generated keys are kept, like the `--https` certificate: a restart reuses them. */
const KEY_DIR = join(tmpdir(), "callsim-keys");

/**
 * The key named `name`, generated on first use and kept in the temp directory: RSA
 * generation takes up to a second, and every test file (each in a fresh worker) would pay it.
 * Apps see a stable JWKS across restarts, as they see the service's.
 */
export async function generatedKey(name: string): Promise<SigningKey> {
  const file = join(KEY_DIR, `${name}.pem`);
  try {
    return await loadKey(await readFile(file, "utf8"));
  } catch {
    const { privateKey } = await generateKeyPair(CALLBACK_TOKEN_ALGORITHM, { extractable: true });
    const pem = await exportPKCS8(privateKey);
    // Written aside and renamed: workers starting together never read half a file.
    await mkdir(KEY_DIR, { recursive: true });
    const partial = `${file}.${randomUUID()}`;
    await writeFile(partial, pem, { mode: 0o600 });
    await rename(partial, file);
    return loadKey(pem);
  }
}

/** A key given as PKCS#8 PEM. */
export async function loadKey(pem: string): Promise<SigningKey> {
  const privateKey = await importPKCS8(pem, CALLBACK_TOKEN_ALGORITHM, { extractable: true });
  const { kty, n, e } = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: kty!, n: n!, e: e! });
  // The JWKS entry: the key's RFC 7638 thumbprint as its `kid`, `use: sig`, the algorithm.
  return { privateKey, jwk: { kty: kty!, use: "sig", alg: CALLBACK_TOKEN_ALGORITHM, kid, n: n!, e: e! } };
}
