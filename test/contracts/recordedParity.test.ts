import { readFileSync } from "node:fs";
import { CallAutomationClient } from "@azure/communication-call-automation";
import { afterAll, describe, expect, test } from "vitest";
import { createEmulator } from "../../emulator/index.js";
import { compareRecording, type Aspect, type Finding, type Observed } from "../support/parity.js";
import { loadRecording, recordingNames } from "../support/recordings.js";
import { CALLBACK, NOT_SERVED, REPLAYS, TARGET, target, type Replay, type Run } from "../support/replays.js";

/*
 * Parity with real traffic: for each recording in contracts/recordings whose operations callsim
 * serves, run the operations of its C# test through the official SDK in-process and compare
 * what callsim sends with what the service sent (test/support/parity.ts says how). Every
 * difference is explained by a contracts/DEVIATIONS.md row, or is one of the known gaps below.
 */

/**
 * Aspects callsim is allowed to differ on without a DEVIATIONS row: none. Their differences
 * would be printed as "differs: …" without failing the suite; with "incomingCall" listed, the
 * replays would stop answering and rejecting through IncomingCall as the C# tests do.
 */
export const KNOWN_ORDER_GAPS: Aspect[] = [];

async function replay(spec: Replay): Promise<Observed> {
  const emulator = createEmulator({ seed: 13, clock: "virtual", variants: spec.variants, selfCheck: "throw" });
  emulator.onCallback("https://app.test/", () => undefined);
  emulator.engine.eventGrid.subscribeValidated("https://app.test/eventgrid");
  const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
  const run: Run = {
    emulator,
    client,
    legs: {},
    answersThroughIncomingCall: !KNOWN_ORDER_GAPS.includes("incomingCall"),
    async call(options, callee = "answer") {
      // The C# tests answer (or reject) the callee's IncomingCall themselves: nobody else does.
      if (run.answersThroughIncomingCall) emulator.setParty(TARGET, { behavior: "leftToApps" });
      const created = await client.createCall({ targetParticipant: target }, CALLBACK, options);
      run.legs.caller = created.callConnectionProperties.callConnectionId!;
      // The IncomingCall is published with the invitation; settling first would let it ring out.
      await (run.answersThroughIncomingCall ? emulator.whenIdle() : emulator.settle());
      const offered = emulator.events({ type: "IncomingCall" }).find((e) => (e.event as any).data.to.rawId === TARGET);
      if (offered && run.answersThroughIncomingCall) {
        const context = (offered.event as any).data.incomingCallContext;
        if (callee === "reject") await client.rejectCall(context);
        else run.legs.callee = (await client.answerCall(context, CALLBACK)).callConnectionProperties.callConnectionId!;
        await emulator.settle();
      }
      return created.callConnection;
    },
  };
  try {
    await spec.run(run);
    emulator.assertSelfCheck();
    const eventsOf = (id: string | undefined) =>
      id === undefined
        ? undefined
        : emulator.events({ callConnectionId: id }).map((e) => ({ type: e.type.replace("Microsoft.Communication.", ""), time: String(e.event.time), data: e.event.data as Record<string, any> }));
    const legs = Object.fromEntries(Object.entries(spec.roles).map(([label, role]) => [label, eventsOf(run.legs[role])]));
    const incomingCalls = emulator.events({ type: "IncomingCall" }).map((e) => (e.event as any).data).filter((d) => d.to.rawId === TARGET);
    return { legs, incomingCalls };
  } finally {
    await emulator.close();
  }
}

/** A table row: match, or each difference with the DEVIATIONS row that explains it, or "differs". */
interface Row {
  recording: string;
  verdict: string;
  unexplained: Finding[];
}

/** contracts/DEVIATIONS.md rows by number: what callsim does, cut short for the table. */
const DEVIATIONS = new Map(
  [...readFileSync(new URL("../../contracts/DEVIATIONS.md", import.meta.url), "utf8").matchAll(/^\| (\d+) \| ([^|]+)\|/gm)].map(([, n, what]) => [Number(n), what.trim().slice(0, 70)]),
);

function verdict(spec: Replay, findings: Finding[]): Row {
  const explainedBy = (f: Finding) => spec.explained?.[f.key] ?? spec.explained?.[f.aspect];
  const unexplained = findings.filter((f) => explainedBy(f) === undefined && !KNOWN_ORDER_GAPS.includes(f.aspect));
  const cite = (row: number) => `DEVIATIONS ${row} (${DEVIATIONS.get(row) ?? "NO SUCH ROW"})`;
  const parts = findings.map((f) => (explainedBy(f) !== undefined ? `${cite(explainedBy(f)!)}: ${f.what}` : KNOWN_ORDER_GAPS.includes(f.aspect) ? `differs: ${f.what}` : `UNEXPLAINED: ${f.what}`));
  return { recording: spec.recording, verdict: parts.length === 0 ? "match" : parts.join("; "), unexplained };
}

const rows: Row[] = [];

describe("parity with recorded traffic", () => {
  test("replays every recording whose operations callsim serves, and names the others", () => {
    const covered = new Set([...REPLAYS.map((r) => r.recording), ...Object.keys(NOT_SERVED)]);
    expect(recordingNames().filter((name) => !covered.has(name))).toEqual([]);
    const cited = [...REPLAYS.flatMap((r) => Object.values(r.explained ?? {})), ...Object.values(NOT_SERVED)];
    expect(cited.filter((row) => !DEVIATIONS.has(row))).toEqual([]);
  });

  test.each(REPLAYS.map((spec) => [spec.recording, spec] as const))("%s matches or every difference is explained", async (_, spec) => {
    const row = verdict(spec, compareRecording(loadRecording(spec.recording), await replay(spec)));
    rows.push(row);
    expect(row.unexplained.map((f) => f.what)).toEqual([]);
  });

  afterAll(() => {
    for (const [recording, row] of Object.entries(NOT_SERVED)) rows.push({ recording, verdict: `DEVIATIONS ${row} (${DEVIATIONS.get(row)}): not replayed`, unexplained: [] });
    const kinds = (r: Row) => ({ cites: r.verdict.includes("DEVIATIONS "), gaps: r.verdict.includes("differs:"), bad: r.unexplained.length > 0 });
    const count = (test: (k: ReturnType<typeof kinds>) => boolean) => rows.filter((r) => test(kinds(r))).length;
    const lines = rows.map((r) => `| ${r.recording} | ${r.verdict} |`);
    const gaps = KNOWN_ORDER_GAPS.length === 0
      ? ""
      : `${count((k) => !k.cites && k.gaps && !k.bad)} match but for the known gaps (${KNOWN_ORDER_GAPS.join(", ")}), ` +
        `${count((k) => k.cites && k.gaps && !k.bad)} explained by DEVIATIONS rows and the known gaps, `;
    const totals =
      `${rows.length} recordings: ${count((k) => !k.cites && !k.gaps && !k.bad)} match, ${gaps}` +
      `${count((k) => k.cites && !k.gaps && !k.bad)} explained by DEVIATIONS rows, ${count((k) => k.bad)} unexplained`;
    console.log(["| recording | parity |", "|---|---|", ...lines, "", totals].join("\n"));
  });
});
