import type { StopInfo } from "../protocol/report";

// How the recorder is told to end a run early. The runner decides (src/runner/stopRule.ts); the
// recorder asks at the moments a decision can be made and, when told to stop, throws a StopSignal
// that unwinds the user's code. The runner treats a StopSignal as a clean end, not an error.

export interface StopCounts {
  /** steps taken so far by each optimizer (index = optimizer id) */
  stepsByOptimizer: readonly number[];
  /** backward() calls so far */
  backwards: number;
  /** source lines of optimizers made so far (index = optimizer id; null when unknown) */
  optimizerLines?: ReadonlyArray<number | null>;
  /** optimizer constructions in the file's text that no optimizer came from yet (a later phase's) */
  optimizersToCome?: ReadonlyArray<{ file: string; line: number }>;
}

export interface StopPolicy {
  /** before optimizer `optimizer` steps (its counts do not include this step yet) */
  beforeStep?(optimizer: number, counts: StopCounts): Omit<StopInfo, "file" | "line" | "column"> | null;
  /** before a backward() call (counts do not include it yet) */
  beforeBackward?(counts: StopCounts): Omit<StopInfo, "file" | "line" | "column"> | null;
  /** called every few dozen engine calls: deadline and memory checks */
  poll?(counts: StopCounts): Omit<StopInfo, "file" | "line" | "column"> | null;
}

export class StopSignal extends Error {
  constructor(readonly info: StopInfo) {
    super(`gradlens stopped the run: ${info.message}`);
    this.name = "StopSignal";
  }
}

export function isStopSignal(e: unknown): e is StopSignal {
  return e instanceof StopSignal || (typeof e === "object" && e !== null && (e as { name?: unknown }).name === "StopSignal" && "info" in e);
}
