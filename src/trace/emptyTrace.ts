import type { RunError, StopInfo } from "../protocol/report";
import type { Trace } from "./schema";
import { TRACE_VERSION } from "./version";

/** The Trace of a run that recorded nothing (the file did not bundle, or the worker was killed). */
export function emptyTrace(file: string, stopped: StopInfo, error: RunError | null, console: string[], durationMs: number): Trace {
  return {
    version: TRACE_VERSION,
    file,
    leaves: [],
    ops: [],
    modules: [],
    detaches: [],
    gradModes: [],
    requiresGradChanges: [],
    inplaces: [],
    backwards: [],
    optimizers: [],
    steps: [],
    zeroGrads: [],
    bufferUpdates: [],
    stopped,
    error,
    console,
    limits: { maxOps: 0, opsDropped: 0, maxLeaves: 0, leavesDropped: 0 },
    durationMs,
  };
}
