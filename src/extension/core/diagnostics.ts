// Diagnostics: one per finding (on its primary line, related information on the other sites, the
// code linking to its section of docs/findings.md), and one for a failed run at the line where it failed.
import type { Finding, RelatedSite, Report, RunError, Severity } from "../../protocol/report";
import type { SourceRange, StaticScan } from "../../static/types";
import { findingDocsCommandUri } from "./findingDocs";
import { interpreterAdvice, interpreterProblem, type EditorInterpreter } from "./pythonInterpreter";
import { staticSiteFor } from "./reportQueries";

export const DIAGNOSTIC_SOURCE = "GradLens";

export interface DiagnosticSpec {
  file: string;
  range: SourceRange;
  severity: Severity;
  message: string;
  /** The finding's code ("GL006") or the run failure's ("run-timeout"). */
  code: string;
  /** The code's link: a command URI opening its section of docs/findings.md, or null when it is not documented there. */
  docsTarget: string | null;
  related: RelatedSite[];
}

/** What the builders may ask about files: a line's text and a file's scan, when known. */
export interface SourceLookup {
  lineText?(file: string, line: number): string | undefined;
  scan?(file: string): StaticScan | null;
}

/**
 * The range to underline for a position: the static site anchored there (its first line), else from
 * the column (or the first non-blank character) to the end of the line's text.
 */
export function rangeAt(file: string, line: number, column: number, lookup: SourceLookup = {}): SourceRange {
  const text = lookup.lineText?.(file, line);
  const site = staticSiteFor(lookup.scan?.(file) ?? null, { file, line, column }, [
    "detach", "detach_", "no-grad", "set-grad-enabled-false", "requires-grad-false", "backward", "optimizer", "step", "zero-grad",
  ]);
  const lineEnd = text === undefined ? column + 1 : text.trimEnd().length + 1;
  if (site && site.line === line) {
    return { line, column: site.column, endLine: line, endColumn: site.endLine === line ? site.endColumn : Math.max(lineEnd, site.column + 1) };
  }
  if (text === undefined) return { line, column, endLine: line, endColumn: column + 1 };
  const firstNonBlank = text.length - text.trimStart().length + 1;
  const start = Math.min(Math.max(column, firstNonBlank), Math.max(lineEnd - 1, 1));
  return { line, column: start, endLine: line, endColumn: Math.max(lineEnd, start + 1) };
}

export function findingDiagnostic(finding: Finding, lookup: SourceLookup = {}): DiagnosticSpec {
  const line = Math.max(1, finding.line);
  return {
    file: finding.file,
    range: rangeAt(finding.file, line, Math.max(1, finding.column), lookup),
    severity: finding.severity,
    message: finding.message,
    code: finding.code,
    docsTarget: findingDocsCommandUri(finding.code),
    related: finding.related,
  };
}

/** Diagnostics for the report's findings of the chosen severities, in report order. */
export function buildFindingDiagnostics(report: Report, severities: readonly Severity[], lookup: SourceLookup = {}): DiagnosticSpec[] {
  return report.findings.filter((f) => severities.includes(f.severity)).map((f) => findingDiagnostic(f, lookup));
}

const RUN_ERROR_TITLE: Record<RunError["kind"], string> = {
  syntax: "the model file has a syntax error",
  exception: "the model threw an exception",
  rejection: "the model left a promise rejection unhandled",
  timeout: "the check timed out",
  memory: "the check ran out of memory",
  "missing-import": "an import could not be resolved",
  cancelled: "the check was cancelled",
};

const RUN_ERROR_HINT: Partial<Record<RunError["kind"], string>> = {
  // The line shown is the last one that ran: for an endless loop that is the loop, and no limit helps.
  timeout:
    "The line shown is the last one that ran. If a loop there never ends, fix it; if the model is just slow, " +
    "raise the setting gradlens.timeoutSeconds or lower gradlens.stepBudget.",
  memory:
    "The line shown is the last one that ran. If memory grows there without end (a loop that keeps allocating), fix it; " +
    "otherwise raise the setting gradlens.memoryLimitMb or use smaller tensors for the check.",
  "missing-import": 'Model files import the engine as "gradlens"; other imports must resolve from the file.',
};

/** What the check ran with, for advice that fits its backend. */
export interface RunContext {
  /** A .py check: the Python the editor chose (absent: a .py file checked without knowing how). */
  python?: EditorInterpreter;
}

/** A .py run whose Python is missing or has no torch (the runner reports both as missing-import). */
function isPythonRunError(error: Pick<RunError, "kind" | "message"> & { file?: string }, context: RunContext): boolean {
  return error.kind === "missing-import" && (context.python !== undefined || /\.py$/i.test(error.file ?? ""));
}

/** One message for a failed run: what happened, the runner's words, what to do. */
export function runErrorMessage(error: Pick<RunError, "kind" | "message"> & { file?: string }, context: RunContext = {}): string {
  if (isPythonRunError(error, context)) {
    return `GradLens could not finish the check: the Python it ran cannot check the script: ${interpreterProblem(error.message)}\n${interpreterAdvice(context.python)}`;
  }
  const title = RUN_ERROR_TITLE[error.kind];
  const hint = RUN_ERROR_HINT[error.kind];
  const text = `GradLens could not finish the check: ${title}: ${error.message.trim()}`;
  return hint ? `${text}\n${hint}` : text;
}

/** The diagnostic of a failed run, or null when the run did not fail (a cancelled run shows nothing). */
export function buildRunErrorDiagnostic(report: Report, lookup: SourceLookup = {}, context: RunContext = {}): DiagnosticSpec | null {
  const error = report.error;
  if (!error || error.kind === "cancelled") return null;
  const file = error.file || report.file;
  const line = error.line >= 1 ? error.line : 1;
  return {
    file,
    range: rangeAt(file, line, Math.max(1, error.column), lookup),
    severity: "error",
    message: runErrorMessage(error, context),
    code: `run-${error.kind}`,
    docsTarget: null,
    related: [],
  };
}

/** The runner's answer for a file that never imports the engine: nothing to check, not an error. */
export function isNotAModel(error: Pick<RunError, "kind" | "message"> | null): boolean {
  return error?.kind === "missing-import" && /does not import\s+"gradlens"/.test(error.message);
}

/** The diagnostic when the runner itself failed (rejected) instead of returning a report. */
export function runnerFailureDiagnostic(file: string, failure: unknown): DiagnosticSpec {
  const message = failure instanceof Error ? failure.message : String(failure);
  return {
    file,
    range: { line: 1, column: 1, endLine: 1, endColumn: 2 },
    severity: "error",
    message: `GradLens could not run the check: ${message}`,
    code: "run-failed",
    docsTarget: null,
    related: [],
  };
}
