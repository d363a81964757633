// The one place that words a run's limits. The caller names how its user sets each limit (the CLI's
// options, the editor's settings), so the message points at the knob the user actually has.

export interface LimitNames {
  /** how the user sets the time limit, e.g. "--timeout" or "setting gradlens.timeoutSeconds" */
  timeout: string;
  /** how the user sets the memory limit */
  memory: string;
  /** how the user sets the step budget, e.g. "--steps" or "setting gradlens.stepBudget" */
  steps: string;
}

export const CLI_LIMIT_NAMES: LimitNames = { timeout: "--timeout", memory: "--memory", steps: "--steps" };
/** Callers of the runner API that name nothing: its own option names. */
export const API_LIMIT_NAMES: LimitNames = { timeout: "timeoutMs", memory: "memoryMb", steps: "steps" };

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

export function timeoutMessage(timeoutMs: number, names: LimitNames): string {
  return `the file did not finish within ${formatSeconds(timeoutMs)} (${names.timeout})`;
}

/** The file's own code ended, but timers or callbacks it started kept it alive past the limit. */
export function pendingMessage(timeoutMs: number, names: LimitNames): string {
  return `the file's timers or callbacks were still pending after ${formatSeconds(timeoutMs)} (${names.timeout})`;
}

/** `detail`: what was measured or seen ("1100 MB resident", V8's fatal line, how Python ended). */
export function memoryMessage(memoryMb: number, names: LimitNames, detail?: string): string {
  return `the file used more than its ${memoryMb} MB memory limit (${names.memory})${detail ? `: ${detail}` : ""}`;
}

/** The step budget as the user set it: "--steps 1" for an option, "setting gradlens.stepBudget = 1" otherwise. */
export function stepsKnob(steps: number, names: LimitNames): string {
  return `${names.steps}${names.steps.startsWith("-") ? " " : " = "}${steps}`;
}

export function residentDetail(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MB resident`;
}
