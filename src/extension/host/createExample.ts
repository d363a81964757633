// "GradLens: Create example model": writes gradlens-example/{gan.ts, tsconfig.json, types/gradlens/…}
// into the workspace (see core/exampleModel.ts for why the types are copied) and opens the model.
import * as vscode from "vscode";
import { EXAMPLE_MODEL, EXAMPLE_SOURCE, EXAMPLE_TYPES_DIR, exampleFolderName, exampleTsconfig } from "../core/exampleModel";

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

export async function createExample(extensionUri: vscode.Uri, output: vscode.OutputChannel): Promise<vscode.Uri | null> {
  let root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!root) {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: "Create the GradLens example here" });
    root = picked?.[0];
    if (!root) return null;
  }
  const taken = new Set((await vscode.workspace.fs.readDirectory(root)).map(([n]) => n));
  const folderName = exampleFolderName((n) => taken.has(n));
  const folder = vscode.Uri.joinPath(root, folderName);
  const write = (rel: string, text: string) => vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, rel), Buffer.from(text, "utf8"));
  await write(EXAMPLE_MODEL, EXAMPLE_SOURCE);
  await write("tsconfig.json", exampleTsconfig());
  const types = vscode.Uri.joinPath(extensionUri, "dist", "types", "gradlens");
  if (await exists(types)) {
    await vscode.workspace.fs.copy(types, vscode.Uri.joinPath(folder, EXAMPLE_TYPES_DIR), { overwrite: true });
  } else {
    output.appendLine(`No engine declarations at ${types.fsPath} (build with npm run package); "gradlens" imports will not resolve in the editor.`);
  }
  const model = vscode.Uri.joinPath(folder, EXAMPLE_MODEL);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(model));
  return model;
}
