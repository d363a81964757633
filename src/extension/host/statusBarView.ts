// The status bar item: last result, click to open the report (graph) or run a check.
import * as vscode from "vscode";
import { buildStatus, type CheckState } from "../core/statusBar";

export class StatusBarView implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("gradlens.status", vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = "GradLens";
    this.show({ kind: "idle" });
    this.item.show();
  }

  show(state: CheckState): void {
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
  }

  dispose(): void {
    this.item.dispose();
  }
}
