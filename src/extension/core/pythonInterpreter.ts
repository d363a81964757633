// Which Python a .py check runs in the editor and how it was chosen, and what to tell the user when
// that Python cannot run the check: the editor's ways to pick another, not the CLI's.

export type InterpreterSource = "python-extension" | "setting" | "path";

export interface EditorInterpreter {
  /** The interpreter handed to the runner; undefined: the runner takes python3/python from PATH. */
  command: string | undefined;
  source: InterpreterSource;
  /** A remote window (SSH, container, code-server): VS Code ignores machine settings from User settings there. */
  remote?: boolean;
}

/** The Python extension's interpreter for the file, else the `gradlens.pythonPath` setting, else PATH. */
export function chooseEditorInterpreter(fromPythonExtension: string | undefined, setting: string, remote = false): EditorInterpreter {
  if (fromPythonExtension) return { command: fromPythonExtension, source: "python-extension", remote };
  const path = setting.trim();
  return path === "" ? { command: undefined, source: "path", remote } : { command: path, source: "setting", remote };
}

const HOW_TO_CHOOSE = 'Choose a Python with torch installed: the setting gradlens.pythonPath, or the Python extension\'s "Python: Select Interpreter".';

/** Which Python ran, why that one, and how to choose another. */
export function interpreterAdvice(choice: EditorInterpreter | undefined): string {
  if (choice === undefined) return HOW_TO_CHOOSE;
  switch (choice.source) {
    case "python-extension":
      return `The check ran ${choice.command}, the Python extension's interpreter for this file. Select one with torch installed: "Python: Select Interpreter".`;
    case "setting":
      return `The check ran ${choice.command}, from the setting gradlens.pythonPath. ${HOW_TO_CHOOSE}`;
    case "path": {
      // the trap of a remote window: a machine-overridable setting in User settings is ignored there
      const where = choice.remote ? " (in a remote window VS Code takes it from the Remote or Workspace settings, not from User settings)" : "";
      return `The check ran python3 from PATH: the setting gradlens.pythonPath is empty${where} and the Python extension chose none. ${HOW_TO_CHOOSE}`;
    }
  }
}

/** A button on the "cannot check" notification: a VS Code command and its arguments. */
export interface InterpreterChoiceAction {
  title: string;
  command: string;
  args: unknown[];
}

/** The Python extension's "Python: Select Interpreter". */
export const SELECT_INTERPRETER_COMMAND = "python.setInterpreter";

/**
 * How to pick another Python, fitting how this one was chosen: the Python extension chose it, so its
 * picker (our setting is not consulted then); else our setting gradlens.pythonPath.
 */
export function interpreterChoiceAction(choice: EditorInterpreter | undefined): InterpreterChoiceAction {
  if (choice?.source === "python-extension") return { title: "Select Interpreter", command: SELECT_INTERPRETER_COMMAND, args: [] };
  return { title: "Open Settings", command: "workbench.action.openSettings", args: ["gradlens.pythonPath"] };
}

/** The runner's fact without its command-line advice ("no torch in /usr/bin/python3"). */
export function interpreterProblem(runnerMessage: string): string {
  return runnerMessage.replace(/(?::\s*tried [^;]*)?;\s*choose an interpreter[\s\S]*$/, "").trim();
}
