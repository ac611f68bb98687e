import { execFile } from "node:child_process";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createLocalCertificate, type LocalCertificate } from "../../emulator/http/tls.js";

let root: string;
let dir: string;
let certificate: LocalCertificate;
let server: Server;
let port: number;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "callsim-tls-test-"));
  dir = join(root, "nested", "certs");
  certificate = await createLocalCertificate({ dir });
  server = createServer({ key: certificate.keyPem, cert: certificate.certPem }, (_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(root, { recursive: true, force: true });
});

function get(options: { ca?: string; servername?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", agent: false, ...options }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

function runNode(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["-e", script], { env }, (error, stdout) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout }),
    );
  });
}

describe("createLocalCertificate", () => {
  test("it writes the key and certificate into the (created) directory", async () => {
    expect(certificate.certPath.startsWith(dir)).toBe(true);
    expect(certificate.keyPath.startsWith(dir)).toBe(true);
    expect(certificate.caPath).toBe(certificate.certPath);
    expect((await stat(certificate.certPath)).isFile()).toBe(true);
    const keyStat = await stat(certificate.keyPath);
    if (process.platform !== "win32") expect(keyStat.mode & 0o777).toBe(0o600);
    expect(certificate.keyPem).toContain("-----BEGIN PRIVATE KEY-----");
    expect(certificate.certPem).toContain("-----BEGIN CERTIFICATE-----");
  });

  test("the certificate is a CA for localhost, 127.0.0.1 and ::1, valid for about a year", () => {
    const cert = new X509Certificate(certificate.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkHost("localhost")).toBe("localhost");
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.checkIP("::1")).toBe("::1");
    expect(cert.checkHost("example.com")).toBeUndefined();
    const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(360);
    expect(days).toBeLessThan(367);
  });

  test("an https server with it is reachable by a client that trusts it", async () => {
    expect(await get({ ca: certificate.certPem })).toBe("ok");
    expect(await get({ ca: certificate.certPem, servername: "localhost" })).toBe("ok");
  });

  test("a client that does not trust it is refused", async () => {
    await expect(get({})).rejects.toMatchObject({ code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY/) });
  });

  test("NODE_EXTRA_CA_CERTS=<caPath> makes a new Node process trust it", async () => {
    const script = `require("https").get({ host: "127.0.0.1", port: ${port}, agent: false }, (r) => { r.on("data", (d) => process.stdout.write(d)); }).on("error", (e) => { console.error(e.code); process.exit(3); });`;
    const { NODE_EXTRA_CA_CERTS: _ignored, ...env } = process.env;
    const trusted = await runNode(script, { ...env, NODE_EXTRA_CA_CERTS: certificate.caPath });
    expect(trusted).toEqual({ code: 0, stdout: "ok" });
    const untrusted = await runNode(script, env);
    expect(untrusted.code).toBe(3);
  });

  test("a second call reuses the same certificate", async () => {
    const again = await createLocalCertificate({ dir });
    expect(again.certPem).toBe(certificate.certPem);
    expect(again.keyPem).toBe(certificate.keyPem);
  });

  test("a host the existing certificate does not cover gets a new certificate", async () => {
    const otherDir = join(root, "hosts");
    const first = await createLocalCertificate({ dir: otherDir });
    const second = await createLocalCertificate({ dir: otherDir, hosts: ["localhost", "callsim.test", "10.0.0.5", "[fe80::1]"] });
    expect(second.certPem).not.toBe(first.certPem);
    const cert = new X509Certificate(second.certPem);
    expect(cert.checkHost("callsim.test")).toBe("callsim.test");
    expect(cert.checkIP("10.0.0.5")).toBe("10.0.0.5");
    expect(cert.checkIP("fe80::1")).toBe("fe80::1");
  });

  test("a certificate about to expire is replaced", async () => {
    const otherDir = join(root, "expiry");
    const first = await createLocalCertificate({ dir: otherDir });
    const later = new Date(Date.now() + 362 * 86_400_000);
    const second = await createLocalCertificate({ dir: otherDir, now: later });
    expect(second.certPem).not.toBe(first.certPem);
    expect(Date.parse(new X509Certificate(second.certPem).validTo)).toBeGreaterThan(later.getTime() + 360 * 86_400_000);
  });

  test("an unreadable certificate file is regenerated", async () => {
    const otherDir = join(root, "corrupt");
    const first = await createLocalCertificate({ dir: otherDir });
    await writeFile(first.certPath, "not a certificate");
    const second = await createLocalCertificate({ dir: otherDir });
    expect(new X509Certificate(second.certPem).checkPrivateKey(createPrivateKey(second.keyPem))).toBe(true);
    expect(await readFile(second.certPath, "utf8")).toBe(second.certPem);
  });
});
