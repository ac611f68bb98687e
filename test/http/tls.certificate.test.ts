import { X509Certificate, createPrivateKey } from "node:crypto";
import { chmod, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createLocalCertificate, DEFAULT_CERTIFICATE_DIR } from "../../emulator/http/tls.js";

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

/** One DER element: its tag and where its content lies; a length not in its shortest form fails the test (DER, not BER). */
function element(der: Buffer, at: number): { tag: number; start: number; end: number } {
  let length = der[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start++];
    expect(length, `the long form of a length at byte ${at}`).toBeGreaterThanOrEqual(0x80);
    expect(der[at + 2], `a leading zero in a length at byte ${at}`).not.toBe(0);
  }
  return { tag: der[at], start, end: start + length };
}

function children(der: Buffer, parent: { start: number; end: number }): { tag: number; start: number; end: number }[] {
  const out = [];
  for (let at = parent.start; at < parent.end; ) {
    const child = element(der, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

/** Every element of the tree, constructed ones walked into, so each length is checked. */
function walk(der: Buffer, parent: { start: number; end: number }): void {
  for (const child of children(der, parent)) if (child.tag & 0x20) walk(der, child);
}

function dotted(der: Buffer, oid: { start: number; end: number }): string {
  const bytes = [...der.subarray(oid.start, oid.end)];
  const arcs = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let arc = 0;
  for (const byte of bytes.slice(1)) {
    arc = arc * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) (arcs.push(arc), (arc = 0));
  }
  return arcs.join(".");
}

describe("a certificate's encoding, as strict clients read it", () => {
  let certPem: string;
  let der: Buffer;
  let tbs: { tag: number; start: number; end: number }[];
  // Made for each test, so the certificate each test reads is the one the code makes while it runs.
  beforeEach(async () => {
    certPem = (await createLocalCertificate({ dir: freshDir(), now: new Date("2026-03-12T10:20:30Z") })).certPem;
    der = Buffer.from(certPem.replace(/-----[A-Z ]+-----/g, "").replace(/\n/g, ""), "base64");
    tbs = children(der, children(der, element(der, 0))[0]);
  });

  test("is PEM wrapped at 64 characters a line (RFC 7468)", () => {
    const lines = certPem.trimEnd().split("\n");
    expect(lines[0]).toBe("-----BEGIN CERTIFICATE-----");
    expect(lines.at(-1)).toBe("-----END CERTIFICATE-----");
    const body = lines.slice(1, -1);
    expect(body.length).toBeGreaterThan(1);
    for (const line of body.slice(0, -1)) expect(line).toHaveLength(64);
    expect(body.at(-1)!.length).toBeLessThanOrEqual(64);
  });

  test("is DER: every length in its shortest form, so a parser re-encodes the same bytes", () => {
    walk(der, { start: 0, end: der.length });
    expect(Buffer.from(new X509Certificate(certPem).raw).equals(der)).toBe(true);
  });

  test("gives its validity as UTCTime before 2050 (RFC 5280)", () => {
    expect(children(der, tbs[4]).map((time) => time.tag)).toEqual([0x17, 0x17]);
  });

  test("marks basicConstraints and keyUsage critical, and encodes no FALSE criticality", () => {
    const extensions = children(der, children(der, tbs[7])[0]).map((extension) => {
      const [oid, second] = children(der, extension);
      const critical = second.tag === 0x01 ? (der[second.start] === 0xff ? "critical" : "FALSE written out") : "not critical";
      return `${dotted(der, oid)} ${critical}`;
    });
    expect(extensions).toEqual([
      "2.5.29.19 critical", // basicConstraints
      "2.5.29.15 critical", // keyUsage
      "2.5.29.37 not critical", // extKeyUsage
      "2.5.29.17 not critical", // subjectAltName
      "2.5.29.14 not critical", // subjectKeyIdentifier
      "2.5.29.35 not critical", // authorityKeyIdentifier
    ]);
  });

  test("names its own key as the authority key, so a chain is built from it alone", () => {
    const value = (oid: string) => {
      const extension = children(der, children(der, tbs[7])[0]).find((e) => dotted(der, children(der, e)[0]) === oid)!;
      const octets = children(der, extension).at(-1)!;
      return element(der, octets.start);
    };
    const subjectKeyId = value("2.5.29.14");
    const authority = children(der, value("2.5.29.35"));
    expect(authority.map((e) => e.tag)).toEqual([0x80]);
    const authorityKeyId = der.subarray(authority[0].start, authority[0].end);
    expect(authorityKeyId).toHaveLength(20);
    expect(authorityKeyId.equals(der.subarray(subjectKeyId.start, subjectKeyId.end))).toBe(true);
  });
});

describe("reusing a certificate", () => {
  test("a key that is not the certificate's gets a new pair", async () => {
    const dir = freshDir();
    const first = await createLocalCertificate({ dir, hosts: ["localhost"] });
    const stranger = await createLocalCertificate({ dir: freshDir(), hosts: ["localhost"] });
    await writeFile(first.keyPath, stranger.keyPem);
    const again = await createLocalCertificate({ dir, hosts: ["localhost"] });
    expect(again.certPem).not.toBe(first.certPem);
    expect(new X509Certificate(again.certPem).checkPrivateKey(createPrivateKey(again.keyPem))).toBe(true);
  });

  test.each([
    ["a DNS name", ["localhost", "127.0.0.1", "callsim.test"]],
    ["an IP address", ["localhost", "127.0.0.1", "10.0.0.5"]],
  ])("a certificate missing only %s gets a new one that covers it", async (_what, hosts) => {
    const dir = freshDir();
    const first = await createLocalCertificate({ dir, hosts: ["localhost", "127.0.0.1"] });
    const again = await createLocalCertificate({ dir, hosts });
    expect(again.certPem).not.toBe(first.certPem);
  });

  test("a new key is private to its owner even when the old key file was not", async () => {
    const dir = freshDir();
    const first = await createLocalCertificate({ dir, hosts: ["localhost"] });
    await chmod(first.keyPath, 0o644);
    await writeFile(first.certPath, "not a certificate");
    const again = await createLocalCertificate({ dir, hosts: ["localhost"] });
    if (process.platform !== "win32") expect((await stat(again.keyPath)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(["callsim-cert.pem", "callsim-key.pem"]);
  });

  test("callsim --https keeps it where the README points NODE_EXTRA_CA_CERTS (the temp folder's callsim-certs)", () => {
    expect(DEFAULT_CERTIFICATE_DIR).toBe(join(tmpdir(), "callsim-certs"));
  });
});
