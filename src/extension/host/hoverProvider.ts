// Hover on parameter and module definition lines (see core/hover.ts).
import * as vscode from "vscode";
import { buildHover } from "../core/hover";
import type { GradLensState } from "./state";

export class GradLensHoverProvider implements vscode.HoverProvider {
  constructor(private readonly state: GradLensState) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | null {
    const report = this.state.reportTouching(doc);
    if (!report) return null;
    const line = doc.lineAt(position.line);
    const md = buildHover(report, doc.uri.fsPath, position.line + 1, line.text);
    return md ? new vscode.Hover(new vscode.MarkdownString(md), line.range) : null;
  }
}
