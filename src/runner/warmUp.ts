import { analyze } from "../analysis/index";
import { emptyTrace } from "../trace/emptyTrace";
import { validateTrace } from "../trace/validate";
import { DEFAULTS, defaultWorkerPath, prestartWorker } from "./run";

// What the first check after a host (the editor's extension host) starts would otherwise do on its
// own path: start the child process (Node's start and the engine's load), compile the Trace checker
// and run the analysis once. Cheap to repeat: a waiting child started the same way is kept, and the
// host's part runs once.

export interface WarmUpOptions {
  workerPath?: string;
  /** the memory limit the checks will run with (part of how their child is started) */
  memoryMb?: number;
}

let hostWarm = false;

export function warmUpRunner(options: WarmUpOptions = {}): void {
  prestartWorker(options.workerPath ?? defaultWorkerPath(), options.memoryMb ?? DEFAULTS.memoryMb);
  if (hostWarm) return;
  hostWarm = true;
  const trace = emptyTrace("warm-up.ts", { reason: "end-of-file", message: "warm-up" }, null, [], 0);
  if (validateTrace(trace).length === 0) analyze(trace);
}
