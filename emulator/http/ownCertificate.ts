import { X509Certificate, createPrivateKey } from "node:crypto";
import { readFile } from "node:fs/promises";

/** Why a certificate the user brought cannot be served; the message says which file and what to fix. */
export class CertificateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CertificateError";
  }
}

/**
 * Reads a certificate and its private key, both PEM, as `callsim --cert <file> --key <file>`
 * takes them (Azurite's options). An encrypted key is opened with `passphrase` (`--pwd`) and
 * handed to the server decrypted, in memory only.
 * @throws {CertificateError} when a file cannot be read, is not PEM, or the key does not match the certificate.
 */
export async function loadOwnCertificate(options: { certPath: string; keyPath: string; passphrase?: string }): Promise<{ certPem: string; keyPem: string; subjectAltName?: string }> {
  const read = async (path: string, what: string) => {
    try {
      return await readFile(path, "utf8");
    } catch (error) {
      throw new CertificateError(`cannot read the ${what} file ${path}: ${(error as Error).message}`);
    }
  };
  const certPem = await read(options.certPath, "--cert");
  const keyText = await read(options.keyPath, "--key");
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certPem);
  } catch (error) {
    throw new CertificateError(`--cert ${options.certPath} is not a PEM certificate (${(error as Error).message}).`);
  }
  let keyPem: string;
  try {
    // An undefined passphrase is no passphrase: a plain key opens, an encrypted one fails as without it.
    const key = createPrivateKey({ key: keyText, passphrase: options.passphrase });
    if (!certificate.checkPrivateKey(key)) throw new CertificateError(`--key ${options.keyPath} is not the private key of --cert ${options.certPath}.`);
    keyPem = key.export({ type: "pkcs8", format: "pem" }).toString();
  } catch (error) {
    if (error instanceof CertificateError) throw error;
    const hint = options.passphrase === undefined ? " If it is encrypted, give its passphrase with --pwd." : " Check the --pwd passphrase.";
    throw new CertificateError(`--key ${options.keyPath} cannot be read as a PEM private key (${(error as Error).message}).${hint}`);
  }
  return { certPem, keyPem, ...(certificate.subjectAltName ? { subjectAltName: certificate.subjectAltName } : {}) };
}
