import type { Report } from "../protocol/report";
import { analyze } from "../analysis/index";
import { runFile, type RunOptions } from "./run";

// What the CLI and the extension call: run the file in a worker, then analyse its Trace.

export type CheckOptions = RunOptions;

export async function runCheck(file: string, options: CheckOptions = {}): Promise<Report> {
  const trace = await runFile(file, options);
  return analyze(trace);
}
