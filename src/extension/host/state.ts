// What the extension knows: the last report per checked file, cached static scans, the settings.
import * as vscode from "vscode";
import type { Report } from "../../protocol/report";
import { scanSource } from "../../static";
import { isPythonSource, pythonParser, scanPythonSource } from "../../static/python";
import { importsTorch } from "./pythonSupport";
import type { StaticScan } from "../../static/types";
import type { SourceLookup } from "../core/diagnostics";
import { normalizePath, siteInFile } from "../core/files";
import { readSettings, type GradLensSettings } from "../core/settings";

interface StoredReport {
  report: Report;
  /** The document's line count when the check ran: after edits that add or remove lines, the report's lines no longer fit. */
  lineCount: number;
}

export const MODEL_LANGUAGES = ["typescript", "typescriptreact", "javascript", "python"];

export function isModelDocument(doc: vscode.TextDocument): boolean {
  return MODEL_LANGUAGES.includes(doc.languageId);
}

export class GradLensState implements vscode.Disposable {
  private readonly reports = new Map<string, StoredReport>();
  private readonly scans = new Map<string, { version: number; scan: StaticScan }>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  settings: GradLensSettings = readSettings((k) => vscode.workspace.getConfiguration("gradlens").get(k));
  lastReport: Report | null = null;

  /** The Python grammar has loaded: rescan, and refresh what depends on the scans. */
  grammarLoaded(): void {
    this.scans.clear();
    this.changed.fire();
  }

  reloadSettings(): void {
    this.settings = readSettings((k) => vscode.workspace.getConfiguration("gradlens").get(k));
    this.changed.fire();
  }

  scanOf(doc: vscode.TextDocument): StaticScan {
    const key = doc.uri.toString();
    const cached = this.scans.get(key);
    if (cached && cached.version === doc.version) return cached.scan;
    const python = isPythonSource(doc.uri.fsPath) || doc.languageId === "python";
    const scan = python ? scanPythonSource(doc.getText(), doc.uri.fsPath) : scanSource(doc.getText(), doc.uri.fsPath);
    // before the Python grammar has loaded the scan is empty: not worth keeping
    if (!python || pythonParser() !== null) this.scans.set(key, { version: doc.version, scan });
    return scan;
  }

  /** Does the file use the engine (or was it checked)? Only such files get lenses or run on save. */
  isModelFile(doc: vscode.TextDocument): boolean {
    if (!isModelDocument(doc)) return false;
    if (this.reports.has(normalizePath(doc.uri.fsPath))) return true;
    return doc.languageId === "python" ? importsTorch(doc.getText()) : Object.keys(this.scanOf(doc).imports).length > 0;
  }

  setReport(file: string, report: Report, lineCount: number): void {
    this.reports.set(normalizePath(file), { report, lineCount });
    this.lastReport = report;
    this.changed.fire();
  }

  /** The report of this checked document, unless edits since the check moved its lines. */
  reportFor(doc: vscode.TextDocument): Report | null {
    const stored = this.reports.get(normalizePath(doc.uri.fsPath));
    return stored && stored.lineCount === doc.lineCount ? stored.report : null;
  }

  reportOfFile(file: string): Report | null {
    return this.reports.get(normalizePath(file))?.report ?? null;
  }

  /** The document's own report, else the latest report with parameters or cuts in it (a module file imported by a checked model). */
  reportTouching(doc: vscode.TextDocument): Report | null {
    const own = this.reportFor(doc);
    if (own) return own;
    if (this.reports.has(normalizePath(doc.uri.fsPath))) return null;
    const path = doc.uri.fsPath;
    for (const { report } of [...this.reports.values()].reverse()) {
      const inFile = (s: { file: string } | null) => s !== null && siteInFile(s, report, path);
      if (report.parameters.some((p) => inFile(p.site)) || report.cuts.some(inFile)) return report;
    }
    return null;
  }

  forget(doc: vscode.TextDocument): void {
    this.scans.delete(doc.uri.toString());
  }

  /** Line text and scans from the open documents, for the builders. */
  lookup(): SourceLookup {
    const docOf = (file: string) => vscode.workspace.textDocuments.find((d) => normalizePath(d.uri.fsPath) === normalizePath(file));
    return {
      lineText: (file, line) => {
        const doc = docOf(file);
        return doc && line >= 1 && line <= doc.lineCount ? doc.lineAt(line - 1).text : undefined;
      },
      scan: (file) => {
        const doc = docOf(file);
        return doc ? this.scanOf(doc) : null;
      },
    };
  }

  dispose(): void {
    this.changed.dispose();
  }
}
