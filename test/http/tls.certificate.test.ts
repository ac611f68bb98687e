import { X509Certificate } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createLocalCertificate } from "../../emulator/http/tls.js";

// What a client checks in callsim's self-signed certificate: every name and address it was made
// for, its validity window, and that it is a CA; and when an existing one is reused.
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "callsim-tls-certificate-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
let n = 0;
const freshDir = () => join(root, `c${n++}`);
const DAY = 24 * 60 * 60 * 1000;

describe("a certificate's names", () => {
  const longName = `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.test`;
  const hosts = ["callsim.test", longName, "10.1.2.3", "255.0.128.1", "::1", "fe80::1%eth0", "::ffff:127.0.0.1", "[2001:db8::5]", "2001:db8:1:2:3:4:5:6", "2001:db8::"];
  let cert: X509Certificate;
  beforeAll(async () => {
    cert = new X509Certificate((await createLocalCertificate({ dir: freshDir(), hosts })).certPem);
  });

  test("cover every DNS name, long ones too", () => {
    expect(cert.checkHost("callsim.test")).toBe("callsim.test");
    expect(cert.checkHost(longName)).toBe(longName);
    expect(cert.checkHost("other.test")).toBeUndefined();
  });

  test("cover every IPv4 and IPv6 address, however it is written", () => {
    for (const ip of ["10.1.2.3", "255.0.128.1", "::1", "fe80::1", "::ffff:127.0.0.1", "2001:db8::5", "2001:db8:1:2:3:4:5:6", "2001:db8::"]) expect(cert.checkIP(ip), ip).toBe(ip);
    expect(cert.checkIP("10.1.2.4")).toBeUndefined();
    expect(cert.subjectAltName).toContain("IP Address:FE80:0:0:0:0:0:0:1");
    expect(cert.subjectAltName).toContain("IP Address:0:0:0:0:0:FFFF:7F00:1");
  });

  test("name callsim as subject and issuer, and make it a CA", () => {
    expect(cert.subject).toBe("O=callsim\nCN=callsim local development CA");
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(cert.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
  });
});

describe("a certificate's validity", () => {
  test("runs from a day before it was made to a year after", async () => {
    const now = new Date("2026-03-12T10:20:30Z");
    const cert = new X509Certificate((await createLocalCertificate({ dir: freshDir(), now, hosts: ["localhost"] })).certPem);
    expect(Date.parse(cert.validFrom)).toBe(now.getTime() - DAY);
    expect(Date.parse(cert.validTo)).toBe(now.getTime() + 365 * DAY);
  });

  test("is written as GeneralizedTime past 2049", async () => {
    const now = new Date("2049-12-01T00:00:00Z");
    const cert = new X509Certificate((await createLocalCertificate({ dir: freshDir(), now, hosts: ["localhost"] })).certPem);
    expect(Date.parse(cert.validTo)).toBe(now.getTime() + 365 * DAY);
    expect(Date.parse(cert.validFrom)).toBe(now.getTime() - DAY);
  });

  test("an existing certificate is reused until a week before it ends, and not before it starts", async () => {
    const dir = freshDir();
    const made = new Date("2026-03-12T00:00:00Z");
    const first = await createLocalCertificate({ dir, now: made, hosts: ["localhost"] });
    const serial = (pem: string) => new X509Certificate(pem).serialNumber;
    const at = async (ms: number) => serial((await createLocalCertificate({ dir, now: new Date(ms), hosts: ["localhost"] })).certPem);
    expect(await at(made.getTime() + 358 * DAY)).toBe(serial(first.certPem));
    expect(await at(made.getTime() - DAY)).toBe(serial(first.certPem));
    expect(await at(made.getTime() - DAY - 1000)).not.toBe(serial(first.certPem));
  });

  test("a certificate a week from its end is replaced", async () => {
    const dir = freshDir();
    const made = new Date("2026-03-12T00:00:00Z");
    const first = await createLocalCertificate({ dir, now: made, hosts: ["localhost"] });
    const later = await createLocalCertificate({ dir, now: new Date(made.getTime() + 358 * DAY + 1000), hosts: ["localhost"] });
    expect(new X509Certificate(later.certPem).serialNumber).not.toBe(new X509Certificate(first.certPem).serialNumber);
  });
});
