import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import { DEFAULT_ACCESS_KEY } from "../../emulator/emulatorOptions.js";
import type { Emulator } from "../../emulator/index.js";
import { inProcessBinding, type AppContext, type ExploreApp, type RunHooks } from "../../scenarios/explorerApp.js";
import { buildFromRecipe, defaultWorkers } from "../../scenarios/explorerWorkers.js";
import { availableParallelism } from "node:os";

/** Hooks for one run against a stand-in emulator that only names its endpoint; reasons the run fails for are collected. */
function hooks(endpoint = "http://127.0.0.1:1") {
  const failures: string[] = [];
  const emulator = {
    connectionString: () => `endpoint=${endpoint}/;accesskey=${DEFAULT_ACCESS_KEY}`,
    httpClient: () => ({ sendRequest: () => Promise.reject(new Error("no requests in these tests")) }),
  } as unknown as Emulator;
  const runHooks: RunHooks = { emulator, handle: () => Promise.reject(new Error("unused")), callbackUri: "http://app/cb", fail: (reason) => failures.push(reason) };
  return { runHooks, failures };
}

/** An app that records the context it was given, so the test can see the client each run gets. */
function recordingApp(extra: Partial<ExploreApp> = {}) {
  const contexts: AppContext<unknown>[] = [];
  const app: ExploreApp = { start: (ctx) => void contexts.push(ctx), handle: () => undefined, ...extra };
  return { app, contexts };
}

const event = (duplicate: boolean) => ({ kind: "event", type: "CallConnected", duplicate, event: { type: "Microsoft.Communication.CallConnected" } }) as never;
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("an in-process app's failures", () => {
  test("a start that rejects fails the run, naming start and the reason", async () => {
    const { runHooks, failures } = hooks();
    const binding = inProcessBinding({ start: () => Promise.reject(new Error("no line")), handle: () => undefined });
    binding.open(runHooks);
    binding.start();
    await settle();
    expect(failures).toEqual(["start rejected: no line"]);
  });

  test("a start that returns a value that is not a promise is no failure", async () => {
    const { runHooks, failures } = hooks();
    const binding = inProcessBinding({ start: () => ({ started: true }) as never, handle: () => undefined });
    binding.open(runHooks);
    binding.start();
    await settle();
    expect(failures).toEqual([]);
  });

  test("a handler that throws on a repeated event says it was the duplicate", () => {
    const { runHooks, failures } = hooks();
    const binding = inProcessBinding({ start: () => undefined, handle: () => { throw new Error("seen it"); } });
    binding.open(runHooks);
    binding.deliver(event(true));
    binding.deliver(event(false));
    expect(failures).toEqual(["the handler for CallConnected (duplicate) threw: seen it", "the handler for CallConnected threw: seen it"]);
  });

  test.each([
    ["a reason", "why not", "final check failed: why not"],
    ["false", false, "final check failed"],
    ["true", true, undefined],
    ["nothing", undefined, undefined],
  ])("a final check that returns %s", (_, returned, verdict) => {
    const { runHooks } = hooks();
    const binding = inProcessBinding({ start: () => undefined, handle: () => undefined, check: () => returned as never, invariant: () => returned as never });
    binding.open(runHooks);
    expect(binding.check!()).toBe(verdict);
    expect(binding.invariant!()).toBe(verdict?.replace("final check", "invariant"));
  });

  test("a final check that throws fails with what it threw", () => {
    const { runHooks } = hooks();
    const binding = inProcessBinding({ start: () => undefined, handle: () => undefined, check: () => { throw new Error("state is gone"); } });
    binding.open(runHooks);
    expect(binding.check!()).toBe("final check failed: state is gone");
  });
});

describe("an in-process app's SDK client", () => {
  test("is built once for the runs against one emulator, and again for another emulator", () => {
    const { app, contexts } = recordingApp();
    const binding = inProcessBinding(app);
    for (const endpoint of ["http://127.0.0.1:1", "http://127.0.0.1:1", "http://127.0.0.1:2"]) {
      binding.open(hooks(endpoint).runHooks);
      binding.start();
    }
    expect(contexts[1].client).toBe(contexts[0].client);
    expect(contexts[2].client).not.toBe(contexts[0].client);
  });
});

describe("an in-process app's state fingerprint", () => {
  test("an app with no init keeps no state the explorer can compare", () => {
    const binding = inProcessBinding(recordingApp().app);
    binding.open(hooks().runHooks);
    expect(binding.fingerprint!()).toEqual({ why: "it keeps no state for the explorer (no init)" });
  });

  test("an app with no init but its own fingerprint is fingerprinted by it", () => {
    const binding = inProcessBinding(recordingApp({ fingerprint: () => "mine" }).app);
    binding.open(hooks().runHooks);
    expect(binding.fingerprint!()).toEqual({ fingerprint: "mine" });
  });

  test("an app whose state is set by init is fingerprinted by that state", () => {
    const a = inProcessBinding(recordingApp({ init: () => ({ calls: 1 }) }).app);
    const b = inProcessBinding(recordingApp({ init: () => ({ calls: 2 }) }).app);
    a.open(hooks().runHooks);
    b.open(hooks().runHooks);
    expect("fingerprint" in a.fingerprint!()).toBe(true);
    expect(a.fingerprint!()).not.toEqual(b.fingerprint!());
  });
});

describe("a worker's recipe", () => {
  const moduleUrl = (source: string) => {
    const file = join(mkdtempSync(join(tmpdir(), "callsim-recipe-")), "recipe.mjs");
    writeFileSync(file, source);
    return pathToFileURL(file).href;
  };

  test.each([["a number", "export default 5;"], ["nothing", "export default undefined;"], ["a maker that makes a string", "export default () => 'app';"]])("a default export that is %s makes no app", async (_, source) => {
    const module = moduleUrl(source);
    await expect(buildFromRecipe({ module })).rejects.toThrow(`the worker recipe's module ${module} has no export "default" that makes an app.`);
  });

  test("a bundle of an app and its world is taken as it is", async () => {
    const app = { start() {}, handle() {} };
    const module = moduleUrl("export const bundle = { app: { start() {}, handle() {} }, scenario: { name: 'mine' } };");
    const built = await buildFromRecipe({ module, export: "bundle" });
    expect(Object.keys(built.app)).toEqual(Object.keys(app));
    expect(built.scenario).toEqual({ name: "mine" });
  });

  test("an app that has an app field of its own is still the app", async () => {
    const module = moduleUrl("export default { app: 'a field', start() {}, handle() {} };");
    const built = await buildFromRecipe({ module });
    expect(built.app.start).toBeTypeOf("function");
    expect(built.scenario).toBeUndefined();
  });

  test("an object with neither start nor an app field is taken as the app", async () => {
    const module = moduleUrl("export default { handle() {} };");
    const built = await buildFromRecipe({ module });
    expect(built.app.handle).toBeTypeOf("function");
  });

  test("run from TypeScript source, the search uses one thread by default", () => {
    // Only meaningful on a machine with more than one core, where the two answers differ.
    expect(availableParallelism()).toBeGreaterThan(1);
    expect(defaultWorkers()).toBe(1);
  });
});
