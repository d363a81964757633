import { existsSync, mkdtempSync, readFileSync, rmdirSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { RunError, StopInfo } from "../protocol/report";
import type { Site, Trace } from "../trace/schema";
import { validateTrace } from "../trace/validate";
import { emptyTrace } from "../trace/emptyTrace";
import { bundleUserFile } from "./bundle";
import { displayPathFor } from "./paths";
import { API_LIMIT_NAMES, memoryMessage, residentDetail, timeoutMessage, type LimitNames } from "./limits";
import type { ChildOutcome } from "./childProcess";
import { prestart, takeChild } from "./spare";
import { ConsoleCapture } from "./consoleCapture";
import { CHILD_HEAP_FLAGS, childV8Flags } from "./v8Flags";
import { childGlibcTunables } from "./mallocTunables";
import { formatHeapHint, HEAP_HINT_ENV } from "./heapHint";
import { WARM_UP_ENV, type ChildMessage, type WorkerInput } from "./messages";
import { PROGRESS_FILE, readProgress } from "./progressFile";

// Runs a user's model file in a child process (worker.ts) and returns its Trace. Never rejects: a
// file that cannot be bundled, throws, exits, crashes, times out, runs out of memory or is cancelled
// still yields a Trace, with Trace.error set and whatever was traced before the end.

export interface RunOptions {
  /** wall-clock budget for the whole run (default 10 s) */
  timeoutMs?: number;
  /** memory budget of the child process: resident size, everything it holds (default 1024 MB) */
  memoryMb?: number;
  /** early-stop budget, see stopRule.ts (default 1) */
  steps?: number;
  signal?: AbortSignal;
  /** the child's script (default: worker.js next to the running bundle) */
  workerPath?: string;
  /** directory relative paths are taken from, and the child's working directory (default process.cwd()) */
  cwd?: string;
  /** keep a pre-started child waiting for the next run (default true; the one-shot CLI says false) */
  keepWarm?: boolean;
  /** absolute path → text to run instead of the file on disk (an editor's unsaved buffers) */
  overlay?: ReadonlyMap<string, string>;
  /** false turns off the host's resident-size watchdog, leaving the limit as it holds without /proc (tests) */
  memoryWatchdog?: boolean;
  /** how the caller's user sets the limits, named in limit messages (default: these options' names) */
  limitNames?: LimitNames;
  /** tests: how often a repeated record is kept before it is only counted (src/trace/repeats.ts) */
  repeatsKept?: number;
  /**
   * Whether runFile itself starts keepWarm's spare once the trace is read (default true). runCheck
   * says false and starts it after its analysis: a starting child (Node, then the engine's rehearsal)
   * would take a core from that work. Not an option of runCheck's callers (CheckOptions omits it).
   */
  startSpare?: boolean;
  /** called as each phase of the run ends ("bundle", "model run", "trace read"), for a caller's timing line */
  onPhase?: (phase: string, note?: string) => void;
}

export const DEFAULTS = { timeoutMs: 10_000, memoryMb: 1024, steps: 1 } as const;
/** the longest delay a Node timer holds (a longer one fires at once); also the CLI's --timeout bound */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The child stops the file itself this long before the deadline, to write its trace in time. */
export function softDeadlineReserveMs(timeoutMs: number): number {
  return Math.min(2000, Math.max(250, Math.round(timeoutMs * 0.15)));
}
/** A child already writing its final trace at the deadline gets this much longer. */
const FINISHING_GRACE_MS = 2000;

export function defaultWorkerPath(): string {
  const here = typeof __dirname === "string" ? __dirname : join(process.cwd(), "dist");
  return join(here, "worker.js");
}

export { childV8Flags };

function childSpec(workerPath: string, memoryMb: number) {
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: "1" }; // VS Code's execPath is Electron
  delete env.NODE_OPTIONS;
  env.GLIBC_TUNABLES = childGlibcTunables(env.GLIBC_TUNABLES);
  const args = [...childV8Flags(), ...CHILD_HEAP_FLAGS, `--max-old-space-size=${memoryMb}`, workerPath];
  return { key: JSON.stringify([process.execPath, args]), options: { command: process.execPath, args, env } };
}

/** the last check's resident sizes (its watchdog's), for the next spare's heap prefault (heapHint.ts) */
let lastCheck: Pick<ChildOutcome, "peakRssBytes" | "startRssBytes"> | null = null;

/** A spare's options: with the hint of how much malloc memory to fault in while it waits, once a check has run. */
function spareOptions(spec: ReturnType<typeof childSpec>, memoryMb: number) {
  if (lastCheck === null) return spec.options;
  const hint = formatHeapHint({ lastPeakRssBytes: lastCheck.peakRssBytes, lastStartRssBytes: lastCheck.startRssBytes, memoryLimitBytes: memoryMb * 2 ** 20 });
  return { ...spec.options, env: { ...spec.options.env, [HEAP_HINT_ENV]: hint } };
}

/**
 * Starts the child the next run with these options takes (a host's warm-up, see warmUp.ts; the next
 * check's spare, see check.ts), with runFile's defaults. Nothing when the worker script is missing:
 * the run itself reports that.
 */
export function prestartWorker(workerPath: string = defaultWorkerPath(), memoryMb: number = DEFAULTS.memoryMb): void {
  if (!existsSync(workerPath)) return;
  const spec = childSpec(workerPath, memoryMb);
  prestart(spec.key, spareOptions(spec, memoryMb));
}

/** GradLens itself cannot run a check (a broken install): not the model's failure, so runFile rejects. */
export class InstallError extends Error {
  override name = "InstallError";
}

export async function runFile(file: string, options: RunOptions = {}): Promise<Trace> {
  const started = performance.now();
  const startedAt = Date.now();
  const cwd = options.cwd ?? process.cwd();
  // NaN or a budget past what a timer holds (Infinity: "no limit") would end the run at once
  const timeoutMs = Number.isNaN(options.timeoutMs) ? DEFAULTS.timeoutMs : Math.min(options.timeoutMs ?? DEFAULTS.timeoutMs, MAX_TIMEOUT_MS);
  const memoryMb = options.memoryMb ?? DEFAULTS.memoryMb;
  const steps = Math.max(1, Math.floor(options.steps ?? DEFAULTS.steps));
  const limitNames = options.limitNames ?? API_LIMIT_NAMES;
  const absFile = resolve(cwd, file);
  const displayPath = displayPathFor(file, cwd);
  const fileSite: Site = { file: displayPath(absFile), line: 1, column: 1 };
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (error: RunError, reason: StopInfo["reason"] = "error"): Trace =>
    emptyTrace(file, { reason, message: error.message, file: error.file, line: error.line, column: error.column }, error, [], elapsed());

  if (options.signal?.aborted) return failed(cancelledError(fileSite), "cancelled");
  if (!existsSync(absFile)) return failed({ kind: "exception", message: `no such file: ${file}`, ...fileSite });
  const workerPath = options.workerPath ?? defaultWorkerPath();
  if (!existsSync(workerPath)) throw new InstallError(`GradLens is not installed completely: its worker script ${workerPath} is missing`);
  const spec = childSpec(workerPath, memoryMb);
  // Node starts while esbuild bundles; a child started now takes its input at once: no rehearsal (engineWarmUp.ts)
  prestart(spec.key, { ...spec.options, env: { ...spec.options.env, [WARM_UP_ENV]: "0" } });
  const bundle = await bundleUserFile(absFile, displayPath, cwd, options.overlay);
  options.onPhase?.("bundle");
  if (!bundle.ok) return failed(bundle.error);
  if (options.signal?.aborted) return failed(cancelledError(fileSite), "cancelled");

  const deadline = startedAt + timeoutMs;
  const spoolDir = mkdtempSync(join(tmpdir(), "gradlens-run-"));
  const input: WorkerInput = {
    file, absFile, cwd, code: bundle.code, map: bundle.map, outDir: bundle.outDir, steps, timeoutMs, memoryMb,
    limitNames, repeatsKept: options.repeatsKept, deadline, softDeadline: deadline - softDeadlineReserveMs(timeoutMs), spoolDir,
  };
  try {
    const ctx: Context = { file, fileSite, timeoutMs, memoryMb, limitNames, spoolDir, elapsed: 0 };
    const { seen, outcome, childAgeMs } = await runInChild(input, spec, options.signal, options.memoryWatchdog);
    options.onPhase?.("model run", `child started ${Math.round(childAgeMs)} ms before`);
    if (outcome.peakRssBytes > 0) lastCheck = { peakRssBytes: outcome.peakRssBytes, startRssBytes: outcome.startRssBytes };
    const trace = traceOf(seen, outcome, { ...ctx, elapsed: elapsed() });
    options.onPhase?.("trace read");
    const printed = outcome.output.lines();
    if (printed.length > 0) trace.console.push(...printed);
    // the spare starts after the trace is read: it would compete with that for the cores
    if (options.keepWarm !== false && options.startSpare !== false) prestart(spec.key, spareOptions(spec, memoryMb));
    return trace;
  } finally {
    removeSpool(spoolDir);
  }
}

/** The files a child writes in its spool directory (worker.ts's writeTrace): removed by name, no listing. */
const SPOOL_FILES = ["trace.json", "snapshot.json", "trace.json.part", "snapshot.json.part", PROGRESS_FILE];

function removeSpool(dir: string): void {
  for (const name of SPOOL_FILES) {
    try {
      unlinkSync(join(dir, name));
    } catch {
      // not written
    }
  }
  try {
    rmdirSync(dir);
  } catch {
    rmSync(dir, { recursive: true, force: true }); // something else was written there
  }
}

interface Seen {
  /** trace files it wrote */
  snapshot: string | null;
  done: string | null;
  /** console lines as the child printed them (bounded the same way): what a killed child still shows */
  console: ConsoleCapture;
}

async function runInChild(
  input: WorkerInput,
  spec: ReturnType<typeof childSpec>,
  signal: AbortSignal | undefined,
  memoryWatchdog: boolean | undefined,
): Promise<{ seen: Seen; outcome: ChildOutcome; childAgeMs: number }> {
  const { child, setOnMessage, ageMs } = takeChild(spec.key, spec.options);
  const seen: Seen = { snapshot: null, done: null, console: new ConsoleCapture() };
  setOnMessage((raw) => {
    const m = raw as ChildMessage;
    if (m?.type === "console") {
      if (typeof m.line === "string") seen.console.push(m.line);
      else seen.console.markDropped();
    } else if (m?.type === "snapshot") seen.snapshot = m.file;
    else if (m?.type === "finishing") child.setDeadline(input.deadline + FINISHING_GRACE_MS);
    else if (m?.type === "done") seen.done = m.file;
  });
  child.limit({ deadline: input.deadline, memoryMb: input.memoryMb, signal, memoryWatchdog });
  child.send(JSON.stringify(input));
  // The host waits for the child's exit, not just its "done": a child that outlived the host's wait
  // was left running once its owner (a test worker, the CLI) went away; the exit also carries the
  // memory peak and status the run's verdict needs.
  return { seen, outcome: await child.exited, childAgeMs: ageMs };
}

interface Context {
  file: string;
  fileSite: Site;
  timeoutMs: number;
  memoryMb: number;
  limitNames: LimitNames;
  spoolDir: string;
  elapsed: number;
}

/** A trace file the child wrote in its spool directory, parsed and validated; null when unusable. */
function readTrace(file: string | null, ctx: Context): { trace: Trace | null; problem: string | null } {
  if (file === null) return { trace: null, problem: null };
  if (resolve(file) !== join(ctx.spoolDir, "trace.json") && resolve(file) !== join(ctx.spoolDir, "snapshot.json")) {
    return { trace: null, problem: "it named a file outside its spool directory" };
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    return { trace: null, problem: e instanceof Error ? e.message : String(e) };
  }
  const problems = validateTrace(value);
  return problems.length === 0 ? { trace: value as Trace, problem: null } : { trace: null, problem: problems[0]! };
}

/** The child's final trace when it wrote a valid one; otherwise the last snapshot (or nothing), with the cause of the end. */
function traceOf(seen: Seen, outcome: ChildOutcome, ctx: Context): Trace {
  if (seen.done !== null) {
    const done = readTrace(seen.done, ctx);
    if (done.trace !== null) return done.trace;
    return withEnd(null, { kind: "exception", message: `the check's child process sent an invalid trace: ${done.problem}`, ...ctx.fileSite }, ctx, seen.console.streamed());
  }
  const snapshot = readTrace(seen.snapshot, ctx).trace;
  // the line of the last engine call the child noted (progressFile.ts)
  const at = readProgress(ctx.spoolDir) ?? lastSiteOf(snapshot) ?? ctx.fileSite;
  return withEnd(snapshot, endError(outcome, at, ctx), ctx, seen.console.streamed());
}

/** `console`: the lines streamed before the end (a snapshot's are older), else the snapshot's */
function withEnd(base: Trace | null, error: RunError, ctx: Context, console?: string[]): Trace {
  const reason: StopInfo["reason"] = error.kind === "timeout" || error.kind === "memory" || error.kind === "cancelled" ? error.kind : "error";
  const stopped: StopInfo = { reason, message: error.message, file: error.file, line: error.line, column: error.column };
  if (base === null) return emptyTrace(ctx.file, stopped, error, console ?? [], ctx.elapsed);
  return { ...base, stopped, error, console: console ?? base.console, durationMs: ctx.elapsed };
}

/** Why a child ended without its trace, in the user's terms. */
function endError(outcome: ChildOutcome, at: Site, ctx: Context): RunError {
  const fatal = outcome.output.lastLine(/FATAL ERROR|Fatal JavaScript|Fatal error|heap out of memory|Reached heap limit/i);
  switch (outcome.stoppedBy) {
    case "timeout":
      return { kind: "timeout", message: timeoutMessage(ctx.timeoutMs, ctx.limitNames), ...at };
    case "memory":
      return { kind: "memory", message: memoryMessage(ctx.memoryMb, ctx.limitNames, residentDetail(outcome.peakRssBytes)), ...at };
    case "cancelled":
      return cancelledError(at);
    case "protocol":
      return { kind: "exception", message: "the check's child process wrote something that is not a message on its channel", ...at };
  }
  if (outcome.spawnError !== null) return { kind: "exception", message: `the check's process could not start: ${outcome.spawnError}`, ...at };
  if (fatal !== null && /memory|heap|allocation/i.test(fatal)) {
    return { kind: "memory", message: memoryMessage(ctx.memoryMb, ctx.limitNames, fatal), ...at };
  }
  if (outcome.signal !== null) {
    return { kind: "exception", message: `the file's process was killed by ${outcome.signal}${fatal !== null ? `: ${fatal}` : ""}`, ...at };
  }
  const last = outcome.output.lastLine();
  return { kind: "exception", message: `the file's process exited with code ${outcome.code}${last !== null ? `: ${last}` : ""}`, ...at };
}

function lastSiteOf(trace: Trace | null): Site | null {
  if (trace === null) return null;
  const sites = [trace.ops.at(-1)?.site, trace.backwards.at(-1)?.site, trace.steps.at(-1)?.site, trace.leaves.at(-1)?.site];
  return sites.find((s): s is Site => s != null) ?? null;
}

function cancelledError(at: Site): RunError {
  return { kind: "cancelled", message: "the check was cancelled", ...at };
}
