// Which Python runs a .py check: the one the user named (--python, the editor's choice), else
// GRADLENS_PYTHON, else python3 or python on PATH — as `python train.py` in a shell would pick.

import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

export interface InterpreterChoice {
  /** the command or path to spawn */
  command: string;
  /** how it was chosen, for messages ("--python", "GRADLENS_PYTHON", "PATH") */
  source: "option" | "GRADLENS_PYTHON" | "PATH";
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first of `names` found on PATH, as an absolute path, or null. */
export function findOnPath(names: readonly string[], env: NodeJS.ProcessEnv = process.env): string | null {
  const dirs = (env.PATH ?? "").split(delimiter).filter((d) => d !== "");
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

/** The interpreter to use, or null when none is given and neither python3 nor python is on PATH. */
export function chooseInterpreter(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): InterpreterChoice | null {
  if (explicit !== undefined && explicit !== "") return { command: explicit, source: "option" };
  const fromEnv = env.GRADLENS_PYTHON;
  if (fromEnv !== undefined && fromEnv !== "") return { command: fromEnv, source: "GRADLENS_PYTHON" };
  const found = findOnPath(process.platform === "win32" ? ["python.exe", "python3.exe"] : ["python3", "python"], env);
  return found === null ? null : { command: found, source: "PATH" };
}

/** What to tell a user whose interpreter is missing or has no torch: the one tried and how to pick another. */
export function howToChoose(choice: InterpreterChoice | null): string {
  const tried = choice === null ? "no python3 or python on PATH" : `${describe(choice)}`;
  return `${tried}; choose an interpreter with torch installed: --python PATH, the GRADLENS_PYTHON environment variable, or (in VS Code) the Python extension's interpreter or the gradlens.pythonPath setting`;
}

function describe(choice: InterpreterChoice): string {
  const how = choice.source === "option" ? "given" : choice.source === "GRADLENS_PYTHON" ? "from GRADLENS_PYTHON" : "found on PATH";
  return `tried ${isAbsolute(choice.command) ? choice.command : `"${choice.command}"`} (${how})`;
}
