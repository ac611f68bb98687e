/**
 * Parts of a search on worker threads, and the reruns every part makes: a thread is kept for
 * the next part and hears only that part, a thread that crashes fails its part, and a rerun
 * offered fewer steps than its order asks for goes on with the first one.
 */
import { describe, expect, test } from "vitest";
import { inProcessBinding } from "../../scenarios/explorerApp.js";
import { explorePartInWorker, rerunner, type PartJob } from "../../scenarios/explorerWorkers.js";
import * as apps from "./apps/inProcessApps.js";

const APPS = new URL("./apps/inProcessApps.ts", import.meta.url).href;
/** A part that starts at the root of the search and runs one order. */
const oneOrder = (): PartJob => ({ seed: 7, duplicates: 0, start: [{ prefix: [], cost: { duplicates: 0, moved: 0 }, sleep: [] }], visited: new Map(), maxRuns: 1, all: false, prune: true, independence: "none" });

describe("a rerun of an order", () => {
  test("takes the first step where the order asks for one past those offered, and counts each such step", async () => {
    const setup = { binding: inProcessBinding(apps.robust()), seed: 7, duplicates: 0 };
    const plain = await rerunner(setup).run(() => 0);
    expect(plain.choices.length).toBeGreaterThan(1);

    const { rerun, divergent } = rerunner(setup);
    // An order recorded against an app that offered more steps: every choice is one past the last candidate.
    const rerunOutcome = await rerun((candidates) => candidates.length);
    expect(rerunOutcome.failure).toBeUndefined();
    expect(rerunOutcome.trace).toEqual(plain.trace);
    expect(divergent()).toBe(plain.choices.length);

    const faithful = rerunner(setup);
    await faithful.rerun((candidates) => candidates.length - 1);
    expect(faithful.divergent()).toBe(0);
  });
});

describe("parts explored on a worker thread", () => {
  test(
    "each hears only its own runs, on a thread kept for the next part without piling up listeners",
    async () => {
      const warnings: string[] = [];
      const onWarning = (warning: Error) => void warnings.push(`${warning.name}: ${warning.message}`);
      process.on("warning", onWarning);
      try {
        // More parts than an emitter takes listeners before it warns of a leak (10).
        const heard: number[] = [];
        for (let part = 0; part < 12; part++) {
          heard.push(0);
          const result = await explorePartInWorker({ module: APPS, export: "robust" }, undefined, oneOrder(), () => heard[part]++);
          expect(result.runs).toBe(1);
        }
        expect(heard).toEqual(Array.from({ length: 12 }, () => 1));
        // A warning is emitted on the next tick.
        await new Promise((resolve) => process.nextTick(resolve));
        expect(warnings.filter((w) => w.startsWith("MaxListenersExceededWarning") && w.includes("[Worker]"))).toEqual([]);
      } finally {
        process.off("warning", onWarning);
      }
    },
    60_000,
  );

  test(
    "fails its part with the error that crashed the thread",
    async () => {
      // The app's module never finishes building, and throws from a timer: nothing in the thread catches it.
      const module = "data:text/javascript,export default () => new Promise(() => setTimeout(() => { throw new Error('the app crashed its thread'); }))";
      await expect(explorePartInWorker({ module }, undefined, oneOrder(), () => undefined)).rejects.toThrow(new Error("the app crashed its thread"));
    },
    30_000,
  );
});
