import { describe, expect, test } from "vitest";
import { TRANSPORTS } from "../../support/harness.js";
import { CALLER, caller, connectedCall, file, text, useMediaHarness } from "../../support/media.js";

describe.each(TRANSPORTS)("CallMedia hold over %s", (transport) => {
  const h = useMediaHarness({ transport });

  const onHold = (d: any) => d.participants.some((p: any) => p.identifier.rawId === CALLER && p.isOnHold);

  test("holds a participant with music and takes them off hold, each with a roster update", async () => {
    const { id, connection, media } = await connectedCall(h);
    await media.hold(caller, { playSource: file("https://media.example.com/music.wav"), operationContext: "hold" });
    const held = await h.waitForEvent("ParticipantsUpdated", id, onHold);
    expect(held.participants.find((p) => p.identifier && "phoneNumber" in p.identifier)?.isOnHold).toBe(true);
    expect((await connection.getParticipant(caller)).isOnHold).toBe(true);
    await media.unhold(caller);
    await h.waitForEvent("ParticipantsUpdated", id, (d) => d.sequenceNumber === held.sequenceNumber! + 1 && !onHold(d));
    expect((await connection.getParticipant(caller)).isOnHold).toBe(false);
  });

  test("sends HoldFailed (400/8535) for music that is not a WAV, and leaves the participant off hold", async () => {
    const { id, connection, media } = await connectedCall(h);
    await media.hold(caller, { playSource: file("https://media.example.com/music.mp3"), operationContext: "hold" });
    expect(await h.waitForEvent("HoldFailed", id)).toMatchObject({ operationContext: "hold", resultInformation: { code: 400, subCode: 8535 } });
    expect((await connection.getParticipant(caller)).isOnHold).toBe(false);
  });

  test("sends a planted asynchronous fault as HoldFailed", async () => {
    await h.control("POST", "/emulator/faults", { action: "hold", async: true, status: 500, subCode: 9999, message: "Hold failed." });
    const { id, media } = await connectedCall(h);
    await media.hold(caller);
    expect((await h.waitForEvent("HoldFailed", id)).resultInformation).toMatchObject({ code: 500, subCode: 9999 });
  });

  test("answers 412 (8583) while a play is running for the participant", async () => {
    const { id, media } = await connectedCall(h);
    await media.playToAll([text("Hi")], { loop: true });
    await h.waitForEvent("PlayStarted", id);
    const error = await media.hold(caller).catch((e) => e);
    expect(error.statusCode).toBe(412);
    expect(error.code).toBe("8583");
    expect(error.message).toMatch(/cancelAllMediaOperations/);
  });

  test("answers 404 for someone not in the call", async () => {
    const { media } = await connectedCall(h);
    expect((await media.hold({ phoneNumber: "+14255550999" }).catch((e) => e)).statusCode).toBe(404);
    expect((await media.unhold({ phoneNumber: "+14255550999" }).catch((e) => e)).statusCode).toBe(404);
  });
});
