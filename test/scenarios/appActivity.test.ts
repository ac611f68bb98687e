/**
 * When the explorer counts an app behind a URL as done with a step, on a clock the test moves:
 * the quiet window (fixed, or adapting to the app's reaction time), requests in flight and held,
 * the explorer's unanswered POSTs, the first request after a start, and every bound.
 */
import { describe, expect, test } from "vitest";
import { AppActivity, MAX_QUIET_MS, MIN_QUIET_MS } from "../../scenarios/appActivity.js";

const ANSWER_TIMEOUT_MS = 500;

function activity(quietMs?: number) {
  const clock = { now: 1_000 };
  const app = new AppActivity({ quietMs, answerTimeoutMs: ANSWER_TIMEOUT_MS, now: () => clock.now });
  const at = (t: number) => void (clock.now = 1_000 + t);
  /** The verdict of one look at time `t` (ms after the start), the wait having begun at `began`. */
  const look = (t: number, began = 0) => {
    at(t);
    return app.look(1_000 + began).verdict.kind;
  };
  return { app, at, look };
}

/** The first time (ms after the start, searched up to `limit`) at which a look settles. */
function settlesAt({ look }: ReturnType<typeof activity>, from: number, limit = 5_000): number | undefined {
  for (let t = from; t <= limit; t++) if (look(t, t) === "settled") return t;
  return undefined;
}

describe("the quiet window", () => {
  test("a fixed window settles an idle app once exactly that long has passed since anything moved", () => {
    const { app, at, look } = activity(50);
    at(10);
    const open = app.postSent("the app's callback");
    at(20);
    app.postSettled(open);
    expect(look(69)).toBe("wait");
    expect(look(70)).toBe("settled");
    expect(app.quietMs()).toBe(50);
  });

  test("the adaptive window starts at its minimum", () => {
    const a = activity();
    expect(a.app.quietMs()).toBe(MIN_QUIET_MS);
    expect(settlesAt(a, 0)).toBe(MIN_QUIET_MS);
  });

  test("grows to twice the app's reaction while the explorer waits: the time from the last move to the app's request", () => {
    const a = activity();
    const open = a.app.postSent("the app's callback");
    a.at(5);
    a.app.postSettled(open); // the app answered, then acts on its own a while later
    a.app.waitBegan();
    a.at(45);
    const id = a.app.requestArrived();
    a.app.answered(id);
    a.app.waitEnded();
    expect(a.app.quietMs()).toBe(80);
    expect(settlesAt(a, 46)).toBe(45 + 80);
  });

  test("a request after the explorer stopped waiting doubles the window", () => {
    const a = activity();
    a.at(300);
    a.app.answered(a.app.requestArrived());
    expect(a.app.quietMs()).toBe(2 * MIN_QUIET_MS);
    a.at(900);
    a.app.answered(a.app.requestArrived());
    expect(a.app.quietMs()).toBe(4 * MIN_QUIET_MS);
  });

  test("a request after a wait has ended counts as late: it doubles the window, whatever the gap", () => {
    const a = activity();
    a.app.waitBegan();
    a.app.waitEnded();
    a.at(300);
    a.app.answered(a.app.requestArrived());
    expect(a.app.quietMs()).toBe(2 * MIN_QUIET_MS);
  });

  test("once the wait for a first request has been given up, the app's requests adapt the window again", () => {
    const a = activity();
    a.app.runOpened();
    a.app.started(true);
    a.at(ANSWER_TIMEOUT_MS + 1);
    expect(a.app.look(1_000).verdict.kind).toBe("settled");
    a.app.waitBegan();
    a.at(ANSWER_TIMEOUT_MS + 101);
    a.app.requestArrived();
    expect(a.app.quietMs()).toBe(2 * (ANSWER_TIMEOUT_MS + 101)); // the gap since the last move, the start
  });

  test("never grows past its maximum, and never shrinks", () => {
    const a = activity();
    a.app.waitBegan();
    a.at(5_000);
    a.app.answered(a.app.requestArrived());
    expect(a.app.quietMs()).toBe(MAX_QUIET_MS);
    a.at(5_010);
    a.app.answered(a.app.requestArrived());
    expect(a.app.quietMs()).toBe(MAX_QUIET_MS);

    const b = activity();
    b.app.waitBegan();
    b.at(100);
    b.app.answered(b.app.requestArrived());
    expect(b.app.quietMs()).toBe(200);
    b.at(110);
    b.app.answered(b.app.requestArrived());
    expect(b.app.quietMs()).toBe(200);
  });

  test("does not grow for a request made while the app still owes an answer to a POST", () => {
    const a = activity();
    a.app.postSent("the app's callback");
    a.app.waitBegan();
    a.at(400);
    a.app.accepted(a.app.requestArrived());
    expect(a.app.quietMs()).toBe(MIN_QUIET_MS);
  });

  test("does not grow for a request while callsim still acts on an earlier one", () => {
    const a = activity();
    a.app.waitBegan();
    a.at(30);
    a.app.requestArrived();
    a.at(400);
    a.app.requestArrived();
    expect(a.app.quietMs()).toBe(2 * 30);
  });

  test("does not grow for the first request after a start, nor for requests once the run is ending", () => {
    const a = activity();
    a.app.runOpened();
    a.app.started(true);
    a.app.waitBegan();
    a.at(300);
    a.app.answered(a.app.requestArrived());
    expect(a.app.quietMs()).toBe(MIN_QUIET_MS);
    a.app.runEnding();
    a.at(900);
    a.app.answered(a.app.requestArrived());
    expect(a.app.quietMs()).toBe(MIN_QUIET_MS);
    a.app.runOpened();
    a.at(1_500);
    a.app.answered(a.app.requestArrived());
    expect(a.app.quietMs()).toBe(2 * 600);
  });
});

describe("what keeps the app busy", () => {
  test("a request callsim has not acted on yet keeps the app busy; its acceptance and answer restart the window", () => {
    const a = activity(50);
    const id = a.app.requestArrived();
    expect(a.look(200)).toBe("wait");
    a.app.accepted(id);
    expect(a.look(249, 200)).toBe("wait");
    expect(a.look(250, 200)).toBe("settled");
    a.at(300);
    a.app.answered(id);
    expect(a.look(349, 300)).toBe("wait");
    expect(a.look(350, 300)).toBe("settled");
  });

  test("an unanswered POST waiting on an answer the explorer holds does not keep the app busy, nor run out of time", () => {
    const a = activity(50);
    const open = a.app.postSent("the app's callback on CallConnected");
    a.at(1);
    a.app.accepted(a.app.requestArrived()); // made after the POST: the app's handler waits on it
    a.at(ANSWER_TIMEOUT_MS + 100);
    const { overdue, verdict } = a.app.look(1_000);
    expect({ overdue, verdict }).toEqual({ overdue: [], verdict: { kind: "settled" } });
    expect(a.app.posts.has(open)).toBe(true);
  });

  test("a held answer to a request made before the POST does not excuse it: the POST runs out of time after exactly answerTimeoutMs", () => {
    const a = activity(50);
    a.app.accepted(a.app.requestArrived());
    const open = a.app.postSent("the app's callback on CallConnected");
    a.at(ANSWER_TIMEOUT_MS);
    expect(a.app.look(1_000)).toEqual({ overdue: [], verdict: { kind: "wait" } });
    a.at(ANSWER_TIMEOUT_MS + 1);
    const { overdue } = a.app.look(1_000);
    expect(overdue).toEqual([open]);
    expect(overdue[0]!.what).toBe("the app's callback on CallConnected");
    expect(a.app.posts.size).toBe(0);
  });

  test("a POST's time counts from when it last waited on the explorer", () => {
    const a = activity(50);
    a.app.postSent("the app's callback");
    a.at(1);
    const id = a.app.requestArrived();
    a.app.accepted(id);
    a.at(300);
    a.app.look(1_000); // the POST waits on the held answer here
    a.app.answered(id); // released: the app is on its own again
    a.at(300 + ANSWER_TIMEOUT_MS);
    expect(a.app.look(1_000).overdue).toEqual([]);
    a.at(301 + ANSWER_TIMEOUT_MS);
    expect(a.app.look(1_000).overdue).toHaveLength(1);
  });

  test("an app that keeps acting fails the run once answerTimeoutMs and a quiet window have passed since the wait began", () => {
    const a = activity(50);
    a.app.requestArrived();
    expect(a.look(ANSWER_TIMEOUT_MS + 50, 0)).toBe("wait");
    a.at(ANSWER_TIMEOUT_MS + 51);
    expect(a.app.look(1_000).verdict).toEqual({ kind: "failed", reason: `the app kept acting for more than ${ANSWER_TIMEOUT_MS} ms after one step (--answer-timeout-ms)` });
  });
});

describe("the first request after a start", () => {
  test("is waited for, not a quiet window, until answerTimeoutMs has passed since the start", () => {
    const a = activity(50);
    a.app.runOpened();
    a.at(10);
    a.app.started(true);
    expect(a.look(400)).toBe("wait");
    expect(a.look(10 + ANSWER_TIMEOUT_MS)).toBe("wait");
    expect(a.look(11 + ANSWER_TIMEOUT_MS)).toBe("settled");
    // Given up on: the quiet window rules again.
    a.at(600);
    expect(a.app.look(1_600).verdict.kind).toBe("settled");
  });

  test("once it comes, the quiet window rules", () => {
    const a = activity(50);
    a.app.runOpened();
    a.app.started(true);
    a.at(100);
    a.app.answered(a.app.requestArrived());
    expect(a.look(149, 100)).toBe("wait");
    expect(a.look(150, 100)).toBe("settled");
  });

  test("a start that expects no request (an incoming call) leaves the quiet window in charge", () => {
    const a = activity(50);
    a.app.runOpened();
    a.app.started(false);
    expect(a.look(50)).toBe("settled");
  });

  test("an event delivered before the run's first request is one the app must act on; later ones are not", () => {
    const a = activity(50);
    a.app.runOpened();
    a.at(100);
    a.app.delivering();
    expect(a.look(100 + ANSWER_TIMEOUT_MS)).toBe("wait");
    a.app.answered(a.app.requestArrived());
    a.at(700);
    a.app.delivering();
    expect(a.look(750, 700)).toBe("settled");
    // A new run has had no request yet.
    a.app.runOpened();
    a.at(800);
    a.app.delivering();
    expect(a.look(900, 800)).toBe("wait");
  });

  test("a second delivery does not restart the wait for the first request", () => {
    const a = activity(50);
    a.app.runOpened();
    a.app.delivering();
    a.at(300);
    a.app.delivering();
    expect(a.look(ANSWER_TIMEOUT_MS + 1)).toBe("settled");
  });

  test("the run's end gives up waiting for it", () => {
    const a = activity(50);
    a.app.runOpened();
    a.app.started(true);
    a.app.runEnding();
    expect(a.look(50)).toBe("settled");
  });
});
