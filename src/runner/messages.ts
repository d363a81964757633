import type { LimitNames } from "./limits";

// What the runner hands the child process (one JSON value on its stdin), and what the child writes
// back (one JSON value per line on fd 3, see childProcess.ts). Traces go through files: a pipe moves
// tens of MB slowly, and a file written before a kill is still complete.

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
  /** Date.now() at which the host kills the child (the runner's clock: bundling and start count) */
  deadline: number;
  /** Date.now() at which the child stops the file itself, leaving time to write its trace */
  softDeadline: number;
  memoryMb: number;
  /** how the user sets the limits, for the messages */
  limitNames: LimitNames;
  /** tests: how often a repeated record is kept (src/trace/repeats.ts); default REPEATS_KEPT */
  repeatsKept?: number;
  /** a directory of this run's, removed by the host afterwards: traces are written there, not piped */
  spoolDir: string;
}

/** GRADLENS_CHILD_WARMUP=0 in a child's environment turns its engine rehearsal off (engineWarmUp.ts):
 *  a child the host takes at once, tests that compare, measurements. */
export const WARM_UP_ENV = "GRADLENS_CHILD_WARMUP";

/** how a waiting child's engine rehearsal ended (engineWarmUp.ts) */
export type Rehearsal = "completed" | "failed" | "off";

export type ChildMessage =
  /** a waiting child is ready for its input: its engine rehearsal (engineWarmUp.ts) ran to its end, failed, or was off, its kernel memory is touched (prefault.ts), and the malloc memory the host's hint asked for faulted in and freed (heapPrefault.ts) */
  | { type: "ready"; rehearsal: Rehearsal }
  /** a console line the file printed (as kept in the trace), or null at the first line not kept */
  | { type: "console"; line: string | null }
  /** the trace so far, written now and then to a file in spoolDir: what survives a kill */
  | { type: "snapshot"; file: string }
  /** the run has ended and its trace is being finalized */
  | { type: "finishing" }
  /** the final trace, in a file in spoolDir */
  | { type: "done"; file: string };
