import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { RunError, StopInfo } from "../../protocol/report";
import { validateTrace, type Trace } from "../../trace/schema";
import { emptyTrace } from "../../trace/emptyTrace";
import { displayPathFor } from "../paths";
import { API_LIMIT_NAMES, memoryMessage, stepsKnob, timeoutMessage, type LimitNames } from "../limits";
import { chooseInterpreter, howToChoose } from "./interpreter";
import { spawnProcess } from "./spawnProcess";
import { defaultTracerPath } from "./tracerPath";

// Runs a PyTorch script in the user's Python with the bundled tracer and returns its Trace. Like
// runFile for .ts files it never rejects: no interpreter, no torch, a crash, a timeout or a
// cancellation still yield a Trace with Trace.error set.

export interface PythonRunOptions {
  timeoutMs?: number;
  memoryMb?: number;
  steps?: number;
  signal?: AbortSignal;
  cwd?: string;
  /** the interpreter (--python, the editor's choice); else GRADLENS_PYTHON, else python3/python on PATH */
  python?: string;
  /** the script's sys.argv[1:] */
  scriptArgs?: string[];
  /** the tracer file (default: next to the bundle) */
  tracerPath?: string;
  env?: NodeJS.ProcessEnv;
  /** how the caller's user sets the limits, named in limit messages (default: these options' names) */
  limitNames?: LimitNames;
}

/** Exit code of the tracer when `import torch` fails. */
const NO_TORCH_EXIT = 3;
/**
 * The tracer times the script itself, from after `import torch`; the process is killed only when
 * that import plus the timeout plus writing the trace took longer than this on top of --timeout.
 */
const KILL_GRACE_MS = 30_000;
const PYTHON_DEFAULTS = { timeoutMs: 60_000, memoryMb: 4096, steps: 1 } as const;

export async function runPythonFile(file: string, options: PythonRunOptions = {}): Promise<Trace> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? PYTHON_DEFAULTS.timeoutMs;
  const memoryMb = options.memoryMb ?? PYTHON_DEFAULTS.memoryMb;
  const steps = Math.max(1, Math.floor(options.steps ?? PYTHON_DEFAULTS.steps));
  const limitNames = options.limitNames ?? API_LIMIT_NAMES;
  const absFile = resolve(cwd, file);
  const displayPath = displayPathFor(file, cwd);
  const fileSite = { file: displayPath(absFile), line: 1, column: 1 };
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (kind: RunError["kind"], message: string, reason: StopInfo["reason"] = "error", console: string[] = []): Trace =>
    emptyTrace(file, { reason, message, ...fileSite }, { kind, message, ...fileSite }, console, elapsed());

  if (options.signal?.aborted) return failed("cancelled", "the check was cancelled", "cancelled");
  if (!existsSync(absFile)) return failed("exception", `no such file: ${file}`);
  const choice = chooseInterpreter(options.python, env);
  if (choice === null) return failed("missing-import", `no Python to run ${fileSite.file}: ${howToChoose(null)}`);

  const work = mkdtempSync(join(tmpdir(), "gradlens-py-"));
  try {
    const outPath = join(work, "trace.json");
    const configPath = join(work, "config.json");
    const config = tracerConfig({ file, cwd, steps, timeoutMs, memoryMb, limitNames });
    writeFileSync(configPath, JSON.stringify(config));
    const outcome = await spawnProcess(choice.command, {
      args: ["-X", "utf8", options.tracerPath ?? defaultTracerPath(), outPath, configPath, absFile, ...(options.scriptArgs ?? [])],
      cwd: dirname(absFile),
      env: { ...env, PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" },
      killAfterMs: timeoutMs + KILL_GRACE_MS,
      signal: options.signal,
    });
    const lines = outcome.output.split("\n").filter((l) => l !== "");
    if (outcome.kind === "cancelled") return failed("cancelled", "the check was cancelled", "cancelled", lines);
    if (outcome.kind === "spawn-error") {
      const message = outcome.code === "ENOENT" ? `no Python at "${choice.command}": ${howToChoose(choice)}` : `could not start ${choice.command}: ${outcome.message}`;
      return failed("missing-import", message);
    }
    if (outcome.kind === "exited" && outcome.code === NO_TORCH_EXIT && !existsSync(outPath)) {
      return failed("missing-import", `no torch in ${choice.command}: ${howToChoose(choice)}`, "error", lines);
    }
    if (!existsSync(outPath)) {
      if (outcome.kind === "timeout") {
        return failed("timeout", config.messages.timeout, "timeout", lines);
      }
      const how = outcome.signal !== null ? `was killed (${outcome.signal})` : `exited with status ${outcome.code}`;
      const memory = outcome.signal === "SIGKILL" || outcome.signal === "SIGSEGV";
      return memory
        ? failed("memory", memoryMessage(memoryMb, limitNames, `Python ${how}`), "memory", lines)
        : failed("exception", `Python ${how} before the check finished${lastLine(lines)}`, "error", lines);
    }
    const trace = JSON.parse(readFileSync(outPath, "utf8")) as Trace;
    const problems = validateTrace(trace);
    if (problems.length > 0) return failed("exception", `the tracer wrote an invalid trace: ${problems.slice(0, 3).join("; ")}`, "error", lines);
    trace.console.push(...lines);
    trace.durationMs = elapsed();
    return trace;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface TracerConfigOptions {
  /** the checked file, as given (relative to cwd or absolute) */
  file: string;
  cwd: string;
  steps: number;
  timeoutMs: number;
  memoryMb: number;
  limitNames: LimitNames;
}

/** The config file gradlens_tracer.py reads (also the Python bench's, test/bench/python.bench.ts). */
export function tracerConfig(o: TracerConfigOptions) {
  const absFile = resolve(o.cwd, o.file);
  // the tracer words its limit stops with these sentences: the limits are worded in one place (limits.ts)
  const messages = { timeout: timeoutMessage(o.timeoutMs, o.limitNames), memory: memoryMessage(o.memoryMb, o.limitNames), steps: stepsKnob(o.steps, o.limitNames) };
  // relative display paths only when the file was given relative (as the TS runner does)
  const displayRoot = isAbsolute(o.file) ? null : o.cwd;
  return { steps: o.steps, timeoutMs: o.timeoutMs, memoryMb: o.memoryMb, messages, file: o.file, displayRoot, userRoot: userRootFor(absFile, o.cwd) };
}

/** The user's code: the working folder when the script is inside it (a project), else the script's folder. */
function userRootFor(absFile: string, cwd: string): string {
  const root = resolve(cwd);
  return absFile.startsWith(root + "/") ? root : dirname(absFile);
}

function lastLine(lines: string[]): string {
  return lines.length === 0 ? "" : `: ${lines[lines.length - 1]}`;
}
