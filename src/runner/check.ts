import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Report } from "../protocol/report";
import type { Trace } from "../trace/schema";
import { analyze } from "../analysis/index";
import { emptyTrace } from "../trace/emptyTrace";
import { parseSuppressions, type Suppression } from "../analysis/suppressions";
import { prestartWorker, runFile, type RunOptions } from "./run";
import { isPythonFile, runPythonFile } from "./python/index";

// What the CLI and the extension call: run the file (a .ts/.js model in a child process, a .py script
// in the user's Python), then analyse its Trace.

/** runFile's options but startSpare, which runCheck sets itself (see RunOptions.startSpare) */
export interface CheckOptions extends Omit<RunOptions, "startSpare"> {
  /** .py only: the interpreter to use (else GRADLENS_PYTHON, else python3/python on PATH) */
  python?: string;
  /** .py only: the script's arguments (sys.argv[1:]) */
  scriptArgs?: string[];
}

/** Reports of runs GradLens could not analyse: its own failure, not the model's (the CLI exits 3). */
const analysisFailures = new WeakSet<Report>();

export function isAnalysisFailure(report: Report): boolean {
  return analysisFailures.has(report);
}

export async function runCheck(file: string, options: CheckOptions = {}): Promise<Report> {
  if (isPythonFile(file)) return analyzed(await runPythonFile(file, options), file, options);
  const report = await analyzed(await runFile(file, { ...options, startSpare: false }), file, options);
  // the next check's child starts once this one's analysis is done: both would share the cores
  if (options.keepWarm !== false) prestartWorker(options.workerPath, options.memoryMb);
  return report;
}

async function analyzed(trace: Trace, file: string, options: CheckOptions): Promise<Report> {
  try {
    const report = analyze(trace, { suppressions: await suppressionsOf(file, options) });
    options.onPhase?.("analysis");
    return report;
  } catch (e) {
    // a trace that passes the schema but not analysis (e.g. ids that name nothing) is a bug of
    // GradLens's (its schema or its analysis), reported as a failed run — never an exception in the host
    const site = { file: trace.stopped.file ?? trace.file, line: trace.stopped.line ?? 1, column: trace.stopped.column ?? 1 };
    const cause = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const message = `GradLens failed to analyse this run (a bug in GradLens, not in the file): ${cause}`;
    const report = analyze(emptyTrace(trace.file, { reason: "error", message, ...site }, { kind: "exception", message, ...site }, trace.console, trace.durationMs));
    analysisFailures.add(report);
    return report;
  }
}

/** The checked file's `// gradlens-ignore GLxxx` comments, read from the text that ran: an editor's
 *  unsaved buffer for a .ts/.js model (the .py runner runs the file on disk); none when unreadable. */
async function suppressionsOf(file: string, options: CheckOptions): Promise<Suppression[]> {
  try {
    const path = resolve(options.cwd ?? process.cwd(), file);
    const text = (isPythonFile(file) ? undefined : options.overlay?.get(path)) ?? await readFile(path, "utf8");
    return parseSuppressions(file, text);
  } catch {
    return [];
  }
}
