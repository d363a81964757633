import type { Report } from "../protocol/report";
import { analyze } from "../analysis/index";
import { runFile, type RunOptions } from "./run";
import { isPythonFile, runPythonFile } from "./python/index";

// What the CLI and the extension call: run the file (a .ts/.js model in a worker, a .py script in
// the user's Python), then analyse its Trace.

export interface CheckOptions extends RunOptions {
  /** .py only: the interpreter to use (else GRADLENS_PYTHON, else python3/python on PATH) */
  python?: string;
  /** .py only: the script's arguments (sys.argv[1:]) */
  scriptArgs?: string[];
}

export async function runCheck(file: string, options: CheckOptions = {}): Promise<Report> {
  const trace = isPythonFile(file) ? await runPythonFile(file, options) : await runFile(file, options);
  return analyze(trace);
}
