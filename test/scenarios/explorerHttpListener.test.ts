/**
 * Where the callsim server of an app behind a URL listens, how it says it cannot, and that it
 * stops: the IPv4 loopback by default, https with a given certificate, a failure to listen as it
 * is, and its port let go on close.
 */
import { createServer } from "node:net";
import { Agent, request } from "undici";
import { afterEach, describe, expect, test } from "vitest";
import { createLocalCertificate, DEFAULT_CERTIFICATE_DIR } from "../../emulator/http/tls.js";
import { ExploreSetupError } from "../../scenarios/explorer.js";
import { createHttpAppBinding } from "../../scenarios/explorerHttp.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const options = { callbackUrl: "http://127.0.0.1:9/callbacks" };
/** Any Call Automation path: outside a run, callsim answers it 409 NoExplorationRun. */
const CALL_PATH = "/calling/callConnections/any?api-version=2025-05-15";

async function errorCode(url: string): Promise<string | undefined> {
  return fetch(url).then(
    () => undefined,
    (e: Error & { cause?: { code?: string } }) => e.cause?.code ?? e.message,
  );
}

describe("the explorer's callsim server for an app behind a URL", () => {
  test("listens on the IPv4 loopback only, by default", async () => {
    const server = await createHttpAppBinding(options);
    closers.push(server.close);
    const port = new URL(server.endpoint).port;
    expect(server.endpoint).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`${server.endpoint}${CALL_PATH}`)).status).toBe(409);
    // Nothing answers at the IPv6 loopback, where a server on "localhost" or every interface would.
    expect(await errorCode(`http://[::1]:${port}${CALL_PATH}`)).toBe("ECONNREFUSED");
  });

  test("serves https with the certificate it is given", async () => {
    const certificate = await createLocalCertificate({ dir: DEFAULT_CERTIFICATE_DIR });
    const server = await createHttpAppBinding(options, { https: { key: certificate.keyPem, cert: certificate.certPem } });
    closers.push(server.close);
    expect(server.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(server.connectionString("<key>")).toBe(`endpoint=${server.endpoint}/;accesskey=<key>`);
    const trusting = new Agent({ connect: { ca: certificate.certPem } });
    closers.push(() => trusting.close());
    const response = await request(`${server.endpoint}${CALL_PATH}`, { dispatcher: trusting });
    expect(response.statusCode).toBe(409);
    expect(((await response.body.json()) as { error: { code: string } }).error.code).toBe("NoExplorationRun");
  });

  test("lets go of its port once closed, whatever connection an app keeps open", async () => {
    const server = await createHttpAppBinding(options);
    const keepAlive = new Agent({ keepAliveTimeout: 60_000 });
    closers.push(() => keepAlive.close());
    const first = await request(`${server.endpoint}${CALL_PATH}`, { dispatcher: keepAlive });
    await first.body.text();
    await server.close();
    expect(await errorCode(`${server.endpoint}${CALL_PATH}`)).toBe("ECONNREFUSED");
  });

  test("on a port something else holds, is a setup error that says how to pick another", async () => {
    // Another server (a callsim left running, say) holds a loopback port first.
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise<void>((resolve) => holder.close(() => resolve())));
    const port = (holder.address() as { port: number }).port;
    const error = await createHttpAppBinding(options, { port }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExploreSetupError);
    expect((error as Error).message).toContain(`port ${port} is already in use`);
    expect((error as Error).message).toContain("Pick another with --port");
  });

  test("fails to listen on an address this machine does not have with the system's own error", async () => {
    // 192.0.2.0/24 is for documentation: no interface here has 192.0.2.77.
    const error = await createHttpAppBinding(options, { host: "192.0.2.77", port: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ExploreSetupError);
    expect((error as NodeJS.ErrnoException).code).toBe("EADDRNOTAVAIL");
  });
});
