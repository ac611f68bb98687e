import { CallAutomationClient } from "@azure/communication-call-automation";
import { createEmulator, type DeliveryOptions } from "../../emulator/emulator.js";

/** What the app answers a callback: a status, or a status with headers (e.g. Retry-After). */
export type CallbackAnswer = number | { status: number; headers?: Record<string, string> };

/**
 * An emulator on the virtual clock whose callbacks to https://app.test/ reach `reply` in-process,
 * with the event's attempt number (1 for its first delivery) and its type without the
 * `Microsoft.Communication.` prefix; and an SDK client wired to it.
 */
export function emulatorAnswering(delivery: DeliveryOptions | undefined, reply: (attempt: number, type: string) => CallbackAnswer, seed = 3) {
  const emulator = createEmulator({ selfCheck: true, seed, clock: "virtual", loose: true, delivery });
  const attempts = new Map<string, number>();
  emulator.routeCallbacks("https://app.test/", async (request) => {
    const [event] = (await request.json()) as Array<{ id: string; type: string }>;
    const n = (attempts.get(event.id) ?? 0) + 1;
    attempts.set(event.id, n);
    const answer = reply(n, event.type.replace("Microsoft.Communication.", ""));
    return typeof answer === "number" ? new Response(null, { status: answer }) : new Response(null, { status: answer.status, headers: answer.headers });
  });
  const client = new CallAutomationClient(emulator.connectionString(), { httpClient: emulator.httpClient() });
  return { emulator, client };
}
