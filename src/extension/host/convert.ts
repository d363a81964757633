// Plain specs from the core builders → vscode objects. Specs are 1-based with exclusive ends.
import * as vscode from "vscode";
import type { Severity } from "../../protocol/report";
import type { SourceRange } from "../../static/types";
import type { DiagnosticSpec } from "../core/diagnostics";
import { DIAGNOSTIC_SOURCE } from "../core/diagnostics";

export function toRange(r: SourceRange): vscode.Range {
  return new vscode.Range(Math.max(r.line - 1, 0), Math.max(r.column - 1, 0), Math.max(r.endLine - 1, 0), Math.max(r.endColumn - 1, 0));
}

export function toSeverity(s: Severity): vscode.DiagnosticSeverity {
  return s === "error" ? vscode.DiagnosticSeverity.Error : s === "warning" ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

/** A report's path as a file URI (absolute already when the extension ran the check). */
export function fileUri(path: string): vscode.Uri {
  return vscode.Uri.file(path);
}

export function toDiagnostic(spec: DiagnosticSpec): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(spec.range), spec.message, toSeverity(spec.severity));
  d.source = DIAGNOSTIC_SOURCE;
  d.code = spec.docsTarget ? { value: spec.code, target: vscode.Uri.parse(spec.docsTarget) } : spec.code;
  d.relatedInformation = spec.related.map(
    (r) =>
      new vscode.DiagnosticRelatedInformation(
        new vscode.Location(fileUri(r.file), new vscode.Position(Math.max(r.line - 1, 0), Math.max(r.column - 1, 0))),
        r.message,
      ),
  );
  return d;
}

/** The code of one of our diagnostics ("GL006", "run-exception"), or null for anybody else's. */
export function codeOf(d: vscode.Diagnostic): string | null {
  if (d.source !== DIAGNOSTIC_SOURCE) return null;
  if (typeof d.code === "string" || typeof d.code === "number") return String(d.code);
  return d.code ? String(d.code.value) : null;
}
