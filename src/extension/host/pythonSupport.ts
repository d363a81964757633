// PyTorch scripts in the editor: the Python grammar for the static scan (shipped next to the
// bundle), and the interpreter a check runs with — the Python extension's selected interpreter
// when that extension is installed, else the `gradlens.pythonPath` setting, else PATH.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as vscode from "vscode";
import { PythonExtension } from "@vscode/python-extension";
import { loadPythonGrammar } from "../../static/python";
import { chooseEditorInterpreter, interpreterChoiceAction, type EditorInterpreter } from "../core/pythonInterpreter";

export const PYTHON_LANGUAGE = "python";

/** A .py file that imports torch is a model file (as a .ts file that imports gradlens). */
export function importsTorch(text: string): boolean {
  return /^\s*(?:import\s+torch\b|from\s+torch\b)/m.test(text);
}

/** Loads the grammar from dist/ (the .vsix), or node_modules when running from the repository. */
export function loadGrammar(extensionPath: string): Promise<unknown> {
  const find = (file: string, npmPath: string) => {
    const shipped = join(extensionPath, "dist", file);
    return readFileSync(existsSync(shipped) ? shipped : join(extensionPath, "node_modules", npmPath));
  };
  return loadPythonGrammar(() => ({
    runtime: find("tree-sitter.wasm", "web-tree-sitter/tree-sitter.wasm"),
    python: find("tree-sitter-python.wasm", "tree-sitter-python/tree-sitter-python.wasm"),
  }));
}

/** The Python cannot run the check: say so, with the one button that picks another the way this one was chosen. */
export function showInterpreterProblem(message: string, choice: EditorInterpreter | undefined): void {
  const action = interpreterChoiceAction(choice);
  void vscode.window.showErrorMessage(message, action.title).then((picked) => {
    if (picked === action.title) void vscode.commands.executeCommand(action.command, ...action.args);
  });
}

/** The interpreter for a check of `uri` and how it was chosen (`command` undefined: the runner takes python3/python from PATH). */
export async function interpreterFor(uri: vscode.Uri, settingPath: string): Promise<EditorInterpreter> {
  const remote = vscode.env.remoteName !== undefined;
  if (vscode.extensions.getExtension("ms-python.python") !== undefined) {
    try {
      const api = await PythonExtension.api();
      const active = api.environments.getActiveEnvironmentPath(uri);
      const resolved = await api.environments.resolveEnvironment(active);
      const executable = resolved?.executable.uri?.fsPath ?? active.path;
      if (executable) return chooseEditorInterpreter(executable, settingPath, remote);
    } catch {
      // the Python extension failed to answer: fall back to the setting
    }
  }
  return chooseEditorInterpreter(undefined, settingPath, remote);
}
