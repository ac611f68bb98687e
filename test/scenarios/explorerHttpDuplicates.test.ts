/**
 * An app behind a URL that fails on an event delivered twice (Event Grid and Call Automation
 * deliver at least once): the run's failure says the delivery was the duplicate, so the user
 * knows the app's handling of repeats is what broke.
 */
import { afterEach, describe, expect, test } from "vitest";
import { explore } from "../../scenarios/explorer.js";
import { bindApp, listenApp, type Route } from "../support/loopbackApp.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const placeCall: Route = (_, client, base) => {
  void client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, `${base}/callbacks`).catch(() => undefined);
  return 202;
};

describe("an app that answers an error to an event it has already seen", () => {
  test("fails the run with a reason that names the delivery as a duplicate", async () => {
    // The app remembers the event ids of the current run; the reset URL forgets them.
    const seenIds = new Set<string>();
    const app = await listenApp(
      {
        "/reset": () => (seenIds.clear(), 200),
        "/start": placeCall,
        "/callbacks": (seen) => {
          const ids = (JSON.parse(seen.body) as Array<{ id: string }>).map((e) => e.id);
          const repeat = ids.some((id) => seenIds.has(id));
          for (const id of ids) seenIds.add(id);
          return repeat ? 500 : 200;
        },
      },
      closers,
    );
    const server = await bindApp(app, { startUrl: `${app.base}/start`, resetUrl: `${app.base}/reset` }, closers);
    const result = await explore({ app: server.binding, seed: 7, maxRuns: 30, samples: 0, shrinkRuns: 0 });
    expect(result.failure?.reason, result.summary).toMatch(new RegExp(`^the app's callback ${app.base}/callbacks on \\w+ \\(duplicate\\) answered 500$`));
  });
});
