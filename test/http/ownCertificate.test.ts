import { createPrivateKey } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { loadOwnCertificate } from "../../emulator/http/ownCertificate.js";
import { createLocalCertificate, type LocalCertificate } from "../../emulator/http/tls.js";

describe("a certificate of the user's own (--cert, --key, --pwd)", () => {
  let dir: string;
  let mine: LocalCertificate;
  let other: LocalCertificate;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "callsim-own-"));
    mine = await createLocalCertificate({ dir: join(dir, "mine") });
    other = await createLocalCertificate({ dir: join(dir, "other") });
  });

  test("is read from PEM files, its key checked against it", async () => {
    const loaded = await loadOwnCertificate({ certPath: mine.certPath, keyPath: mine.keyPath });
    expect(loaded.certPem).toBe(mine.certPem);
    expect(loaded.subjectAltName).toContain("DNS:localhost");
    await expect(loadOwnCertificate({ certPath: mine.certPath, keyPath: other.keyPath })).rejects.toMatchObject({
      name: "CertificateError",
      message: `--key ${other.keyPath} is not the private key of --cert ${mine.certPath}.`,
    });
  });

  test("opens an encrypted key with --pwd, and says to give it when it is missing or wrong", async () => {
    const encrypted = join(dir, "encrypted-key.pem");
    writeFileSync(encrypted, createPrivateKey(mine.keyPem).export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "open sesame" }));
    const loaded = await loadOwnCertificate({ certPath: mine.certPath, keyPath: encrypted, passphrase: "open sesame" });
    expect(createPrivateKey(loaded.keyPem).export({ type: "pkcs8", format: "pem" })).toBe(createPrivateKey(mine.keyPem).export({ type: "pkcs8", format: "pem" }));
    await expect(loadOwnCertificate({ certPath: mine.certPath, keyPath: encrypted })).rejects.toThrow(/If it is encrypted, give its passphrase with --pwd\.$/);
    await expect(loadOwnCertificate({ certPath: mine.certPath, keyPath: encrypted, passphrase: "wrong" })).rejects.toThrow(/Check the --pwd passphrase\.$/);
  });

  test("names the option and the file that cannot be read, as a CertificateError the command line prints", async () => {
    const missing = join(dir, "missing.pem");
    await expect(loadOwnCertificate({ certPath: missing, keyPath: mine.keyPath })).rejects.toMatchObject({
      name: "CertificateError",
      message: expect.stringMatching(new RegExp(`^cannot read the --cert file ${missing}: ENOENT`)),
    });
    await expect(loadOwnCertificate({ certPath: mine.certPath, keyPath: missing })).rejects.toMatchObject({
      name: "CertificateError",
      message: expect.stringMatching(new RegExp(`^cannot read the --key file ${missing}: ENOENT`)),
    });
  });

  test("names a file that is not a certificate", async () => {
    await expect(loadOwnCertificate({ certPath: mine.keyPath, keyPath: mine.keyPath })).rejects.toThrow(`--cert ${mine.keyPath} is not a PEM certificate`);
  });
});
