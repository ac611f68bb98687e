import { describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/emulator.js";
import { signHmacRequest, verifyHmacRequest, type AuthResult } from "../../emulator/http/auth.js";

// Issue 16: a signature comparison that skipped characters passed every test, because the
// tests only sent entirely wrong signatures. Each of these changes one character.
const KEY = Buffer.from("callsim-signature-one-character-key").toString("base64");
const ENDPOINT = "http://127.0.0.1:39094";
const PATH = "/calling/callConnections/abc?api-version=2026-03-12";

/** The signature with the character at `index` replaced by a different base64 character. */
function changeOne(signature: string, index: number): string {
  const replacement = signature[index] === "A" ? "B" : "A";
  return `${signature.slice(0, index)}${replacement}${signature.slice(index + 1)}`;
}

function withSignature(headers: Record<string, string>, signature: string): Record<string, string> {
  return { ...headers, authorization: headers.authorization.replace(/Signature=.*$/, `Signature=${signature}`) };
}

describe("a signature with one changed character", () => {
  const date = new Date();
  const headers = signHmacRequest({ method: "GET", url: `${ENDPOINT}${PATH}` }, KEY, date);
  const signature = /Signature=(.*)$/.exec(headers.authorization)![1];

  test("the untouched signature is accepted (the control)", () => {
    expect(verifyHmacRequest({ method: "GET", url: PATH, headers, rawBody: "" }, KEY, date.getTime())).toEqual({ ok: true });
  });

  // The last character is base64 padding; every digest character is checked.
  test.each(Array.from({ length: signature.length - 1 }, (_, i) => i))("is refused when character %i differs", (index) => {
    const result: AuthResult = verifyHmacRequest({ method: "GET", url: PATH, headers: withSignature(headers, changeOne(signature, index)), rawBody: "" }, KEY, date.getTime());
    expect(result).toMatchObject({ ok: false, reason: "signatureMismatch" });
  });

  test("is answered 401 with the service's error shape by the route table", async () => {
    const emulator = createEmulator({ seed: 1, clock: "virtual", accessKey: KEY, endpoint: ENDPOINT, selfCheck: "throw" });
    const url = "/calling/callConnections/abc/participants?api-version=2026-03-12";
    const good = signHmacRequest({ method: "GET", url: `${ENDPOINT}${url}` }, KEY, new Date()); // authentication reads the wall clock
    const goodSignature = /Signature=(.*)$/.exec(good.authorization)![1];
    const request = (h: Record<string, string>) => emulator.handle({ method: "GET", url, headers: { ...h, host: new URL(ENDPOINT).host }, rawBody: "", protocol: "http" });

    // The control: the same request, correctly signed, gets past authentication (404: no such call).
    expect((await request(good)).status).not.toBe(401);
    const refused = await request(withSignature(good, changeOne(goodSignature, 20)));
    expect(refused.status).toBe(401);
    expect(JSON.parse(String(refused.body)).error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    await emulator.close();
  });
});

describe("a signature of another length", () => {
  const date = new Date();
  const headers = signHmacRequest({ method: "GET", url: `${ENDPOINT}${PATH}` }, KEY, date);
  const signature = /Signature=(.*)$/.exec(headers.authorization)![1];
  const verify = (sent: string) => verifyHmacRequest({ method: "GET", url: PATH, headers: withSignature(headers, sent), rawBody: "" }, KEY, date.getTime());

  // Every character sent matches the expected signature's; only the length differs. The form of
  // an HMAC-SHA256 signature (44 base64 characters) is checked before the comparison.
  test.each([
    ["with a character more", `${signature}A`],
    ["with the last character cut", signature.slice(0, -1)],
    ["empty", ""],
  ])("is refused %s", (_, sent) => {
    expect(verify(sent)).toMatchObject({ ok: false, reason: "malformedAuthorization" });
  });
});
