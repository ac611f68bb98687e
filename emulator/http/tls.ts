/**
 * A self-signed certificate for `callsim --https`, built with `node:crypto` and a minimal DER
 * encoder (no openssl binary, no dependency).
 *
 * The certificate is its own CA (`basicConstraints CA:true`, `keyCertSign`) and also the server
 * certificate (`digitalSignature`, EKU `serverAuth`, subjectAltName for the local names), so a
 * client trusts the emulator by trusting this one file, e.g. `NODE_EXTRA_CA_CERTS=<caPath>`.
 * Key: EC P-256; signature: ecdsa-with-SHA256; validity: one year.
 */
import { X509Certificate, createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Hosts the certificate covers when none are given. */
export const DEFAULT_CERTIFICATE_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "::1", "callsim.asm.skype.com", "acscallautomation.communication.azure.com", "login.microsoftonline.com"];

/** A certificate and key as written by {@link createLocalCertificate}. */
export interface LocalCertificate {
  /** PKCS#8 private key, PEM. */
  keyPem: string;
  /** The certificate, PEM. */
  certPem: string;
  /**
   * The file to trust (`NODE_EXTRA_CA_CERTS`, `ca:` option, OS trust store). The certificate is
   * self-signed and is its own CA, so this is the same file as `certPath`.
   */
  caPath: string;
  /** Path of the private key file (mode 0600). */
  keyPath: string;
  /** Path of the certificate file. */
  certPath: string;
}

/** Where `callsim --https` and `callsim explore --https` keep their certificate, so both serve the same CA. */
export const DEFAULT_CERTIFICATE_DIR = join(tmpdir(), "callsim-certs");

const CERT_FILE = "callsim-cert.pem";
const KEY_FILE = "callsim-key.pem";
const DAY_MS = 24 * 60 * 60 * 1000;
/** Validity of a new certificate. */
const VALIDITY_MS = 365 * DAY_MS;
/** notBefore is set this far in the past, so a client whose clock is slightly behind still accepts it. */
const BACKDATE_MS = DAY_MS;
/** An existing certificate is replaced when it expires within this window. */
const RENEW_BEFORE_MS = 7 * DAY_MS;

/**
 * Returns a self-signed certificate for local HTTPS, generating it into `dir` (created if
 * needed) or reusing the pair already there when it is still valid for at least a week, matches
 * its key and covers every requested host — so restarts keep the same CA and clients keep
 * trusting it.
 *
 * @param options.dir - Directory for `callsim-cert.pem` and `callsim-key.pem`.
 * @param options.hosts - DNS names and IP addresses for subjectAltName
 *   (default {@link DEFAULT_CERTIFICATE_HOSTS}: localhost, 127.0.0.1, ::1, the recording storage host callsim.asm.skype.com, the OpenID configuration host acscallautomation.communication.azure.com, and Entra's login.microsoftonline.com).
 * @param options.now - Current time (default: `new Date()`); for tests.
 */
export async function createLocalCertificate(options: {
  dir: string;
  hosts?: string[];
  now?: Date;
}): Promise<LocalCertificate> {
  const hosts = (options.hosts ?? [...DEFAULT_CERTIFICATE_HOSTS]).map(stripBrackets);
  const now = options.now ?? new Date();
  const certPath = join(options.dir, CERT_FILE);
  const keyPath = join(options.dir, KEY_FILE);
  await mkdir(options.dir, { recursive: true, mode: 0o700 });

  const existing = await readReusable(certPath, keyPath, hosts, now);
  if (existing) return { ...existing, caPath: certPath, certPath, keyPath };

  const { keyPem, certPem } = generateCertificate(hosts, now);
  // Write to temporary names and rename, so a concurrent start never reads a half-written file.
  const suffix = `.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(keyPath + suffix, keyPem, { mode: 0o600 });
  // Stryker disable next-line ObjectLiteral: under the usual umask (022, what tests run with) the default mode is 0o644 too; the mode says the certificate is public on purpose
  await writeFile(certPath + suffix, certPem, { mode: 0o644 });
  await rename(keyPath + suffix, keyPath);
  await rename(certPath + suffix, certPath);
  return { keyPem, certPem, caPath: certPath, certPath, keyPath };
}

async function readReusable(
  certPath: string,
  keyPath: string,
  hosts: string[],
  now: Date,
): Promise<{ keyPem: string; certPem: string } | undefined> {
  try {
    const [certPem, keyPem] = await Promise.all([readFile(certPath, "utf8"), readFile(keyPath, "utf8")]);
    const cert = new X509Certificate(certPem);
    const t = now.getTime();
    if (Date.parse(cert.validFrom) > t || Date.parse(cert.validTo) - RENEW_BEFORE_MS < t) return undefined;
    if (!cert.ca || !cert.checkPrivateKey(createPrivateKey(keyPem))) return undefined;
    for (const host of hosts) {
      const covered = isIP(host) ? cert.checkIP(host) !== undefined : cert.checkHost(host) !== undefined;
      if (!covered) return undefined;
    }
    return { keyPem, certPem };
  } catch {
    // Missing, unreadable or not a certificate: the caller makes a new one (an empty catch, so no mutant of it returns the same undefined).
  }
}

function generateCertificate(hosts: string[], now: Date): { keyPem: string; certPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const keyId = createHash("sha256").update(spki).digest().subarray(0, 20);
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x40; // positive and exactly 16 bytes

  const name = seq(
    set(seq(oid("2.5.4.10"), utf8("callsim"))), // O
    set(seq(oid("2.5.4.3"), utf8("callsim local development CA"))), // CN
  );
  const sigAlg = seq(oid("1.2.840.10045.4.3.2")); // ecdsa-with-SHA256, no parameters

  const extensions = seq(
    extension("2.5.29.19", true, seq(bool(true), int(Buffer.from([0])))), // basicConstraints CA:true, pathlen:0
    extension("2.5.29.15", true, tlv(0x03, Buffer.from([0x01, 0x86]))), // keyUsage digitalSignature, keyCertSign, cRLSign
    extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))), // extKeyUsage serverAuth
    extension("2.5.29.17", false, seq(...hosts.map(generalName))), // subjectAltName
    extension("2.5.29.14", false, tlv(0x04, keyId)), // subjectKeyIdentifier
    extension("2.5.29.35", false, seq(tlv(0x80, keyId))), // authorityKeyIdentifier (self)
  );

  const tbs = seq(
    tlv(0xa0, int(Buffer.from([2]))), // version v3
    int(serial),
    sigAlg,
    name,
    seq(time(new Date(now.getTime() - BACKDATE_MS)), time(new Date(now.getTime() + VALIDITY_MS))),
    name,
    spki,
    tlv(0xa3, extensions),
  );
  const signature = sign("sha256", tbs, privateKey); // DER-encoded ECDSA signature
  const der = seq(tbs, sigAlg, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));

  return {
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    certPem: pem("CERTIFICATE", der),
  };
}

// ---- minimal DER encoding -------------------------------------------------------------------

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

function seq(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

function set(...items: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(items));
}

/** A non-negative INTEGER from big-endian bytes whose first has its high bit clear (a serial is made so). */
function int(bytes: Buffer): Buffer {
  return tlv(0x02, bytes);
}

function bool(value: boolean): Buffer {
  return tlv(0x01, Buffer.from([value ? 0xff : 0]));
}

function utf8(text: string): Buffer {
  return tlv(0x0c, Buffer.from(text, "utf8"));
}

function oid(dotted: string): Buffer {
  const arcs = dotted.split(".").map(Number);
  const bytes: number[] = [arcs[0] * 40 + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime before 2050, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, "") + "Z"; // YYYYMMDDHHMMSSZ
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), "ascii")) : tlv(0x18, Buffer.from(digits, "ascii"));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), tlv(0x04, value)) : seq(oid(id), tlv(0x04, value));
}

/** subjectAltName entry: iPAddress [7] for IP literals, dNSName [2] otherwise. */
function generalName(host: string): Buffer {
  const family = isIP(host);
  if (family === 4) return tlv(0x87, Buffer.from(host.split(".").map(Number)));
  if (family === 6) return tlv(0x87, ipv6Bytes(host));
  return tlv(0x82, Buffer.from(host, "ascii"));
}

function ipv6Bytes(address: string): Buffer {
  let text = address.split("%", 1)[0]; // drop a zone id
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    // Embedded IPv4 (e.g. ::ffff:127.0.0.1): rewrite it as two hex groups.
    const [a, b, c, d] = tail.split(".").map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split("::") as [string, string | undefined];
  // Stryker disable next-line ArrayDeclaration: an empty head means a leading zero group, which the extra group (NaN, stored as 0) stands for
  const headGroups = head ? head.split(":") : [];
  const restGroups = rest ? rest.split(":") : [];
  // Without "::" the groups are already eight, and no zeros are added.
  // Stryker disable next-line StringLiteral: an empty group parses as NaN, which writeUInt16BE stores as 0 as well
  const zeros = Array<string>(8 - headGroups.length - restGroups.length).fill("0");
  const out = Buffer.alloc(16);
  [...headGroups, ...zeros, ...restGroups].forEach((group, i) => out.writeUInt16BE(parseInt(group, 16), i * 2));
  return out;
}

function stripBrackets(host: string): string {
  // Stryker disable next-line LogicalOperator,StringLiteral: only a host with one bracket tells these apart, and such a host names nothing either way (no DNS name has a bracket)
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

function pem(label: string, der: Buffer): string {
  // Stryker disable next-line ArrayDeclaration: the base64 of a certificate is never empty, so match never gives null
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
