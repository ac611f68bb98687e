import { CallAutomationClient } from "@azure/communication-call-automation";
import type { Emulator } from "../../emulator/index.js";
import type { RouteRequest, RouteResponse } from "../../emulator/http/routes.js";
import type { Scenario, ScenarioContext } from "../../scenarios/scenario.js";

// A scenario's declaration and its steps' own checks exist to catch an engine that departs from
// the docs. The engine under test does not depart, so these helpers plant the departure: an
// event the engine did not decide to send, or a service that does something else than asked.

let planted = 0;

/** Queues a callback event for `callConnectionId` that the engine itself never decided to send. */
export function plantEvent(emulator: Emulator, callConnectionId: string, type: string, data: Record<string, unknown> = {}): void {
  const id = `planted-${++planted}`;
  const fullType = `Microsoft.Communication.${type}`;
  const event = {
    id,
    source: `calling/callConnections/${callConnectionId}`,
    type: fullType,
    specversion: "1.0",
    datacontenttype: "application/json",
    time: new Date(emulator.now()).toISOString(),
    subject: `calling/callConnections/${callConnectionId}`,
    data: { callConnectionId, ...data },
  };
  emulator.engine.outbox.enqueue({ id, type: fullType, channel: "callback", destination: "https://app.scenario.test/events", callConnectionId, event }, { "content-type": "application/json" });
}

/** `scenario` with a `type` event planted on each connection as soon as its steps track it. */
export function plantedWhenTracked(scenario: Scenario, type: string): Scenario {
  return {
    ...scenario,
    steps: (ctx) =>
      scenario.steps({
        ...ctx,
        track(alias, id) {
          ctx.track(alias, id);
          plantEvent(ctx.emulator, id, type);
        },
      }),
  };
}

/**
 * `scenario` run against a service that answers some requests its own way: `instead` sees each
 * request with a plain client of the same emulator, and returns a response to replace the
 * service's, or undefined to let the request through.
 */
export function withService(scenario: Scenario, instead: (request: RouteRequest, plain: CallAutomationClient) => Promise<RouteResponse | undefined>): Scenario {
  return {
    ...scenario,
    steps(ctx: ScenarioContext) {
      const plain = new CallAutomationClient(ctx.emulator.connectionString(), { httpClient: ctx.emulator.httpClient() });
      const httpClient = ctx.emulator.httpClient(async (request, next) => (await instead(request, plain)) ?? next(request));
      return scenario.steps({ ...ctx, client: new CallAutomationClient(ctx.emulator.connectionString(), { httpClient }) });
    },
  };
}

/** What the service answers a request it accepted with no body. */
export const NO_CONTENT: RouteResponse = { status: 204, headers: {} };
