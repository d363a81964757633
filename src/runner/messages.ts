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
  memoryMb: number;
}

export type WorkerMessage = { type: "done"; trace: Trace };
