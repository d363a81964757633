import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  isNotAModel,
  runErrorMessage,
  buildFindingDiagnostics,
  buildRunErrorDiagnostic,
  rangeAt,
  runnerFailureDiagnostic,
} from "../../src/extension/core/diagnostics";
import { chooseEditorInterpreter } from "../../src/extension/core/pythonInterpreter";
import type { Report } from "../../src/protocol/report";
import { runCheck } from "../../src/runner/check";
import { howToChoose, type InterpreterChoice } from "../../src/runner/python/interpreter";
import { BUGGY_FILE, buggyGanReport, fixtureSource, goodGanReport } from "../fixtures/extension/ganReports";
import { lookupFor } from "./helpers";

const lookup = lookupFor({ [BUGGY_FILE]: fixtureSource("gan-buggy") });

describe("finding diagnostics", () => {
  it("buggy GAN: an error on optG.step() (line 39) with code GL006, docs anchor and related sites", () => {
    const [first, second] = buildFindingDiagnostics(buggyGanReport(), ["error", "warning", "info"], lookup);
    expect(first).toEqual({
      file: BUGGY_FILE,
      range: { line: 39, column: 3, endLine: 39, endColumn: 14 },
      severity: "error",
      message: expect.stringContaining("G is updated with D's loss too"),
      code: "GL006",
      docsTarget: `command:gradlens.openFindingDocs?${encodeURIComponent('["GL006"]')}`,
      related: [
        { file: BUGGY_FILE, line: 34, column: 9, message: "lossD.backward() left gradient in G here" },
        { file: BUGGY_FILE, line: 35, column: 8, message: "optD.step(): the step this backward() was meant for" },
      ],
    });
    // GL011 sits on `G.forward(...)`, not a scanned site: from its column to the end of the line.
    expect(second).toMatchObject({ severity: "info", code: "GL011", range: { line: 28, column: 16, endLine: 28, endColumn: 41 } });
  });

  it("keeps only the chosen severities; a good run has none", () => {
    expect(buildFindingDiagnostics(buggyGanReport(), ["error"], lookup).map((d) => d.code)).toEqual(["GL006"]);
    expect(buildFindingDiagnostics(buggyGanReport(), [], lookup)).toEqual([]);
    expect(buildFindingDiagnostics(goodGanReport(), ["error", "warning", "info"])).toEqual([]);
  });

  it("ranges: from the first non-blank character, and a fallback without text", () => {
    expect(rangeAt(BUGGY_FILE, 27, 1, lookup)).toEqual({ line: 27, column: 3, endLine: 27, endColumn: 37 });
    expect(rangeAt("/elsewhere.ts", 5, 7, lookup)).toEqual({ line: 5, column: 7, endLine: 5, endColumn: 8 });
  });
});

describe("run failures", () => {
  const failed = (error: Report["error"]): Report => ({ ...buggyGanReport(), findings: [], error });

  it("an exception becomes one error diagnostic at its line, with the runner's words", () => {
    const d = buildRunErrorDiagnostic(
      failed({ file: BUGGY_FILE, line: 31, column: 17, kind: "exception", message: "RuntimeError: mat1 and mat2 shapes cannot be multiplied (8x3 and 2x16)" }),
      lookup,
    );
    expect(d).toMatchObject({ file: BUGGY_FILE, severity: "error", code: "run-exception", range: { line: 31, column: 17 } });
    expect(d!.message).toBe(
      "GradLens could not finish the check: the model threw an exception: RuntimeError: mat1 and mat2 shapes cannot be multiplied (8x3 and 2x16)",
    );
  });

  it("a timeout says which setting to change; a missing line falls back to line 1", () => {
    const d = buildRunErrorDiagnostic(failed({ file: "", line: 0, column: 0, kind: "timeout", message: "no result after 30 s" }), lookup);
    expect(d).toMatchObject({ file: BUGGY_FILE, range: { line: 1, column: 1 } });
    expect(d!.message).toContain("gradlens.timeoutSeconds");
  });

  it("a cancelled or successful run makes no diagnostic; a runner crash does", () => {
    expect(buildRunErrorDiagnostic(failed({ file: BUGGY_FILE, line: 3, column: 1, kind: "cancelled", message: "" }))).toBeNull();
    expect(buildRunErrorDiagnostic(buggyGanReport())).toBeNull();
    expect(runnerFailureDiagnostic(BUGGY_FILE, new Error("worker exited with code 1"))).toMatchObject({
      range: { line: 1, column: 1 },
      message: "GradLens could not run the check: worker exited with code 1",
    });
  });
});

describe("a file that is not a model", () => {
  it("the runner's missing-import for a file without the engine is recognised (an information, not an error)", () => {
    expect(isNotAModel({ kind: "missing-import", message: 'the file does not import "gradlens": GradLens checks model code written against its engine' })).toBe(true);
    expect(isNotAModel({ kind: "missing-import", message: '"gradlens" has no export named "tensr"' })).toBe(false);
    expect(isNotAModel({ kind: "syntax", message: 'the file does not import "gradlens"' })).toBe(false);
  });
  it("timeout and memory advice fits an endless loop too, not only a limit to raise", () => {
    const timeout = runErrorMessage({ kind: "timeout", message: "no result after 5 s" });
    expect(timeout).toContain("The line shown is the last one that ran. If a loop there never ends, fix it");
    expect(runErrorMessage({ kind: "memory", message: "over 256 MB" })).toContain("a loop that keeps allocating");
  });
});

describe("a .py check whose Python cannot run it", () => {
  // the runner's own words, as runPython.ts writes them for a Python without torch
  const noTorch = (command: string, choice: InterpreterChoice) => `no torch in ${command}: ${howToChoose(choice)}`;
  const pyenv = "/root/.pyenv/shims/python3";

  it("python3 from PATH: says so, that gradlens.pythonPath is empty, and how to choose another — no TypeScript advice", () => {
    const error = { kind: "missing-import" as const, message: noTorch(pyenv, { command: pyenv, source: "PATH" }), file: "gan.py" };
    expect(runErrorMessage(error, { python: chooseEditorInterpreter(undefined, "") })).toBe(
      `GradLens could not finish the check: the Python it ran cannot check the script: no torch in ${pyenv}\n` +
        "The check ran python3 from PATH: the setting gradlens.pythonPath is empty and the Python extension chose none. " +
        'Choose a Python with torch installed: the setting gradlens.pythonPath, or the Python extension\'s "Python: Select Interpreter".',
    );
  });

  it("in a remote window the empty setting is explained: User settings do not apply there", () => {
    const error = { kind: "missing-import" as const, message: noTorch(pyenv, { command: pyenv, source: "PATH" }), file: "gan.py" };
    expect(runErrorMessage(error, { python: chooseEditorInterpreter(undefined, "  ", true) }).split("\n")[1]).toBe(
      "The check ran python3 from PATH: the setting gradlens.pythonPath is empty (in a remote window VS Code takes it from the Remote or Workspace settings, not from User settings) " +
        'and the Python extension chose none. Choose a Python with torch installed: the setting gradlens.pythonPath, or the Python extension\'s "Python: Select Interpreter".',
    );
  });

  it("the setting's interpreter, and the Python extension's, are named with where they came from", () => {
    const venv = "/home/u/venv/bin/python";
    const error = { kind: "missing-import" as const, message: noTorch(venv, { command: venv, source: "option" }), file: "train.py" };
    expect(runErrorMessage(error, { python: chooseEditorInterpreter(undefined, venv) })).toBe(
      `GradLens could not finish the check: the Python it ran cannot check the script: no torch in ${venv}\n` +
        `The check ran ${venv}, from the setting gradlens.pythonPath. ` +
        'Choose a Python with torch installed: the setting gradlens.pythonPath, or the Python extension\'s "Python: Select Interpreter".',
    );
    expect(runErrorMessage(error, { python: chooseEditorInterpreter(venv, "/usr/bin/python3") }).split("\n")[1]).toBe(
      `The check ran ${venv}, the Python extension's interpreter for this file. Select one with torch installed: "Python: Select Interpreter".`,
    );
  });

  it("a missing interpreter, as the runner reports it, on the diagnostic at the script's first line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradlens-diag-py-"));
    try {
      const script = join(dir, "train.py");
      writeFileSync(script, "import torch\n");
      const missing = join(dir, "no-such-python");
      const report = await runCheck(script, { python: missing, cwd: dir });
      const diagnostic = buildRunErrorDiagnostic(report, {}, { python: chooseEditorInterpreter(undefined, missing) });
      expect(diagnostic).toMatchObject({ code: "run-missing-import", range: { line: 1 } });
      expect(diagnostic!.message).toBe(
        `GradLens could not finish the check: the Python it ran cannot check the script: no Python at "${missing}"\n` +
          `The check ran ${missing}, from the setting gradlens.pythonPath. ` +
          'Choose a Python with torch installed: the setting gradlens.pythonPath, or the Python extension\'s "Python: Select Interpreter".',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a .ts file's unresolved import keeps the engine's advice", () => {
    expect(runErrorMessage({ kind: "missing-import", message: 'Could not resolve "./layers"', file: "model.ts" })).toBe(
      'GradLens could not finish the check: an import could not be resolved: Could not resolve "./layers"\n' +
        'Model files import the engine as "gradlens"; other imports must resolve from the file.',
    );
  });
});
