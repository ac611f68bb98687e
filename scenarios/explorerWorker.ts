/**
 * A worker thread's side of a split exploration: each job it is sent is answered by
 * {@link answerJob} (explorerWorkers.ts), which runs the same in any thread.
 */
import { parentPort } from "node:worker_threads";
import { answerJob, type WorkerJob } from "./explorerWorkers.js";

// Node 20 runs a process's `--import` hooks in its main thread only: an app in TypeScript, which
// the main thread loads under tsx (NODE_OPTIONS="--import tsx", as the CLI's message advises),
// would not load here. Register tsx again when the process asked for it.
if (/--(?:import|loader|experimental-loader)[= ]tsx\b/.test(`${process.env.NODE_OPTIONS ?? ""} ${process.execArgv.join(" ")}`)) {
  const { register } = await import("tsx/esm/api");
  register();
}

parentPort!.on("message", (job: WorkerJob) => answerJob(job, (reply) => parentPort!.postMessage(reply)));
