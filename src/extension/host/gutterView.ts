// Gutter icons (plus an overview-ruler mark) on parameter definitions and cut sites, coloured by
// status; light and dark icon variants and theme colours (contributes.colors) keep them theme-aware.
import * as vscode from "vscode";
import { buildHover } from "../core/hover";
import { buildGutterMarks, GUTTER_STATUSES, type GutterStatus } from "../core/gutter";
import type { GradLensState } from "./state";

const COLOR_ID: Record<GutterStatus, string> = {
  updated: "gradlens.updatedForeground",
  "grad-not-applied": "gradlens.gradNotAppliedForeground",
  frozen: "gradlens.frozenForeground",
  cut: "gradlens.cutForeground",
  unused: "gradlens.unusedForeground",
};

export class GutterView implements vscode.Disposable {
  private readonly types: Map<GutterStatus, vscode.TextEditorDecorationType>;

  constructor(
    private readonly state: GradLensState,
    extensionUri: vscode.Uri,
  ) {
    const icon = (status: GutterStatus, theme: "light" | "dark") => vscode.Uri.joinPath(extensionUri, "media", "icons", `${status}-${theme}.svg`);
    this.types = new Map(
      GUTTER_STATUSES.map((status) => [
        status,
        vscode.window.createTextEditorDecorationType({
          light: { gutterIconPath: icon(status, "light") },
          dark: { gutterIconPath: icon(status, "dark") },
          gutterIconSize: "contain",
          overviewRulerColor: new vscode.ThemeColor(COLOR_ID[status]),
          overviewRulerLane: vscode.OverviewRulerLane.Left,
          isWholeLine: true,
        }),
      ]),
    );
  }

  refresh(editors: readonly vscode.TextEditor[] = vscode.window.visibleTextEditors): void {
    for (const editor of editors) {
      const report = this.state.settings.gutterIconsEnabled ? this.state.reportTouching(editor.document) : null;
      const marks = report ? buildGutterMarks(report, editor.document.uri.fsPath) : [];
      for (const status of GUTTER_STATUSES) {
        const options = marks
          .filter((m) => m.status === status && m.line <= editor.document.lineCount)
          .map((m) => {
            const range = new vscode.Range(m.line - 1, 0, m.line - 1, 0);
            // One GradLens section per hover: where the hover provider speaks, the mark adds nothing.
            const spoken = buildHover(report!, editor.document.uri.fsPath, m.line, editor.document.lineAt(m.line - 1).text) !== null;
            return spoken ? { range } : { range, hoverMessage: new vscode.MarkdownString(m.hover) };
          });
        editor.setDecorations(this.types.get(status)!, options);
      }
    }
  }

  dispose(): void {
    for (const t of this.types.values()) t.dispose();
  }
}
