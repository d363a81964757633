// `gradlens.listParameters`: the parameters a lens counts, in a quick pick; picking one reveals the
// line that created it, and the first row opens the graph at the lens's line.
import * as vscode from "vscode";
import type { WebviewFocus } from "../../protocol/webviewMessages";
import { parameterRows } from "../core/parameterList";
import type { GradLensState } from "./state";

export async function listParameters(state: GradLensState, uri: vscode.Uri, title: string, names: string[], focus?: WebviewFocus): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const view = state.viewOf(doc);
  if (!view) return;
  type Item = vscode.QuickPickItem & { run: () => unknown };
  const graph: Item = { label: "$(type-hierarchy) Show in graph", run: () => vscode.commands.executeCommand("gradlens.showGraph", uri, focus) };
  const rows: Item[] = parameterRows(view.report, names).map((row) => ({
    label: row.label,
    description: row.description,
    detail: row.detail,
    run: () => {
      if (!row.site) return;
      const at = new vscode.Position(Math.max(row.site.line - 1, 0), Math.max(row.site.column - 1, 0));
      return vscode.window.showTextDocument(vscode.Uri.file(row.site.file), { selection: new vscode.Range(at, at) });
    },
  }));
  const picked = await vscode.window.showQuickPick([graph, ...rows], { title: `GradLens: ${title}`, matchOnDescription: true, placeHolder: "Pick a parameter to go to where it is created" });
  await picked?.run();
}
