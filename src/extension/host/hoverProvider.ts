// Hover on parameter, module and optimizer lines (see core/hover.ts), with links that open a
// cause's line and a command link that shows the line in the graph.
import * as vscode from "vscode";
import { buildHover, type HoverLinks } from "../core/hover";
import type { GradLensState } from "./state";

export class GradLensHoverProvider implements vscode.HoverProvider {
  constructor(private readonly state: GradLensState) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | null {
    const view = this.state.viewOf(doc);
    if (!view) return null;
    const line = doc.lineAt(position.line);
    const links: HoverLinks = {
      location: (file, at) => vscode.Uri.file(file).with({ fragment: `L${at}` }).toString(),
      graph: (at) => {
        // The graph knows the lines the run saw, and the checked file (a module file's report is its importer's).
        const original = view.lines.toOriginal(at);
        if (original === null) return null;
        const args = [view.report.file, { line: original, file: doc.uri.fsPath }];
        return `command:gradlens.showGraph?${encodeURIComponent(JSON.stringify(args))}`;
      },
    };
    const md = buildHover(view.report, doc.uri.fsPath, position.line + 1, line.text, links);
    if (!md) return null;
    const content = new vscode.MarkdownString(md);
    content.isTrusted = { enabledCommands: ["gradlens.showGraph"] };
    return new vscode.Hover(content, line.range);
  }
}
