// "GradLens: Run gradient-flow check": runs the file in the runner's worker with a cancellable
// progress notification, then refreshes diagnostics, lenses, gutter, status bar, log and graph.
import { dirname } from "node:path";
import * as vscode from "vscode";
import type { Report } from "../../protocol/report";
import { runCheck } from "../../runner/check";
import { CheckQueue } from "../core/checkQueue";
import { runnerFailureDiagnostic } from "../core/diagnostics";
import { baseName, normalizePath } from "../core/files";
import { formatRunLog } from "../core/runLog";
import { runOptionsOf } from "../core/settings";
import type { DiagnosticsView } from "./diagnosticsView";
import type { GutterView } from "./gutterView";
import { isModelDocument, type GradLensState } from "./state";
import { interpreterFor, PYTHON_LANGUAGE } from "./pythonSupport";
import type { StatusBarView } from "./statusBarView";

export interface CheckDeps {
  state: GradLensState;
  diagnostics: DiagnosticsView;
  gutter: GutterView;
  status: StatusBarView;
  output: vscode.OutputChannel;
  workerPath: string;
  /** Called with each new report (the graph panel shows it when open). */
  onReport(report: Report): void;
}

export const UNTRUSTED_MESSAGE =
  "GradLens runs your model file to check it, and does not run code in an untrusted workspace. " +
  "The CodeLens from the static scan still works. Trust the workspace to run the gradient-flow check.";

export class CheckCommand {
  private readonly queue = new CheckQueue<Report>();

  constructor(private readonly deps: CheckDeps) {}

  /** The document to check: the argument, else the active editor's. */
  private async target(uri?: vscode.Uri): Promise<vscode.TextDocument | null> {
    if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
    return vscode.window.activeTextEditor?.document ?? null;
  }

  async run(uri?: vscode.Uri, options: { quiet?: boolean } = {}): Promise<Report | null> {
    const { state, output, status } = this.deps;
    if (!vscode.workspace.isTrusted) {
      const choice = await vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, "Manage Workspace Trust");
      if (choice) await vscode.commands.executeCommand("workbench.trust.manage");
      return null;
    }
    const doc = await this.target(uri);
    if (!doc || !isModelDocument(doc) || doc.uri.scheme !== "file") {
      if (!options.quiet) void vscode.window.showWarningMessage("GradLens: open a TypeScript model file or a PyTorch script (saved on disk) to check it.");
      return null;
    }
    if (doc.isDirty && !(await doc.save())) return null;
    const file = doc.uri.fsPath;
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? dirname(file);
    const python = doc.languageId === PYTHON_LANGUAGE ? await interpreterFor(doc.uri, state.settings.pythonPath) : undefined;
    const started = new Date();
    status.show({ kind: "running", file });
    output.appendLine(`[${started.toISOString()}] checking ${file} …`);

    const outcome = await this.queue.run(normalizePath(file), async (signal) =>
      vscode.window.withProgress(
        {
          // A check on save stays in the status bar; one the user asked for shows a notification with Cancel.
          location: options.quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification,
          title: `GradLens: checking ${baseName(file)}`,
          cancellable: true,
        },
        (_progress, token) => {
          token.onCancellationRequested(() => this.queue.cancel(normalizePath(file)));
          return runCheck(file, { ...runOptionsOf(state.settings), signal, workerPath: this.deps.workerPath, cwd: folder, python });
        },
      ),
    );
    switch (outcome.status) {
      case "done":
        this.show(doc, outcome.value, started);
        return outcome.value;
      case "failed": {
        const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
        output.appendLine(`  the runner failed: ${message}`);
        if (outcome.error instanceof Error && outcome.error.stack) output.appendLine(outcome.error.stack);
        this.deps.diagnostics.show(file, [runnerFailureDiagnostic(file, outcome.error)]);
        status.show({ kind: "failed", file, message });
        return null;
      }
      case "cancelled":
        output.appendLine("  cancelled");
        status.show({ kind: "cancelled", file });
        return null;
      case "superseded":
        output.appendLine("  superseded by a newer check of the same file");
        return null;
    }
  }

  private show(doc: vscode.TextDocument, report: Report, started: Date): void {
    const { state, diagnostics, gutter, status, output } = this.deps;
    for (const line of formatRunLog(report, started)) output.appendLine(line);
    if (report.error?.kind === "cancelled") {
      status.show({ kind: "cancelled", file: doc.uri.fsPath });
      return;
    }
    if (report.error?.kind === "missing-import" && doc.languageId === PYTHON_LANGUAGE) {
      // no Python or no torch in it: the message names the interpreter tried and how to pick another
      void vscode.window.showErrorMessage(`GradLens: ${report.error.message}`, "Open Settings").then((choice) => {
        if (choice) void vscode.commands.executeCommand("workbench.action.openSettings", "gradlens.pythonPath");
      });
    }
    state.setReport(doc.uri.fsPath, report, doc.lineCount);
    diagnostics.showReport(doc.uri.fsPath, report);
    gutter.refresh();
    status.show({ kind: "done", report });
    this.deps.onReport(report);
  }

  cancelAll(): void {
    this.queue.cancelAll();
  }
}
