// "GradLens: Run gradient-flow check": runs the file in the runner's worker with a cancellable
// progress notification, then refreshes diagnostics, lenses, gutter, status bar, log and graph.
import { dirname } from "node:path";
import * as vscode from "vscode";
import type { Report } from "../../protocol/report";
import { runCheck } from "../../runner/check";
import { CheckQueue } from "../core/checkQueue";
import { buildRunErrorDiagnostic, isNotAModel, runErrorMessage, runnerFailureDiagnostic, type RunContext } from "../core/diagnostics";
import { CheckClock } from "../core/checkTiming";
import { baseName, normalizePath } from "../core/files";
import { formatRunLog } from "../core/runLog";
import { runOptionsOf } from "../core/settings";
import type { DiagnosticsView } from "./diagnosticsView";
import type { GutterView } from "./gutterView";
import { isModelDocument, type GradLensState } from "./state";
import { interpreterFor, PYTHON_LANGUAGE, showInterpreterProblem } from "./pythonSupport";
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

export const NO_TRAINING_MESSAGE = (name: string): string =>
  `GradLens: no training here — ${name} ran without calling backward() or building an optimizer. Check a file that imports it and trains.`;

/** "12 s of the 30 s limit" */
export function elapsedMessage(elapsedMs: number, limitSeconds: number): string {
  return `${Math.floor(elapsedMs / 1000)} s of the ${limitSeconds} s limit`;
}

/** Unsaved model buffers by absolute path, for the runner to bundle instead of the files on disk. */
function unsavedBuffers(): Map<string, string> {
  const overlay = new Map<string, string>();
  for (const d of vscode.workspace.textDocuments) if (d.isDirty && d.uri.scheme === "file" && isModelDocument(d)) overlay.set(d.uri.fsPath, d.getText());
  return overlay;
}

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
    const clock = new CheckClock();
    if (!vscode.workspace.isTrusted) {
      const choice = await vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, "Manage Workspace Trust");
      if (choice) await vscode.commands.executeCommand("workbench.trust.manage");
      return null;
    }
    const doc = await this.target(uri);
    if (!doc || !isModelDocument(doc) || doc.uri.scheme !== "file") {
      if (!options.quiet) void vscode.window.showWarningMessage("GradLens: open a TypeScript model file or a PyTorch script (one in a folder on disk) to check it.");
      return null;
    }
    const file = doc.uri.fsPath;
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? dirname(file);
    // read now, for this file: a setting changed (or delivered late by VS Code) since activation applies
    const settings = state.settingsFor(doc.uri);
    const context: RunContext = doc.languageId === PYTHON_LANGUAGE ? { python: await interpreterFor(doc.uri, settings.pythonPath) } : {};
    const python = context.python?.command;
    const started = new Date();
    // What the editor shows is what runs: unsaved buffers (this file and any file it imports) are
    // bundled from memory, never saved behind the user's back.
    const overlay = unsavedBuffers();
    state.snapshot(doc);
    status.show({ kind: "running", file });
    const unsaved = overlay.size ? ` (${overlay.size} unsaved ${overlay.size === 1 ? "buffer" : "buffers"})` : "";
    const runsIn = context.python ? ` with ${context.python.command ?? "python3 from PATH"}` : "";
    output.appendLine(`[${started.toISOString()}] checking ${file}${unsaved}${runsIn} …`);
    const limit = settings.timeoutSeconds;

    const outcome = await this.queue.run(normalizePath(file), async (signal) =>
      vscode.window.withProgress(
        {
          // A check on save stays in the status bar; one the user asked for shows a notification with Cancel.
          location: options.quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification,
          title: `GradLens: checking ${baseName(file)}`,
          cancellable: true,
        },
        async (progress, token) => {
          token.onCancellationRequested(() => this.queue.cancel(normalizePath(file)));
          const tick = setInterval(() => progress.report({ message: elapsedMessage(Date.now() - started.getTime(), limit) }), 1000);
          try {
            clock.mark("before the run");
            const onPhase = (phase: string, note?: string) => clock.mark(phase, note);
            return await runCheck(file, { ...runOptionsOf(settings), signal, workerPath: this.deps.workerPath, cwd: folder, overlay, python, onPhase });
          } finally {
            clearInterval(tick);
          }
        },
      ),
    );
    switch (outcome.status) {
      case "done":
        this.show(doc, outcome.value, started, options, context);
        clock.mark("render");
        output.appendLine(`  ${clock.line(baseName(file))}`);
        return outcome.value.error ? null : outcome.value;
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

  private show(doc: vscode.TextDocument, report: Report, started: Date, options: { quiet?: boolean }, context: RunContext): void {
    const { state, diagnostics, gutter, status, output } = this.deps;
    const file = doc.uri.fsPath;
    for (const line of formatRunLog(report, started, context)) output.appendLine(line);
    if (report.error?.kind === "cancelled") {
      status.show({ kind: "cancelled", file });
      return;
    }
    if (report.error?.kind === "missing-import" && doc.languageId === PYTHON_LANGUAGE) {
      // no Python or no torch in it: the message names the interpreter tried and how to pick another
      showInterpreterProblem(runErrorMessage(report.error, context).replace(/\n/g, " "), context.python);
    }
    if (isNotAModel(report.error)) {
      // Not a model file: nothing to check, which is no error of the user's code.
      state.clearReport(file);
      diagnostics.clear(file);
      status.show({ kind: "idle", file });
      if (!options.quiet) void vscode.window.showInformationMessage(`GradLens: ${baseName(file)} does not import "gradlens", so there is nothing to check. Check a model file written against the engine.`);
      return;
    }
    if (report.error) {
      // A failed run shows the failure, at the last line that ran, and nothing derived from the partial run.
      state.clearReport(file);
      diagnostics.show(file, [buildRunErrorDiagnostic(report, state.lookup(), context)!]);
      gutter.refresh();
      status.show({ kind: "failed", file, message: runErrorMessage(report.error, context) });
      return;
    }
    if (report.backwards.length === 0 && report.optimizers.length === 0) {
      state.clearReport(file);
      diagnostics.clear(file);
      gutter.refresh();
      status.show({ kind: "idle", file });
      if (!options.quiet) void vscode.window.showInformationMessage(NO_TRAINING_MESSAGE(baseName(file)));
      return;
    }
    state.setReport(file, report);
    diagnostics.showReport(file, report);
    gutter.refresh();
    status.show({ kind: "done", report, file });
    this.deps.onReport(report);
  }

  cancelAll(): void {
    this.queue.cancelAll();
  }
}
