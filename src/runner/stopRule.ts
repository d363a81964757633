import type { StopPolicy } from "../trace/stop";
import { API_LIMIT_NAMES, memoryMessage, residentDetail, stepsKnob, timeoutMessage, type LimitNames } from "./limits";

// The early-stop rule. A check needs one full training iteration, not the user's 10,000 epochs:
//
// 1. With optimizers: the run stops just before an optimizer's step once every optimizer has taken
//    `steps` steps (default 1) and this one is about to take another. A GAN's optD, optG, optD stops
//    at the second optD.step(); a loop with one optimizer stops at its second step(). So that an
//    optimizer which never steps cannot keep a run going, a single optimizer reaching 50 × `steps`
//    steps also stops it.
// 2. Without optimizers: the run stops just before backward call number 20 × `steps` + 1. A file
//    without an optimizer is usually a demonstration whose every backward() matters (the article's
//    branch example runs two losses, three times, twice), or a manual-update loop, where 20
//    iterations are quick; the budget only bounds the loops that would run for long.
// 3. Otherwise the file runs to its end.
// Multi-phase scripts (train a teacher, then distil a student): while the file's text makes an
// optimizer that the run has not made yet, rule 1 waits, so later phases are seen too; if that
// optimizer never comes, the run stops cleanly at 60% of the time budget.
// The run also ends (as an error) at the soft deadline or when the process's resident memory passes
// 90 % of the limit; these are checked every few dozen engine calls, and the host kills a child that
// stops calling the engine (a plain `while (true) {}`, a blocking call) at the hard deadline or limit.
// The stop point is recorded in Trace.stopped (reason, message, file:line of the step or backward).

export interface StopRuleOptions {
  steps: number;
  /** Date.now() value after which the run times out */
  deadline: number;
  timeoutMs: number;
  memoryLimitBytes: number;
  /** the limit as the user gave it, for the message */
  memoryMb: number;
  /** how the user sets the limits, for the messages (default: the runner API's option names) */
  limitNames?: LimitNames;
}

const LONE_OPTIMIZER_FACTOR = 50;
/** share of the time budget a run may spend waiting for an optimizer of a later phase */
const PHASE_WAIT_SHARE = 0.6;
const MEMORY_CHECK_INTERVAL_MS = 10;
export const BACKWARDS_PER_STEP_WITHOUT_OPTIMIZER = 20;

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : ["th", "st", "nd", "rd"][n % 10] ?? "th";
  return `${n}${suffix}`;
}

export function createStopPolicy(options: StopRuleOptions): StopPolicy {
  const { steps } = options;
  const names = options.limitNames ?? API_LIMIT_NAMES;
  let nextMemoryCheck = 0;
  return {
    beforeStep(optimizer, counts) {
      const mine = counts.stepsByOptimizer[optimizer] ?? 0;
      const all = counts.stepsByOptimizer;
      if ((counts.optimizersToCome?.length ?? 0) > 0) return null; // a later phase makes another optimizer
      if (mine >= steps && all.every((c) => c >= steps)) {
        const lines = (counts.optimizerLines ?? []).filter((l): l is number => l !== null);
        const phases = all.length > 1 && lines.length === all.length ? ` (made at lines ${lines.join(", ")})` : "";
        const what = all.length === 1 ? "the optimizer" : `all ${all.length} optimizers${phases}`;
        return {
          reason: "step-budget",
          message: `stopped before the ${ordinal(mine + 1)} optimizer step: ${what} had stepped ${steps === 1 ? "once" : `${steps} times`} (${stepsKnob(steps, names)})`,
        };
      }
      if (mine >= steps * LONE_OPTIMIZER_FACTOR) {
        return {
          reason: "step-budget",
          message: `stopped before the ${ordinal(mine + 1)} step of one optimizer; another optimizer never stepped`,
        };
      }
      return null;
    },
    beforeBackward(counts) {
      const budget = steps * BACKWARDS_PER_STEP_WITHOUT_OPTIMIZER;
      if (counts.stepsByOptimizer.length > 0 || counts.backwards < budget) return null;
      return {
        reason: "backward-budget",
        message: `stopped before the ${ordinal(counts.backwards + 1)} backward() call: the file has no optimizer, and ${budget} backward() calls were checked (${stepsKnob(steps, names)} × ${BACKWARDS_PER_STEP_WITHOUT_OPTIMIZER})`,
      };
    },
    poll(counts) {
      const toCome = counts?.optimizersToCome ?? [];
      if (toCome.length > 0 && Date.now() > options.deadline - options.timeoutMs * (1 - PHASE_WAIT_SHARE)) {
        const all = counts.stepsByOptimizer;
        if (all.length > 0 && all.every((c) => c >= steps)) {
          return {
            reason: "step-budget",
            message: `stopped at ${PHASE_WAIT_SHARE * 100}% of the time budget: every optimizer made so far had stepped, but the one at line ${toCome.map((s) => s.line).join(", ")} was not made yet`,
          };
        }
      }
      if (Date.now() > options.deadline) {
        return { reason: "timeout", message: timeoutMessage(options.timeoutMs, names) };
      }
      const now = Date.now();
      if (now < nextMemoryCheck) return null;
      nextMemoryCheck = now + MEMORY_CHECK_INTERVAL_MS;
      // resident size: the heap, typed arrays, wasm memory and buffers alike
      const used = process.memoryUsage.rss();
      if (used > options.memoryLimitBytes) return { reason: "memory", message: memoryMessage(options.memoryMb, names, residentDetail(used)) };
      return null;
    },
  };
}
