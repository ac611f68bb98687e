import { createHmac } from "node:crypto";
import { describe, expect, test } from "vitest";
import { signHmacRequest, verifyHmacRequest, type AuthResult, type SignedRequest } from "../../emulator/http/auth.js";

// How the emulator reads an Authorization header written by hand or by another SDK, and the
// clock-skew message a user with a wrong clock reads.
const KEY = Buffer.from("callsim-auth-parameters-key-0000000").toString("base64");
const NOW = Date.parse("2026-03-12T10:00:00Z");
const NOW_TEXT = "Thu, 12 Mar 2026 10:00:00 GMT";
const EMPTY_HASH = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
const TARGET = "/calling/callConnections/abc?api-version=2026-03-12";
const SECOND = 1000;
const MINUTE = 60 * SECOND;

const HEADERS: Record<string, string> = { "x-ms-date": NOW_TEXT, host: "127.0.0.1:39095", "x-ms-content-sha256": EMPTY_HASH };

/** The signature of a GET of TARGET over `names`, in that order. */
function signatureOver(names: string[]): string {
  const stringToSign = `GET\n${TARGET}\n${names.map((name) => HEADERS[name]).join(";")}`;
  return createHmac("sha256", Buffer.from(KEY, "base64")).update(stringToSign).digest("base64");
}

const SIGNATURE = signatureOver(["x-ms-date", "host", "x-ms-content-sha256"]);

function withAuthorization(authorization: string): SignedRequest {
  return { method: "GET", url: TARGET, rawBody: "", headers: { ...HEADERS, authorization } };
}

function verify(authorization: string): AuthResult {
  return verifyHmacRequest(withAuthorization(authorization), KEY, NOW);
}

function refusal(result: AuthResult): Extract<AuthResult, { ok: false }> {
  expect(result.ok).toBe(false);
  return result as Extract<AuthResult, { ok: false }>;
}

describe("Authorization parameters written by hand", () => {
  test("the signature keeps its '=' padding: a parameter splits at its first '=' only", () => {
    expect(SIGNATURE.endsWith("=")).toBe(true);
    expect(verify(`HMAC-SHA256 Signature=${SIGNATURE}&SignedHeaders=x-ms-date;host;x-ms-content-sha256`)).toEqual({ ok: true });
  });

  test.each([
    ["names in upper case", `HMAC-SHA256 SIGNEDHEADERS=x-ms-date;host;x-ms-content-sha256&SIGNATURE=${SIGNATURE}`],
    ["names in mixed case", `hmac-sha256 signedHeaders=x-ms-date;host;x-ms-content-sha256&sIgNaTuRe=${SIGNATURE}`],
    ["spaces around names and values", `HMAC-SHA256  SignedHeaders =  x-ms-date;host;x-ms-content-sha256  &  Signature  = ${SIGNATURE}  `],
    ["a parameter without '='", `HMAC-SHA256 Credential&SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${SIGNATURE}`],
    ["a parameter without '=' named like Signature", `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${SIGNATURE}&SignatureX`],
    ["a parameter named like SignedHeaders", `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&SignedHeadersX=host&Signature=${SIGNATURE}`],
    ["a parameter without a name", `HMAC-SHA256 =x&SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${SIGNATURE}`],
    ["empty parameters", `HMAC-SHA256 &&SignedHeaders=x-ms-date;host;x-ms-content-sha256&&Signature=${SIGNATURE}&`],
    ["other parameters after the signature", `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${SIGNATURE}&Credential=abc`],
    ["the SDK's header with a space after Signature=", `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature= ${SIGNATURE}`],
    ["header names in upper case with spaces", `HMAC-SHA256 SignedHeaders= X-MS-DATE ; Host ;X-Ms-Content-Sha256 &Signature=${SIGNATURE}`],
  ])("%s verify", (_what, authorization) => {
    expect(verify(authorization)).toEqual({ ok: true });
  });

  test("signed headers in another order are signed in that order", () => {
    const order = ["host", "x-ms-content-sha256", "x-ms-date"];
    expect(verify(`HMAC-SHA256 SignedHeaders=${order.join(";")}&Signature=${signatureOver(order)}`)).toEqual({ ok: true });
    expect(refusal(verify(`HMAC-SHA256 SignedHeaders=${order.join(";")}&Signature=${SIGNATURE}`)).reason).toBe("signatureMismatch");
    expect(verify(`HMAC-SHA256 SignedHeaders=HOST; X-MS-Content-SHA256 ;X-MS-Date&Signature=${signatureOver(order)}`)).toEqual({ ok: true });
  });

  test("a later Signature or SignedHeaders parameter replaces an earlier one", () => {
    expect(verify(`HMAC-SHA256 Signature=${"B".repeat(43)}=&SignedHeaders=host&Signature=${SIGNATURE}&SignedHeaders=x-ms-date;host;x-ms-content-sha256`)).toEqual({ ok: true });
  });

  test("a value that only looks like a parameter name is not one", () => {
    // "XSignature" and "Signatures" are other parameters: the header has no Signature.
    expect(refusal(verify(`HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&XSignature=${SIGNATURE}`)).reason).toBe("malformedAuthorization");
    expect(refusal(verify(`HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signatures=${SIGNATURE}`)).reason).toBe("malformedAuthorization");
    expect(refusal(verify(`HMAC-SHA256 SignedHeader=x-ms-date;host;x-ms-content-sha256&Signature=${SIGNATURE}`)).reason).toBe("malformedAuthorization");
  });

  test("the scheme alone has no parameters", () => {
    expect(refusal(verify("HMAC-SHA256")).reason).toBe("malformedAuthorization");
    expect(refusal(verify("hmac-sha256   ")).reason).toBe("malformedAuthorization");
  });

  test("a scheme run into its parameters is another scheme", () => {
    const result = refusal(verify(`HMAC-SHA256SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${SIGNATURE}`));
    expect(result.reason).toBe("unsupportedScheme");
    expect(result.message.startsWith('The Authorization scheme "HMAC-SHA256SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=')).toBe(true);
  });
});

describe("the clock-skew message", () => {
  /** The message for a request signed at NOW + `offsetMs`, checked at NOW. */
  function skewMessage(offsetMs: number, maxClockSkewMs: number): string {
    const url = `http://127.0.0.1:39095${TARGET}`;
    const headers = signHmacRequest({ method: "GET", url }, KEY, new Date(NOW + offsetMs));
    const result = refusal(verifyHmacRequest({ method: "GET", url: TARGET, rawBody: "", headers }, KEY, NOW, { maxClockSkewMs }));
    expect(result.reason).toBe("staleDate");
    return result.message;
  }

  test.each([
    // A bound under a minute reads in seconds, not rounded to "1 minute" (the skew it refuses would read the same).
    ["1 minute behind", -MINUTE, 30 * SECOND, "1 minute behind", "30 seconds"],
    ["1 minute ahead", MINUTE, 30 * SECOND, "1 minute ahead of", "30 seconds"],
    ["5 minutes ahead", 5 * MINUTE, MINUTE, "5 minutes ahead of", "1 minute"],
    ["5 minutes behind", -5 * MINUTE, 2 * MINUTE, "5 minutes behind", "2 minutes"],
    ["a minute and a half behind", -90 * SECOND, MINUTE, "1 minute 30 seconds behind", "1 minute"],
    ["61 seconds ahead", 61 * SECOND, MINUTE, "1 minute 1 second ahead of", "1 minute"],
    ["15 minutes 20 seconds behind", -(15 * MINUTE + 20 * SECOND), 15 * MINUTE, "15 minutes 20 seconds behind", "15 minutes"],
    ["1 second ahead", SECOND, 0, "1 second ahead of", "0 seconds"],
    ["45 seconds ahead", 45 * SECOND, 40 * SECOND, "45 seconds ahead of", "40 seconds"],
    ["29 seconds behind", -29 * SECOND, 5 * SECOND, "29 seconds behind", "5 seconds"],
    ["2 seconds behind", -2 * SECOND, 0, "2 seconds behind", "0 seconds"],
    ["an hour behind", -60 * MINUTE, 15 * MINUTE, "60 minutes behind", "15 minutes"],
  ])("a clock %s reads as such", (_what, offsetMs, maxClockSkewMs, skew, allowed) => {
    const sent = new Date(NOW + offsetMs).toUTCString();
    expect(skewMessage(offsetMs, maxClockSkewMs)).toBe(
      `The x-ms-date header "${sent}" is ${skew} the emulator's clock ("${NOW_TEXT}"); at most ${allowed} either way is accepted. Sign each request when it is sent (do not replay saved signed requests) and check that the client machine's clock is correct.`,
    );
  });
});
