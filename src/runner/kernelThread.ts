import { Worker } from "node:worker_threads";
import { helperThreadStats, useHelperThread } from "../engine/kernels/matmul";
import type { HelperThreadInit } from "../engine/kernels/threads";

// The check's child gives the engine's large GEMMs a second thread (src/engine/kernels/threads.ts):
// one worker_threads Worker that instantiates the kernels' module on their shared memory and serves
// GEMM panels until the process ends. It is unref'd, so it never keeps the child alive, and it runs
// no model code. GRADLENS_THREADS=1 keeps the kernels on one thread (tests, benchmarks).

/** The Worker's whole program: no file to bundle or find next to dist/worker.js. */
const HELPER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { module, memory, control } = workerData;
const abort = () => { throw new Error("gradlens wasm kernel abort"); };
new WebAssembly.Instance(module, { env: { memory, abort } }).exports.helperLoop(control);
`;

/** Starts the helper thread for `init` (the kernels call this once, when they load). */
export function startKernelThread(init: HelperThreadInit): void {
  const worker = new Worker(HELPER_SOURCE, { eval: true, workerData: init });
  worker.unref();
  // a helper that fails leaves the caller doing every panel: nothing to report
  worker.on("error", () => {});
}

/**
 * Where a file run by the check finds the helper thread's counters (tests): the user's bundle has
 * no import path to the child's own engine instance.
 */
export const HELPER_STATS_KEY = Symbol.for("gradlens.helperThreadStats");

/**
 * Threads for the kernels, unless GRADLENS_THREADS=1 asks for one. The thread starts when the
 * kernels load (at the file's first wasm kernel call; products run on one thread while it boots), so
 * a file that never multiplies costs nothing and the child's start is as fast as before.
 */
export function installKernelThread(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.GRADLENS_THREADS === "1") return false;
  useHelperThread(startKernelThread);
  (globalThis as Record<symbol, unknown>)[HELPER_STATS_KEY] = helperThreadStats;
  return true;
}
