// `gradlens.openFindingDocs`: a finding code's section of the bundled docs/findings.md in VS Code's
// Markdown preview (the preview scrolls to the fragment). Without the built-in Markdown extension,
// the file itself at the section's heading.
import * as vscode from "vscode";
import { findingDocsFragment } from "../core/findingDocs";

export async function openFindingDocs(extensionUri: vscode.Uri, code: unknown): Promise<void> {
  const docs = vscode.Uri.joinPath(extensionUri, "docs", "findings.md");
  const fragment = typeof code === "string" ? findingDocsFragment(code) : null;
  const target = fragment ? docs.with({ fragment }) : docs;
  try {
    await vscode.commands.executeCommand("markdown.showPreview", target);
  } catch {
    const doc = await vscode.workspace.openTextDocument(docs);
    const heading = typeof code === "string" ? doc.getText().split(/\r?\n/).findIndex((l) => l.startsWith(`## ${code.toUpperCase()} `)) : -1;
    const at = new vscode.Position(Math.max(heading, 0), 0);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, at), preview: true });
  }
}
