import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Report } from "../protocol/report";
import { analyze } from "../analysis/index";
import { parseSuppressions, type Suppression } from "../analysis/suppressions";
import { runFile, type RunOptions } from "./run";

// What the CLI and the extension call: run the file in a worker, then analyse its Trace.

export type CheckOptions = RunOptions;

export async function runCheck(file: string, options: CheckOptions = {}): Promise<Report> {
  const trace = await runFile(file, options);
  return analyze(trace, { suppressions: await suppressionsOf(file, options) });
}

/** The checked file's `// gradlens-ignore GLxxx` comments (none when it cannot be read). */
async function suppressionsOf(file: string, options: CheckOptions): Promise<Suppression[]> {
  try {
    const text = await readFile(resolve(options.cwd ?? process.cwd(), file), "utf8");
    return parseSuppressions(file, text);
  } catch {
    return [];
  }
}
