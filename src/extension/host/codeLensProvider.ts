// CodeLens above cut sites, optimizers and backward() calls (see core/lenses.ts for the titles).
import * as vscode from "vscode";
import { buildLenses } from "../core/lenses";
import { toRange } from "./convert";
import type { GradLensState } from "./state";

export class GradLensCodeLensProvider implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly state: GradLensState) {
    this.onDidChangeCodeLenses = state.onDidChange;
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.state.settings.codeLensEnabled || !this.state.isModelFile(doc)) return [];
    const view = this.state.viewOf(doc);
    const report = view?.report ?? null;
    const edited = view?.lines.edited ?? new Set<number>();
    // A module file checked through its training file gets that run's facts on its own cut sites.
    return buildLenses(this.state.scanOf(doc), report, doc.uri.fsPath, edited, view?.via ?? false).map((spec) => {
      // The graph knows the lines the run saw.
      const focusLine = view?.lines.toOriginal(spec.focusLine) ?? spec.focusLine;
      const range = toRange({ line: spec.line, column: spec.column, endLine: spec.line, endColumn: spec.line === spec.endLine ? spec.endColumn : spec.column + 1 });
      const focus = { line: focusLine, file: view?.via ? doc.uri.fsPath : report?.file };
      const command: vscode.Command =
        spec.command === "check" || edited.has(spec.line)
          ? { title: spec.title, tooltip: spec.tooltip, command: "gradlens.check", arguments: [doc.uri] }
          : spec.parameters
            ? { title: spec.title, tooltip: spec.tooltip, command: "gradlens.listParameters", arguments: [doc.uri, spec.title, spec.parameters, focus] }
            : { title: spec.title, tooltip: spec.tooltip, command: "gradlens.showGraph", arguments: [doc.uri, focus] };
      return new vscode.CodeLens(range, command);
    });
  }
}
