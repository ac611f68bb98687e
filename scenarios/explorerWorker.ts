/**
 * A worker thread's side of a split exploration: each job it is sent is answered by
 * {@link answerJob} (explorerWorkers.ts), which runs the same in any thread.
 */
import { parentPort } from "node:worker_threads";
import { answerJob, type WorkerJob } from "./explorerWorkers.js";

parentPort!.on("message", (job: WorkerJob) => answerJob(job, (reply) => parentPort!.postMessage(reply)));
