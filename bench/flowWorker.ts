// A worker thread that runs in-process call flows through one way (workerData.via), on
// request from flowLatencies in the main thread: its own V8 isolate, as a test file has.
import { parentPort, workerData } from "node:worker_threads";
import { flowRunner, type FlowVia, type FlowWorkerRequest } from "./inProcess.js";

const runner = await flowRunner((workerData as { via: FlowVia }).via);
parentPort!.on("message", async (request: FlowWorkerRequest) => {
  if ("report" in request) {
    await runner.close();
    parentPort!.postMessage({ totals: runner.totals, steps: runner.steps });
    return;
  }
  await runner.run(request.flows, request.keep);
  parentPort!.postMessage({ done: true });
});
