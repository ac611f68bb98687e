import { describe, expect, test } from "vitest";
import { independent, moveOf, type Move } from "../../scenarios/explorerIndependence.js";
import { canonical, fingerprintState } from "../../scenarios/explorerState.js";
import { allowed, noteContexts, stateOf } from "../../scenarios/explorerSteps.js";
import type { AppBinding } from "../../scenarios/explorerApp.js";
import type { Emulator } from "../../emulator/index.js";
import { decodeToken, encodeToken, mulberry32 } from "../../scenarios/explorerTokens.js";
import { event, kinds, response } from "../support/explorerSteps.js";

// The explorer's parts, each against its own contract: the search tests (explorer*.test.ts) reach
// them only through whole explorations, where a slip in one part is often hidden by another.

describe("allowed: the steps the service may take next", () => {
  test("answers first, then events in emission order, then time; copies of delivered events after the plain steps", () => {
    const delivered = [event("e1", "CallConnected", "c1")];
    const { candidates, duplicateFrom } = allowed([event("e2", "ParticipantsUpdated", "c1"), response("createCall 201"), event("e3", "PlayCompleted", "c1")], delivered, 1, "10 s pass");
    expect(kinds(candidates)).toEqual(["response createCall 201", "event e2", "event e3", "advance 10 s pass", "copy e1"]);
    expect(duplicateFrom).toBe(4);
  });

  test("CallDisconnected waits for the other events of its connection, not for another connection's", () => {
    const pool = [event("d1", "CallDisconnected", "c1"), event("p1", "ParticipantsUpdated", "c1"), event("p2", "ParticipantsUpdated", "c2")];
    expect(kinds(allowed(pool, [], 0, undefined).candidates)).toEqual(["event p1", "event p2"]);
    expect(kinds(allowed([event("d1", "CallDisconnected", "c1"), event("p2", "ParticipantsUpdated", "c2")], [], 0, undefined).candidates)).toEqual(["event d1", "event p2"]);
  });

  test("no copy of CallDisconnected, nor of any event of a connection that ended; none when no copies are left", () => {
    const delivered = [event("c", "CallConnected", "c1"), event("d", "CallDisconnected", "c1"), event("x", "CallConnected", "c2")];
    expect(kinds(allowed([], delivered, 1, undefined).candidates)).toEqual(["end", "copy x"]);
    expect(allowed([], delivered, 0, undefined)).toEqual({ candidates: [], duplicateFrom: 0 });
  });

  test("the end of the run is offered only when copies are all that is left", () => {
    expect(kinds(allowed([], [event("x", "CallConnected", "c2")], 2, undefined).candidates)).toEqual(["end", "copy x"]);
    expect(kinds(allowed([], [event("x", "CallConnected", "c2")], 2, "1 s passes").candidates)).toEqual(["advance 1 s passes", "copy x"]);
    expect(allowed([], [], 2, undefined).candidates).toEqual([]);
  });
});

describe("a decision point's state", () => {
  const uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
  const other = "7C9E6679-7425-40DE-944B-E07FC1F90AE7";

  test("the random operation contexts an app's requests carry are noted once each, in the order first sent", () => {
    const contexts: string[] = [];
    noteContexts(JSON.stringify({ operationContext: uuid }), contexts);
    noteContexts(JSON.stringify({ targetParticipant: {}, operationContext: other }), contexts);
    noteContexts(JSON.stringify({ operationContext: uuid }), contexts);
    expect(contexts).toEqual([uuid, other]);
  });

  test("an operation context that is no UUID, or not a string, or a body that is not JSON, notes nothing", () => {
    const contexts: string[] = [];
    for (const body of [
      JSON.stringify({ operationContext: "transfer-1" }),
      JSON.stringify({ operationContext: `${uuid}x` }),
      JSON.stringify({ operationContext: `x${uuid}` }),
      JSON.stringify({ operationContext: uuid.replace(/-/g, "") }),
      JSON.stringify({ operationContext: uuid.replace("0f8fad5b", "0f8fad5") }),
      JSON.stringify({ operationContext: uuid.replace("70867728950e", "70867728950") }),
      JSON.stringify({ operationContext: uuid.replace("d9cb", "g9cb") }),
      JSON.stringify({ operationContext: 7 }),
      JSON.stringify({ context: uuid }),
      `{"operationContext": "${uuid}"`,
      "null",
    ]) {
      noteContexts(body, contexts);
    }
    // A body that names no operationContext is not read: a UUID elsewhere in it is not one.
    noteContexts(JSON.stringify({ callbackUri: uuid }), contexts);
    expect(contexts).toEqual([]);
    const both = [uuid];
    noteContexts(`"operationContext" ${other}`, both);
    expect(both).toEqual([uuid]);
  });

  const emulator = (pending: Array<{ at: number; label: string }>, calls: unknown[] = []) => ({ clock: { now: () => 5, pending: () => pending }, calls: () => calls }) as unknown as Emulator;
  const binding = (fingerprint: string): AppBinding => ({ fingerprint: () => ({ fingerprint }) }) as unknown as AppBinding;
  const text = (state: ReturnType<typeof stateOf>) => ("fingerprint" in state ? state.fingerprint : state.why);

  test("an app behind a URL has no state the explorer can see, and says so", () => {
    expect(stateOf({} as AppBinding, emulator([]), [], [], 1, [], [])).toEqual({ why: "it runs behind a URL, where the explorer cannot see its state" });
  });

  test("the world's timers count: a ring due later is another state", () => {
    const ringing = stateOf(binding("app"), emulator([{ at: 30_000, label: "ring" }]), [], [], 0, [], []);
    const later = stateOf(binding("app"), emulator([{ at: 60_000, label: "ring" }]), [], [], 0, [], []);
    const other = stateOf(binding("app"), emulator([{ at: 30_000, label: "answer" }]), [], [], 0, [], []);
    expect(new Set([text(ringing), text(later), text(other)]).size).toBe(3);
    expect(stateOf(binding("app"), emulator([{ at: 30_000, label: "ring" }]), [], [], 0, [], [])).toEqual(ringing);
  });

  test("an event without a connection (Event Grid's) is told apart from one with", () => {
    const grid = stateOf(binding("app"), emulator([]), [event("e1", "IncomingCall", undefined)], [], 0, [], []);
    const call = stateOf(binding("app"), emulator([]), [event("e1", "IncomingCall", "c1")], [], 0, [], []);
    expect(text(grid)).not.toBe(text(call));
  });

  test("states that differ only in which random operation contexts were drawn are one state; copies left stay apart", () => {
    const drawn = (context: string) => stateOf(binding(`sent ${context}`), emulator([]), [], [], 1, [`transfer ${context}`], [context]);
    expect(drawn(uuid)).toEqual(drawn(other));
    expect(text(drawn(uuid))).not.toContain(uuid);
    expect(drawn(uuid)).toMatchObject({ copiesLeft: 1 });
    const twice = stateOf(binding(`${uuid} then ${other}`), emulator([]), [], [], 1, [], [uuid, other]);
    const swapped = stateOf(binding(`${other} then ${uuid}`), emulator([]), [], [], 1, [], [other, uuid]);
    expect(twice).toEqual(swapped);
    const notSwapped = stateOf(binding(`${other} then ${uuid}`), emulator([]), [], [], 1, [], [uuid, other]);
    expect(notSwapped).not.toEqual(twice);
  });
});

describe("canonical: a state's text", () => {
  test("sorts object keys, Map entries and Set members, keeps arrays in order, drops undefined fields", () => {
    expect(canonical({ b: 1, a: "x", c: undefined })).toBe('{"a":"x","b":1}');
    expect(canonical(new Map([["z", 1], ["a", 2]]))).toBe(canonical(new Map([["a", 2], ["z", 1]])));
    expect(canonical(new Map([["z", 1], ["a", 2]]))).toBe('Map{"a":2,"z":1}');
    expect(canonical(new Set([3, 1, 2]))).toBe("Set{1,2,3}");
    expect(canonical([3, 1])).toBe("[3,1]");
    expect(canonical([null, undefined, true, 10n])).toBe("[null,undefined,true,10]");
    expect(canonical(new Date(5))).toBe("Date(5)");
    expect(canonical(Object.assign(Object.create(null), { k: 1 }))).toBe('{"k":1}');
    expect(canonical({ "b b": 1, a: 2 })).toBe('{"a":2,"b b":1}');
    expect(canonical({ e: 5, d: 4, c: 3, b: 2, a: 1, B: 0 })).toBe('{"B":0,"a":1,"b":2,"c":3,"d":4,"e":5}');
  });

  test("tells apart what JSON would confuse: a string from a number, a key order from another's values", () => {
    expect(canonical("1")).not.toBe(canonical(1));
    expect(canonical({ a: 1, b: 2 })).not.toBe(canonical({ a: 2, b: 1 }));
    expect(canonical({ b: 1, a: 2 })).toBe(canonical({ a: 2, b: 1 }));
  });

  test("a function, a symbol or a class instance has no faithful text; the app is told to give its own", () => {
    expect(fingerprintState({ f: () => 1 })).toEqual({ why: "its state holds a function; give the app a fingerprint(state) function" });
    expect(fingerprintState({ s: Symbol("x") })).toEqual({ why: "its state holds a symbol; give the app a fingerprint(state) function" });
    class Call {}
    expect(fingerprintState({ call: new Call() })).toEqual({ why: "its state holds an instance of Call; give the app a fingerprint(state) function" });
    expect(fingerprintState({ bare: Object.create(Object.create(null)) })).toEqual({ why: "its state holds an instance of a class; give the app a fingerprint(state) function" });
    expect(fingerprintState({ n: 1 })).toEqual({ fingerprint: '{"n":1}' });
    expect(fingerprintState({ n: 1 }, (s) => `n=${s.n}`)).toEqual({ fingerprint: "n=1" });
    expect(
      fingerprintState({}, () => {
        throw new Error("boom");
      }),
    ).toEqual({ why: "its fingerprint(state) threw: boom" });
    expect(
      fingerprintState({}, () => {
        throw "text";
      }),
    ).toEqual({ why: "its fingerprint(state) threw: text" });
  });
});

describe("independence: which moves commute", () => {
  const move = (over: Partial<Move>): Move => ({ key: "k", event: true, copy: false, call: "c1", destination: "d1", ...over });

  test("a move names its step the same way in every run: event or copy by id, else its kind and label", () => {
    expect(moveOf(event("e1", "CallConnected", "c1"))).toEqual({ key: "event e1", event: true, copy: false, call: "c1", destination: "http://app/callbacks" });
    expect(moveOf(event("e1", "CallConnected", "c1", { duplicate: true })).key).toBe("copy e1");
    expect(moveOf(event("e1", "CallConnected", "c1", { duplicate: true })).copy).toBe(true);
    expect(moveOf(response("hangUp 204"))).toEqual({ key: "response hangUp 204", event: false, copy: false });
    expect(moveOf({ kind: "advance", label: "5 s pass" })).toEqual({ key: "advance 5 s pass", event: false, copy: false });
    expect(moveOf({ kind: "end" })).toEqual({ key: "end", event: false, copy: false });
  });

  test("only events of different calls (or callback URLs) commute, and only for a per-call app", () => {
    expect(independent(move({ call: "c1" }), move({ call: "c2" }), "perCall")).toBe(true);
    expect(independent(move({ call: "c1" }), move({ call: "c2" }), "none")).toBe(false);
    expect(independent(move({ call: "c1" }), move({ call: "c1" }), "perCall")).toBe(false);
    expect(independent(move({ call: "c1", destination: "d1" }), move({ call: "c1", destination: "d2" }), "perCall")).toBe(true);
    expect(independent(move({ call: "c1" }), move({ event: false }), "perCall")).toBe(false);
    expect(independent(move({ event: false }), move({ call: "c2" }), "perCall")).toBe(false);
    expect(independent(move({ call: "c1", copy: true }), move({ call: "c2", copy: true }), "perCall")).toBe(false);
    expect(independent(move({ call: "c1", copy: true }), move({ call: "c2" }), "perCall")).toBe(true);
    expect(independent(move({ call: "c1" }), move({ call: "c2", copy: true }), "perCall")).toBe(true);
  });

  test("an event with no call (Event Grid's) commutes only with one sent elsewhere", () => {
    expect(independent(move({ call: undefined, destination: "d1" }), move({ call: "c1", destination: "d1" }), "perCall")).toBe(false);
    expect(independent(move({ call: undefined, destination: "d1" }), move({ call: "c1", destination: "d2" }), "perCall")).toBe(true);
    expect(independent(move({ call: "c1", destination: "d1" }), move({ call: undefined, destination: "d1" }), "perCall")).toBe(false);
  });
});

describe("replay tokens and the seeded generator", () => {
  test("a token carries the seed and the choices in base 36, and reads back", () => {
    expect(encodeToken(7, [0, 35, 36, 2])).toBe("v2.7.0-z-10-2");
    expect(decodeToken("v2.7.0-z-10-2")).toEqual([0, 35, 36, 2]);
    expect(encodeToken(3, [])).toBe("v2.3.");
    expect(decodeToken("v2.3.")).toEqual([]);
    expect(decodeToken("v2.3")).toEqual([]);
  });

  test("mulberry32 repeats from its seed, differs between seeds, and stays in [0, 1)", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect(first[0]).toBeCloseTo(0.6011037519201636, 12);
    expect(first[1]).toBeCloseTo(0.44829055899754167, 12);
    const other = mulberry32(43);
    expect(other()).not.toBe(first[0]);
    const many = Array.from({ length: 2000 }, mulberry32(1));
    expect(Math.min(...many)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...many)).toBeLessThan(1);
    expect(Math.max(...many)).toBeGreaterThan(0.99);
    expect(Math.min(...many)).toBeLessThan(0.01);
    // A negative or fractional seed is read as its unsigned 32-bit value.
    expect(mulberry32(-1)()).toBe(mulberry32(4294967295)());
  });
});
