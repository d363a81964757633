import { Worker } from "node:worker_threads";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { RunError, StopInfo } from "../protocol/report";
import type { Trace } from "../trace/schema";
import { emptyTrace } from "../trace/emptyTrace";
import { bundleUserFile } from "./bundle";
import { displayPathFor } from "./paths";
import { formatSeconds } from "./stopRule";
import type { WorkerInput, WorkerMessage } from "./messages";

// Runs a user's model file in a worker thread and returns its Trace. Never rejects: a file that
// cannot be bundled, throws, times out, runs out of memory or is cancelled still yields a Trace,
// with Trace.error set and whatever was traced before the end.

export interface RunOptions {
  /** wall-clock budget for the whole run (default 10 s) */
  timeoutMs?: number;
  /** memory budget of the worker (JS heap and typed arrays, default 1024 MB) */
  memoryMb?: number;
  /** early-stop budget, see stopRule.ts (default 1) */
  steps?: number;
  signal?: AbortSignal;
  /** the worker script (default: worker.js next to the running bundle) */
  workerPath?: string;
  /** directory relative paths are taken from (default process.cwd()) */
  cwd?: string;
  /** absolute path → text to run instead of the file on disk (an editor's unsaved buffers) */
  overlay?: ReadonlyMap<string, string>;
}

export const DEFAULTS = { timeoutMs: 10_000, memoryMb: 1024, steps: 1 } as const;

/** After the deadline, a worker that no longer calls the engine (a bare `while (true) {}`) is killed. */
const HARD_KILL_GRACE_MS = 500;

export function defaultWorkerPath(): string {
  const here = typeof __dirname === "string" ? __dirname : join(process.cwd(), "dist");
  return join(here, "worker.js");
}

export async function runFile(file: string, options: RunOptions = {}): Promise<Trace> {
  const started = performance.now();
  const startedAt = Date.now();
  const cwd = options.cwd ?? process.cwd();
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const memoryMb = options.memoryMb ?? DEFAULTS.memoryMb;
  const steps = Math.max(1, Math.floor(options.steps ?? DEFAULTS.steps));
  const absFile = resolve(cwd, file);
  const displayPath = displayPathFor(file, cwd);
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (error: RunError, reason: StopInfo["reason"] = "error"): Trace =>
    emptyTrace(file, { reason, message: error.message, file: error.file, line: error.line, column: error.column }, error, [], elapsed());

  if (options.signal?.aborted) return failed(cancelledError(displayPath(absFile)), "cancelled");
  if (!existsSync(absFile)) {
    return failed({ kind: "exception", message: `no such file: ${file}`, file: displayPath(absFile), line: 1, column: 1 });
  }
  const bundle = await bundleUserFile(absFile, displayPath, cwd, options.overlay);
  if (!bundle.ok) return failed(bundle.error);
  if (options.signal?.aborted) return failed(cancelledError(displayPath(absFile)), "cancelled");

  const input: WorkerInput = {
    file, absFile, cwd, code: bundle.code, map: bundle.map, outDir: bundle.outDir, steps, timeoutMs, memoryMb,
    deadline: startedAt + timeoutMs,
  };
  const worker = new Worker(options.workerPath ?? defaultWorkerPath(), {
    workerData: input,
    resourceLimits: { maxOldGenerationSizeMb: memoryMb },
    stdout: true,
    stderr: true,
  });
  // output written past console (process.stdout.write) is the file's output too
  const written: string[] = [];
  worker.stdout.on("data", (d: Buffer) => written.push(d.toString()));
  worker.stderr.on("data", (d: Buffer) => written.push(d.toString()));

  return new Promise<Trace>((resolvePromise) => {
    let done = false;
    const settle = (trace: Trace) => {
      if (done) return;
      done = true;
      clearTimeout(hardKill);
      options.signal?.removeEventListener("abort", onAbort);
      if (written.length > 0) trace.console.push(...written.join("").split("\n").filter((l) => l !== ""));
      void worker.terminate().finally(() => resolvePromise(trace));
    };
    const fileSite = { file: displayPath(absFile), line: 1, column: 1 };
    const hardKill = setTimeout(() => {
      settle(failed({ kind: "timeout", message: `the file did not finish within ${formatSeconds(timeoutMs)} (--timeout)`, ...fileSite }, "timeout"));
    }, Math.max(0, input.deadline - Date.now()) + HARD_KILL_GRACE_MS);
    const onAbort = () => settle(failed(cancelledError(fileSite.file), "cancelled"));
    options.signal?.addEventListener("abort", onAbort, { once: true });

    worker.on("message", (m: WorkerMessage) => {
      if (m?.type === "done") settle(m.trace);
    });
    worker.on("error", (e: Error & { code?: string }) => {
      if (e.code === "ERR_WORKER_OUT_OF_MEMORY") {
        settle(failed({ kind: "memory", message: `the file used more than its ${memoryMb} MB memory limit (--memory)`, ...fileSite }, "memory"));
      } else {
        settle(failed({ kind: "exception", message: e.message, ...fileSite }));
      }
    });
    worker.on("exit", (code) => {
      settle(failed({ kind: "exception", message: `the file ended the run early (process.exit(${code}))`, ...fileSite }));
    });
  });
}

function cancelledError(file: string): RunError {
  return { kind: "cancelled", message: "the check was cancelled", file, line: 1, column: 1 };
}
