/**
 * The SDK client explore() hands an in-process app: one that answers within the run, so what
 * the app hears belongs to the order being explored.
 */
import { describe, expect, test } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { explore } from "../../scenarios/explorer.js";

describe("the SDK client of an in-process app", () => {
  test("does not retry a refusal callsim gives: the app hears the 503 in the run that made the request", async () => {
    const heard: Array<number | string> = [];
    const result = await explore({
      app: {
        start: (ctx) =>
          ctx.client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, ctx.callbackUri).then(
            () => void heard.push("connected"),
            (e: { statusCode?: number }) => void heard.push(e.statusCode ?? "no status"),
          ),
        handle: () => undefined,
      },
      // 503 is a status the SDK retries by default, after a back-off of about a second.
      scenario: { world: (emulator: Emulator) => void emulator.addFault({ action: "createCall", status: 503, times: 1 }) },
      seed: 1,
      maxRuns: 1,
      samples: 0,
      shrinkRuns: 0,
    });
    expect(result.failure?.reason).toMatch(/^the app made an invalid request: POST \/ answered 503 /);
    // Heard by the time explore() is done: a retry would still be waiting out its back-off.
    expect(heard).toEqual([503]);
  });
});
