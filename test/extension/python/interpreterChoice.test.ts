// The .py "cannot check" notification offers the way to pick another Python that fits how the one
// that ran was chosen: the Python extension's picker when it chose it (gradlens.pythonPath is not
// consulted then), else our setting.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { chooseEditorInterpreter, interpreterAdvice, interpreterChoiceAction } from "../../../src/extension/core/pythonInterpreter";
import { SETTING_KEYS } from "../../../src/extension/core/settings";

const manifest = JSON.parse(readFileSync("package.json", "utf8")) as { contributes: { configuration: { properties: Record<string, unknown> } } };

describe("the button on a Python that cannot run the check", () => {
  it("the Python extension chose the interpreter: its \"Python: Select Interpreter\", not our setting", () => {
    const choice = chooseEditorInterpreter("/home/u/.venv/bin/python", "/usr/bin/python3");
    expect(interpreterChoiceAction(choice)).toEqual({ title: "Select Interpreter", command: "python.setInterpreter", args: [] });
    // the message names the same command the button runs
    expect(interpreterAdvice(choice)).toContain('"Python: Select Interpreter"');
  });

  it("our setting chose it, or nothing did (PATH): Open Settings at gradlens.pythonPath", () => {
    const open = { title: "Open Settings", command: "workbench.action.openSettings", args: ["gradlens.pythonPath"] };
    expect(interpreterChoiceAction(chooseEditorInterpreter(undefined, "/opt/py/bin/python"))).toEqual(open);
    expect(interpreterChoiceAction(chooseEditorInterpreter(undefined, ""))).toEqual(open);
    expect(interpreterChoiceAction(chooseEditorInterpreter(undefined, "", true))).toEqual(open);
    expect(interpreterChoiceAction(undefined)).toEqual(open);
    // the setting it opens is the one the extension contributes
    expect(manifest.contributes.configuration.properties).toHaveProperty([`gradlens.${SETTING_KEYS.pythonPath}`]);
  });
});
