// What the extension knows: the last report per checked file, cached static scans, the settings.
import * as vscode from "vscode";
import type { Report } from "../../protocol/report";
import { scanSource } from "../../static";
import { isPythonSource, pythonParser, scanPythonSource } from "../../static/python";
import { importsTorch } from "./pythonSupport";
import type { StaticScan } from "../../static/types";
import type { SourceLookup } from "../core/diagnostics";
import { normalizePath, siteInFile } from "../core/files";
import { diffLines, type LineMap } from "../core/lineMap";
import { remapReport } from "../core/remapReport";
import { readSettings, type GradLensSettings } from "../core/settings";

function linesOf(doc: vscode.TextDocument): string[] {
  return doc.getText().split(/\r?\n/);
}

interface StoredReport {
  report: Report;
  /** The lines of each file as the check saw them (normalized path → lines), to map the report through later edits. */
  texts: Map<string, string[]>;
}

/** A report as it applies to one document now. */
export interface ReportView {
  /** Sites in this document on their current lines; sites on lines edited since the check dropped. */
  report: Report;
  /** The report as the run saw it (the graph's lines). */
  raw: Report;
  lines: LineMap;
  /** The report is another file's (a training file that imports this one). */
  via: boolean;
}

export const MODEL_LANGUAGES = ["typescript", "typescriptreact", "javascript", "python"];

export function isModelDocument(doc: vscode.TextDocument): boolean {
  return MODEL_LANGUAGES.includes(doc.languageId);
}

export class GradLensState implements vscode.Disposable {
  private readonly reports = new Map<string, StoredReport>();
  private readonly scans = new Map<string, { version: number; scan: StaticScan }>();
  /** Texts snapshotted when a check started, by checked file, until its report arrives. */
  private readonly pending = new Map<string, Map<string, string[]>>();
  private readonly views = new WeakMap<StoredReport, Map<string, { version: number; view: ReportView }>>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  lastReport: Report | null = null;

  /** The Python grammar has loaded: rescan, and refresh what depends on the scans. */
  grammarLoaded(): void {
    this.scans.clear();
    this.changed.fire();
  }

  /**
   * The settings as they are now, never a copy taken at activation and patched by change events: a
   * check must run with what is set when it starts.
   */
  get settings(): GradLensSettings {
    return this.settingsFor(undefined);
  }

  /** The settings that apply to one file (its folder's settings in a multi-root workspace). */
  settingsFor(uri: vscode.Uri | undefined): GradLensSettings {
    const config = vscode.workspace.getConfiguration("gradlens", uri);
    return readSettings((k) => config.get(k));
  }

  /** The settings changed: refresh what depends on them. */
  reloadSettings(): void {
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

  /** A check of this document starts: remember the text it runs on (and that of the other open model files). */
  snapshot(doc: vscode.TextDocument): void {
    const texts = new Map<string, string[]>();
    for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === "file" && isModelDocument(d)) texts.set(normalizePath(d.uri.fsPath), linesOf(d));
    texts.set(normalizePath(doc.uri.fsPath), linesOf(doc));
    this.pending.set(normalizePath(doc.uri.fsPath), texts);
  }

  setReport(file: string, report: Report): void {
    const key = normalizePath(file);
    const texts = this.pending.get(key) ?? new Map<string, string[]>();
    this.pending.delete(key);
    this.reports.set(key, { report, texts });
    this.lastReport = report;
    this.changed.fire();
  }

  /** The file's last check failed or had nothing to show: nothing of an earlier run stays either. */
  clearReport(file: string): void {
    const key = normalizePath(file);
    this.pending.delete(key);
    if (this.reports.delete(key)) this.changed.fire();
  }

  /** The document's own report, or that of a checked file whose parameters or cuts lie in it, mapped to its current lines. */
  viewOf(doc: vscode.TextDocument): ReportView | null {
    const key = normalizePath(doc.uri.fsPath);
    const own = this.reports.get(key);
    if (own) return this.mapped(own, doc, false);
    const path = doc.uri.fsPath;
    for (const stored of [...this.reports.values()].reverse()) {
      const { report } = stored;
      const inFile = (s: { file: string } | null) => s !== null && siteInFile(s, report, path);
      if (report.parameters.some((p) => inFile(p.site)) || report.cuts.some(inFile)) return this.mapped(stored, doc, true);
    }
    return null;
  }

  private mapped(stored: StoredReport, doc: vscode.TextDocument, via: boolean): ReportView {
    const key = normalizePath(doc.uri.fsPath);
    const cache = this.views.get(stored) ?? new Map<string, { version: number; view: ReportView }>();
    this.views.set(stored, cache);
    const hit = cache.get(key);
    if (hit && hit.version === doc.version) return hit.view;
    // A file the check saw but that was not open then: its text when first shown stands for the checked one.
    if (!stored.texts.has(key)) stored.texts.set(key, linesOf(doc));
    const lines = diffLines(stored.texts.get(key)!, linesOf(doc));
    const view = { report: remapReport(stored.report, doc.uri.fsPath, lines), raw: stored.report, lines, via };
    cache.set(key, { version: doc.version, view });
    return view;
  }

  /** The report of this checked document, on its current lines. */
  reportFor(doc: vscode.TextDocument): Report | null {
    const view = this.viewOf(doc);
    return view && !view.via ? view.report : null;
  }

  reportOfFile(file: string): Report | null {
    return this.reports.get(normalizePath(file))?.report ?? null;
  }

  /** The document's own report, else the latest report with parameters or cuts in it (a module file imported by a checked model). */
  reportTouching(doc: vscode.TextDocument): Report | null {
    return this.viewOf(doc)?.report ?? null;
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
