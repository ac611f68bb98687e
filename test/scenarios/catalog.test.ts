import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { explore } from "../../scenarios/explorer.js";
import { SCENARIOS } from "../../scenarios/catalog/index.js";
import { runScenario, type Scenario } from "../../scenarios/scenario.js";
import type { Emulator } from "../../emulator/index.js";
import { user } from "../../scenarios/catalog/parties.js";
import { NO_CONTENT, plantedWhenTracked, withService } from "../support/plantedScenarios.js";
import { catalogScenarioApp, scenarioApp } from "../../scenarios/scenarioApp.js";

describe("documented sequences", () => {
  test.each(SCENARIOS.map((s) => [s.name, s] as const))("%s: the engine emits what the docs describe", async (_, scenario) => {
    const result = await runScenario(scenario);
    expect(result.problems).toEqual([]);
  });
});

describe("a scenario's declaration", () => {
  test("reports the difference when the engine's output does not match", async () => {
    const wrong = { ...SCENARIOS[0], expected: { app: ["CallConnected 200/0", "CallDisconnected 200/7000"] } };
    const result = await runScenario(wrong);
    expect(result.problems).toEqual(["app: expected CallConnected 200/0 → CallDisconnected 200/7000, got CallConnected 200/0 → ParticipantsUpdated → CallDisconnected 200/7000"]);
  });

  test("reports a broken causal constraint", async () => {
    const reversed = { ...SCENARIOS[0], constraints: [{ kind: "before" as const, first: "ParticipantsUpdated", then: "CallConnected" }] };
    const result = await runScenario(reversed);
    expect(result.problems).toEqual(["app: before: CallConnected came before ParticipantsUpdated"]);
  });
});

describe("documented sequences under every delivery order", () => {
  const counts: string[] = [];
  afterAll(() => console.log(`orders explored per scenario (no duplicates, bound 200): ${counts.join(", ")}`));
  test.each(SCENARIOS.map((s) => [s.name, s] as const))("%s: its own steps pass every order", async (_, scenario) => {
    const result = await explore({ scenario, app: scenarioApp(scenario), seed: 1, duplicates: 0, maxRuns: 200 });
    counts.push(`${scenario.name} ${result.runs}${result.exhaustive ? "" : "+"}`);
    expect(result.failure?.reason).toBeUndefined();
    expect(result.runs).toBeGreaterThan(0);
  });
});

describe("the catalog's declarations", () => {
  test("each scenario has a kebab-case name of its own, by which its app is rebuilt in a worker thread", () => {
    const names = SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const scenario of SCENARIOS) {
      expect(scenario.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(catalogScenarioApp(scenario.name).scenario).toBe(scenario);
    }
    expect(() => catalogScenarioApp("no-such-scenario")).toThrow('no catalog scenario is named "no-such-scenario"');
  });

  test("each scenario has a one-line title of its own", () => {
    const titles = SCENARIOS.map((s) => s.title);
    expect(new Set(titles).size).toBe(titles.length);
    for (const title of titles) expect(title).toMatch(/^[A-Z0-9][^\n]{15,}$/);
  });

  // A rule with no source is a guess: each sequence names the documents it follows, and those exist.
  test.each(SCENARIOS.map((s) => [s.name, s.source] as const))("%s cites evidence that exists", (_, source) => {
    const cited = citedFiles(source);
    expect(cited.length, `${source} names no document`).toBeGreaterThan(0);
    for (const file of cited) expect(evidence(file), `${file}, cited by "${source}", is in neither ${REFERENCE} nor contracts/recordings`).toBeDefined();
    for (const [, section] of source.matchAll(/§(\d+)/g)) expect(EVENT_SEQUENCES, `EVENT-SEQUENCES.md has no §${section}`).toMatch(new RegExp(`^## ${section}\\. `, "m"));
    for (const [, finding] of source.matchAll(/findings \((\w)\)/g)) expect(FINDINGS, `findings.md has no (${finding})`).toContain(`## (${finding})`);
  });
});

const REFERENCE = referenceFolder(import.meta.dirname);
const RECORDINGS = join(import.meta.dirname, "..", "..", "contracts", "recordings");
const EVENT_SEQUENCES = readFileSync(join(REFERENCE, "callautomation", "EVENT-SEQUENCES.md"), "utf8");
const FINDINGS = readFileSync(join(REFERENCE, "recorded-events", "findings.md"), "utf8");
/** Every file under the reference documents and the recordings, by name. */
const EVIDENCE = new Map(
  [REFERENCE, RECORDINGS].flatMap((root) => readdirSync(root, { recursive: true, encoding: "utf8" }).map((path) => [basename(path), join(root, path)] as const)),
);

/**
 * The reference documents sit beside the checkout (`../shared/reference`). A copy of the checkout
 * made below it (a mutation run's sandbox, `.stryker-tmp/sandbox-*`) finds them by walking up;
 * a fixed `../../..` made this file fail to load there, and the catalog went unmeasured.
 */
function referenceFolder(from: string): string {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, "shared", "reference");
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`no shared/reference in any folder above ${from}: the catalog's evidence is read from the reference documents beside the checkout`);
}

/** The documents a source names: `X.md`, `X.json`, and `recorded-events X` (a recording). */
function citedFiles(source: string): string[] {
  const files = [...source.matchAll(/[\w-]+\.(?:md|json)\b/g)].map(([file]) => file);
  const recordings = [...source.matchAll(/recorded-events ([A-Z]\w+)/g)].map(([, name]) => `${name}.json`);
  return [...files, ...recordings];
}

function evidence(file: string): string | undefined {
  const path = EVIDENCE.get(file);
  return path && statSync(path).isFile() ? path : undefined;
}

// Each scenario's constraints and its steps' own checks guard against an engine that departs
// from the docs; these run the scenario against such an engine and see the guard speak.
describe("a scenario's own checks, against an engine that departs from the docs", () => {
  const byName = (name: string) => SCENARIOS.find((s) => s.name === name)!;
  const roster = (scenario: Scenario): Scenario => ({ ...scenario, world: async (emulator) => (await scenario.world?.(emulator), void emulator.setVariants({ createCallOrder: "rosterFirst" })) });

  test("outbound-answered: a roster before CallConnected", async () => {
    const { problems } = await runScenario(roster(byName("outbound-answered")));
    expect(problems).toContain("app: CallConnected is emitted before the first roster: ParticipantsUpdated came before CallConnected");
  });

  test("group-call: a roster before CallConnected", async () => {
    const { problems } = await runScenario(roster(byName("group-call")));
    expect(problems).toContain("app: before: ParticipantsUpdated came before CallConnected");
  });

  test.each(["outbound-declined", "outbound-busy", "outbound-no-answer", "outbound-unreachable"])("%s: the leg ends before the failure is reported", async (name) => {
    const { problems } = await runScenario(plantedWhenTracked(byName(name), "CallDisconnected"));
    expect(problems).toContain("app: the failure is reported before the leg ends: CallDisconnected came before CreateCallFailed");
  });

  test("connect-failed: another event besides ConnectFailed", async () => {
    const { problems } = await runScenario(plantedWhenTracked(byName("connect-failed"), "CallConnected"));
    expect(problems).toContain("app: nothing follows ConnectFailed: ConnectFailed was not the only event: CallConnected, ConnectFailed");
  });

  test("add-participant-succeeded: the call ends before the invitee joins", async () => {
    const { problems } = await runScenario(plantedWhenTracked(byName("add-participant-succeeded"), "CallDisconnected"));
    expect(problems).toContain("app: before: CallDisconnected came before AddParticipantSucceeded");
  });

  test("add-participant-timed-out: the network gives up before the invitation's own timeout", async () => {
    const scenario = byName("add-participant-timed-out");
    const earlier = { ...scenario, world: (emulator: Emulator) => void emulator.setParty(user(2), { behavior: "noAnswer", delayMs: 20_000 }) };
    await expect(runScenario(earlier)).rejects.toThrow("the invitation failed 20000 ms after it was sent, not when its 30 s timeout ran out");
  });

  test("group-call: the roster grows at another time than the second user answers", async () => {
    const scenario = byName("group-call");
    const late = { ...scenario, world: (emulator: Emulator) => (scenario.world!(emulator), void emulator.setParty(user(2), { behavior: "answer", delayMs: 7_000 })) };
    await expect(runScenario(late)).rejects.toThrow("the roster grew at 1000 and 7000 ms, not as each user answered (1000 and 5000 ms)");
  });

  test("hang-up-self: leaving a group call ends it for the others", async () => {
    const endsForEveryone = withService(byName("hang-up-self"), async (request, plain) => {
      const leaving = request.method === "DELETE" && /^\/calling\/callConnections\/([^/?:]+)\?/.exec(request.url);
      if (!leaving) return undefined;
      await plain.getCallConnection(decodeURIComponent(leaving[1])).hangUp(true);
      return NO_CONTENT;
    });
    await expect(runScenario(endsForEveryone)).rejects.toThrow("leaving a group call must not end it for the others");
  });

  // The steps look at the call they acted on, not at whichever call comes first.
  const another = (scenario: Scenario, ended: boolean): Scenario => ({
    ...scenario,
    world(emulator) {
      const { serverCallId } = emulator.startCall({ participants: ["4:+14255550177", "4:+14255550178"] });
      if (ended) emulator.hangUpParty(serverCallId, "4:+14255550177");
    },
  });
  test.each([
    ["hang-up-self", true],
    ["reject-incoming", false],
    ["redirect-incoming", false],
  ] as const)("%s passes beside another call (ended: %s)", async (name, ended) => {
    const { problems } = await runScenario(another(byName(name), ended));
    expect(problems).toEqual([]);
  });

  /** A service that redirects the incoming call to +14255550111 when the app asks it to `action` it. */
  const redirectingOn = (name: string, action: "reject" | "redirect") =>
    withService(byName(name), async (request, plain) => {
      if (!request.url.startsWith(`/calling/callConnections:${action}`)) return undefined;
      await plain.redirectCall(JSON.parse(request.rawBody).incomingCallContext, { targetParticipant: { phoneNumber: "+14255550111" } });
      return NO_CONTENT;
    });

  test("reject-incoming: a rejected call that goes on", async () => {
    await expect(runScenario(redirectingOn("reject-incoming", "reject"))).rejects.toThrow("a rejected call must end");
  });

  test("redirect-incoming: the call redirected to someone else", async () => {
    await expect(runScenario(redirectingOn("redirect-incoming", "redirect"))).rejects.toThrow("after the redirect the call holds 4:+14255550111, 4:+14255550123, not the caller and the target");
  });
});
