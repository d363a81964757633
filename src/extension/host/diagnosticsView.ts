// The one diagnostic collection ("GradLens"): refreshed on each run, cleared when the file closes.
import * as vscode from "vscode";
import type { Report } from "../../protocol/report";
import { buildFindingDiagnostics, buildRunErrorDiagnostic, type DiagnosticSpec } from "../core/diagnostics";
import { normalizePath } from "../core/files";
import { fileUri, toDiagnostic } from "./convert";
import type { GradLensState } from "./state";

export class DiagnosticsView implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection("gradlens");
  /** checked file → the URIs its last run put diagnostics on (a finding may sit in an imported file) */
  private readonly owned = new Map<string, vscode.Uri[]>();

  constructor(private readonly state: GradLensState) {}

  showReport(checkedFile: string, report: Report): void {
    const lookup = this.state.lookup();
    const specs = buildFindingDiagnostics(report, this.state.settings.diagnosticSeverities, lookup);
    const failure = buildRunErrorDiagnostic(report, lookup);
    this.show(checkedFile, failure ? [failure, ...specs] : specs);
  }

  show(checkedFile: string, specs: readonly DiagnosticSpec[]): void {
    this.clear(checkedFile);
    const byFile = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    for (const spec of specs) {
      const key = normalizePath(spec.file);
      const entry = byFile.get(key) ?? { uri: fileUri(spec.file), list: [] };
      entry.list.push(toDiagnostic(spec));
      byFile.set(key, entry);
    }
    for (const { uri, list } of byFile.values()) this.collection.set(uri, [...(this.collection.get(uri) ?? []), ...list]);
    this.owned.set(normalizePath(checkedFile), [...byFile.values()].map((e) => e.uri));
  }

  clear(checkedFile: string): void {
    const key = normalizePath(checkedFile);
    for (const uri of this.owned.get(key) ?? []) this.collection.delete(uri);
    this.owned.delete(key);
  }

  /** The document closed: drop its run's diagnostics and any others on it. */
  closed(doc: vscode.TextDocument): void {
    this.clear(doc.uri.fsPath);
    this.collection.delete(doc.uri);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
