// The check reads its settings when it runs, for the checked file: not a copy taken at activation and
// kept up to date by change events, and with the file's folder as scope (a folder's own pythonPath in a
// multi-root workspace). When the setting is empty the error says which Python ran and how to choose
// another. A stand-in for the `vscode` module and the runner keeps this test to the host code.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Report } from "../../src/protocol/report";
import { buggyGanReport } from "../fixtures/extension/ganReports";

/** Settings by key, as getConfiguration("gradlens", scope) answers: a folder's value wins for files in it. */
const config = vi.hoisted(() => ({ window: new Map<string, unknown>(), folder: new Map<string, unknown>(), scopes: [] as unknown[] }));
const runs = vi.hoisted(() => [] as Array<{ file: string; options: Record<string, unknown> }>);
const errors = vi.hoisted(() => [] as string[]);

vi.mock("vscode", () => {
  class Uri {
    constructor(readonly fsPath: string, readonly scheme = "file") {}
    static file(path: string) {
      return new Uri(path);
    }
    toString() {
      return `file://${this.fsPath}`;
    }
  }
  class EventEmitter {
    event = () => ({ dispose() {} });
    fire() {}
    dispose() {}
  }
  return {
    Uri,
    EventEmitter,
    ProgressLocation: { Window: 10, Notification: 15 },
    env: { remoteName: undefined },
    extensions: { getExtension: () => undefined },
    commands: { executeCommand: async () => undefined },
    workspace: {
      isTrusted: true,
      textDocuments: [],
      getWorkspaceFolder: () => ({ uri: Uri.file("/ws") }),
      openTextDocument: async () => undefined,
      getConfiguration: (section: string, scope?: { fsPath: string }) => {
        config.scopes.push(scope);
        return {
          get: (key: string) => (scope?.fsPath.startsWith("/ws/sub/") && config.folder.has(key) ? config.folder.get(key) : config.window.get(key)),
        };
      },
    },
    window: {
      activeTextEditor: undefined,
      withProgress: (_options: unknown, task: (p: unknown, t: unknown) => unknown) =>
        task({ report() {} }, { onCancellationRequested() {} }),
      showErrorMessage: async (message: string) => void errors.push(message),
      showWarningMessage: async () => undefined,
      showInformationMessage: async () => undefined,
    },
  };
});

// its CommonJS main requires "vscode" itself; the Python extension is not installed here anyway
vi.mock("@vscode/python-extension", () => ({ PythonExtension: { api: async () => { throw new Error("not installed"); } } }));

vi.mock("../../src/runner/check", () => ({
  runCheck: async (file: string, options: Record<string, unknown>): Promise<Report> => {
    runs.push({ file, options });
    return options.python === "/usr/bin/python3" || options.python === "/opt/venv/bin/python"
      ? { ...buggyGanReport(), file }
      : {
          ...buggyGanReport(),
          file,
          findings: [],
          error: { kind: "missing-import", message: `no torch in /root/.pyenv/shims/python3: tried /root/.pyenv/shims/python3 (found on PATH); choose an interpreter with torch installed: --python PATH`, file, line: 1, column: 1 },
        };
  },
}));

const { CheckCommand } = await import("../../src/extension/host/checkCommand");
const { GradLensState } = await import("../../src/extension/host/state");
const vscode = await import("vscode");

function pyDocument(path: string) {
  return { uri: vscode.Uri.file(path), languageId: "python", isDirty: false, version: 1, getText: () => "import torch\n", lineCount: 1 };
}

function command() {
  const state = new GradLensState();
  const noop = () => undefined;
  const check = new CheckCommand({
    state,
    diagnostics: { show: noop, showReport: noop, clear: noop },
    gutter: { refresh: noop },
    status: { show: noop },
    output: { appendLine: noop },
    workerPath: "/dist/worker.js",
    onReport: noop,
  } as unknown as ConstructorParameters<typeof CheckCommand>[0]);
  (vscode.workspace as { openTextDocument: unknown }).openTextDocument = async (uri: { fsPath: string }) => pyDocument(uri.fsPath);
  return { state, check };
}

beforeEach(() => {
  config.window.clear();
  config.folder.clear();
  config.scopes.length = 0;
  runs.length = 0;
  errors.length = 0;
});

describe("the check's settings", () => {
  it("a pythonPath that arrives after activation, with no change event, is the one the check runs", async () => {
    const { check } = command(); // activation: the setting is not there yet
    config.window.set("pythonPath", "/usr/bin/python3");
    config.window.set("timeoutSeconds", 120);
    await check.run(vscode.Uri.file("/ws/gan.py"));
    expect(runs).toHaveLength(1);
    expect(runs[0].options).toMatchObject({ python: "/usr/bin/python3", timeoutMs: 120_000 });
    expect(errors).toEqual([]);
  });

  it("a folder's own pythonPath applies to the files in that folder (the setting is read for the checked file)", async () => {
    const { check } = command();
    config.window.set("pythonPath", "/usr/bin/python3");
    config.folder.set("pythonPath", "/opt/venv/bin/python");
    await check.run(vscode.Uri.file("/ws/sub/train.py"));
    await check.run(vscode.Uri.file("/ws/gan.py"));
    expect(runs.map((r) => r.options.python)).toEqual(["/opt/venv/bin/python", "/usr/bin/python3"]);
  });

  it("no setting: the runner takes PATH's python3, and the error says so and how to choose another", async () => {
    const { check } = command();
    await check.run(vscode.Uri.file("/ws/gan.py"));
    expect(runs[0].options.python).toBeUndefined();
    expect(errors).toEqual([
      "GradLens could not finish the check: the Python it ran cannot check the script: no torch in /root/.pyenv/shims/python3 " +
        "The check ran python3 from PATH: the setting gradlens.pythonPath is empty and the Python extension chose none. " +
        'Choose a Python with torch installed: the setting gradlens.pythonPath, or the Python extension\'s "Python: Select Interpreter".',
    ]);
  });

  it("the views read the settings as they are now, too", () => {
    const { state } = command();
    expect(state.settings.codeLensEnabled).toBe(true);
    config.window.set("codeLens.enabled", false);
    expect(state.settings.codeLensEnabled).toBe(false);
  });
});
