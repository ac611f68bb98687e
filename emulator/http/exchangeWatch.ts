import type { RouteRequest, RouteResponse } from "./routes.js";

/** One request the emulator answered, as a live log sees it. */
export interface Exchange {
  request: RouteRequest;
  response: RouteResponse;
  /** Time from taking the request to having its answer, in milliseconds (wall clock). */
  ms: number;
}

/** Sees every exchange; must not throw (a watcher's failure is its own). */
export type ExchangeWatcher = (exchange: Exchange) => void;

/**
 * Wraps a route table so that `watchers` see every exchange it answers. The emulator only
 * serves through the wrapper while someone watches, so a run nobody logs pays nothing.
 */
export function watchExchanges(
  route: (request: RouteRequest) => RouteResponse | Promise<RouteResponse>,
  watchers: ReadonlySet<ExchangeWatcher>,
): (request: RouteRequest) => RouteResponse | Promise<RouteResponse> {
  const tell = (request: RouteRequest, response: RouteResponse, start: number) => {
    const exchange = { request, response, ms: performance.now() - start };
    for (const watcher of watchers) {
      try {
        watcher(exchange);
      } catch {
        // A broken log line must not turn the app's request into a failure.
      }
    }
    return response;
  };
  return (request) => {
    const start = performance.now();
    const response = route(request);
    return response instanceof Promise ? response.then((answer) => tell(request, answer, start)) : tell(request, response, start);
  };
}
