// The status bar item: the result for the active editor's file (its own check, or the check of a
// training file that imports it), click to open the report (graph) or run a check.
import * as vscode from "vscode";
import type { Report } from "../../protocol/report";
import { normalizePath } from "../core/files";
import { buildStatus, type CheckState } from "../core/statusBar";

export interface StatusSource {
  /** The report whose facts cover this document: its own, or that of a checked file importing it. */
  reportTouching(doc: vscode.TextDocument): Report | null;
  isModelFile(doc: vscode.TextDocument): boolean;
}

export class StatusBarView implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("gradlens.status", vscode.StatusBarAlignment.Left, 50);
  /** The last state of each checked file (normalized path). */
  private readonly states = new Map<string, CheckState>();

  constructor(private readonly source: StatusSource) {
    this.item.name = "GradLens";
    this.refresh();
  }

  /** A check's new state; shown when its file is the active editor's (or no editor is active). */
  show(state: CheckState): void {
    const file = "file" in state && state.file ? state.file : state.kind === "done" ? state.report.file : undefined;
    if (file) this.states.set(normalizePath(file), state);
    const active = vscode.window.activeTextEditor?.document;
    if (!active || !file || normalizePath(active.uri.fsPath) === normalizePath(file)) this.render(state);
  }

  /** Follow the active editor. */
  refresh(editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor): void {
    const doc = editor?.document;
    if (!doc) return this.item.hide();
    const own = this.states.get(normalizePath(doc.uri.fsPath));
    if (own) return this.render(own);
    const report = this.source.reportTouching(doc);
    if (report) return this.render({ kind: "done", report, via: true });
    if (!this.source.isModelFile(doc)) return this.item.hide();
    this.render({ kind: "idle", file: doc.uri.fsPath });
  }

  private render(state: CheckState): void {
    const spec = buildStatus(state);
    this.item.text = spec.text;
    this.item.tooltip = spec.tooltip;
    this.item.command = spec.opensReport
      ? { title: "Open the computation graph", command: "gradlens.showGraph", arguments: state.kind === "done" ? [vscode.Uri.file(state.report.file)] : [] }
      : state.kind === "running"
        ? undefined
        : "gradlens.check";
    this.item.backgroundColor =
      spec.tone === "error" ? new vscode.ThemeColor("statusBarItem.errorBackground") : spec.tone === "warning" ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
