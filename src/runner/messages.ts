import type { Trace } from "../trace/schema";

// What the runner hands the worker, and what comes back.

export interface WorkerInput {
  /** the checked file, as given */
  file: string;
  absFile: string;
  cwd: string;
  /** the bundled user code and its source map (see bundle.ts) */
  code: string;
  map: string;
  outDir: string;
  steps: number;
  timeoutMs: number;
  /** Date.now() value at which the run times out (the runner's clock: bundling and worker start count) */
  deadline: number;
  memoryMb: number;
}

export type WorkerMessage = { type: "done"; trace: Trace };
