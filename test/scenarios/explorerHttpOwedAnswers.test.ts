/**
 * An app behind a URL that owes the explorer an answer: a POST the app leaves open is excused
 * only while it waits on an answer the explorer holds. Once callsim's answer has gone out, the
 * app has the answer timeout to answer the POST, or the run fails naming it. A POST still open
 * when its run ends is waited for, so the app is done with the run before the exploration goes on.
 */
import { afterEach, describe, expect, test } from "vitest";
import { explore } from "../../scenarios/explorer.js";
import { bindApp, listenApp, type Route } from "../support/loopbackApp.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const settings = { seed: 7, maxRuns: 3, samples: 0, shrinkRuns: 0 } as const;

describe("an app that leaves a POST open after callsim has answered it", () => {
  test("fails the run, naming the POST, once the answer timeout has passed since callsim's answer went out", async () => {
    let answered = 0;
    // The start handler places its call, hears callsim's answer, and then never answers the start POST.
    const placeThenHang = ((_, client, base) =>
      client.createCall({ targetParticipant: { communicationUserId: "8:acs:r_u1" } }, `${base}/callbacks`).then(
        () => (answered++, "hang"),
        () => 500,
      )) as Route;
    const app = await listenApp({ "/start": placeThenHang, "/callbacks": () => 200 }, closers);
    // Long enough for the app's createCall to reach callsim on a loaded machine.
    const server = await bindApp(app, { startUrl: `${app.base}/start`, answerTimeoutMs: 2_000 }, closers);
    const result = await explore({ app: server.binding, ...settings, maxRuns: 1 });
    expect(answered).toBeGreaterThan(0);
    expect(result.failure?.reason).toBe(`the app's start URL ${app.base}/start did not answer within 2000 ms (--answer-timeout-ms)`);
  });
});

describe("an app that answers its start POST only once its run has ended", () => {
  const heard: number[] = [];
  // The start handler asks about a call that does not exist (the run fails on it), then asks
  // again until callsim says the run has ended (409), and only then answers the start POST.
  const askUntilEnded = (answer: number | "hang"): Route => async (_, client) => {
    heard.length = 0;
    for (;;) {
      const status = await client
        .getCallConnection("no-such-call")
        .getCallConnectionProperties()
        .then(
          () => 200,
          (error: { statusCode?: number }) => error.statusCode ?? 0,
        );
      heard.push(status);
      if (status === 409) return answer as number;
    }
  };

  test("is waited for: the exploration goes on once the app has answered", async () => {
    const app = await listenApp({ "/start": askUntilEnded(200), "/callbacks": () => 200 }, closers);
    const server = await bindApp(app, { startUrl: `${app.base}/start`, answerTimeoutMs: 5_000 }, closers);
    const result = await explore({ app: server.binding, ...settings, maxRuns: 1 });
    expect(result.failure?.reason).toMatch(/^the app made an invalid request: GET \/no-such-call answered 404/);
    expect(heard.at(-1)).toBe(409);
  });

  test("is given up on once the answer timeout has passed, when it never answers", async () => {
    const app = await listenApp({ "/start": askUntilEnded("hang"), "/callbacks": () => 200 }, closers);
    const server = await bindApp(app, { startUrl: `${app.base}/start`, answerTimeoutMs: 2_000 }, closers);
    const result = await explore({ app: server.binding, ...settings, maxRuns: 1 });
    expect(result.failure?.reason).toMatch(/^the app made an invalid request: GET \/no-such-call answered 404/);
    expect(heard.at(-1)).toBe(409);
  });
});
