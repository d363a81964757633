// GradLens extension entry: wires the vscode-free builders (core/) to VS Code (host/).
// Activation: TypeScript/JavaScript files and the contributed commands only (package.json).
import { join } from "node:path";
import * as vscode from "vscode";
import type { WebviewFocus } from "../protocol/webviewMessages";
import { isWebviewFocus } from "../protocol/webviewMessages";
import { CheckCommand } from "./host/checkCommand";
import { GradLensCodeActions } from "./host/codeActions";
import { GradLensCodeLensProvider } from "./host/codeLensProvider";
import { createExample } from "./host/createExample";
import { DiagnosticsView } from "./host/diagnosticsView";
import { stop as stopEsbuild } from "./host/esbuildShim";
import { GraphPanel } from "./host/graphPanel";
import { GutterView } from "./host/gutterView";
import { GradLensHoverProvider } from "./host/hoverProvider";
import { openFindingDocs } from "./host/findingDocs";
import { listParameters } from "./host/parameterPick";
import { SideView } from "./host/sideView";
import { GradLensState, MODEL_LANGUAGES } from "./host/state";
import { StatusBarView } from "./host/statusBarView";
import { warmUpCheck } from "./host/warmUp";
import { loadGrammar, PYTHON_LANGUAGE } from "./host/pythonSupport";

let check: CheckCommand | null = null;

/** Set by the bundle's banner (buildExtension.mjs): when the host started to evaluate dist/extension.js. */
declare const __glLoadStart: number | undefined;
/** this module's body runs after every module it imports: the bundle's load ends here */
const loadedAt = Date.now();

export function activate(context: vscode.ExtensionContext): void {
  const activated = performance.now();
  const state = new GradLensState();
  const output = vscode.window.createOutputChannel("GradLens");
  const workerPath = join(context.extensionPath, "dist", "worker.js");
  // where a first check's time goes starts here: how late the host activated us (see checkTiming.ts)
  const loadMs = typeof __glLoadStart === "number" ? `, loading its code took ${loadedAt - __glLoadStart} ms` : "";
  output.appendLine(`[${new Date().toISOString()}] GradLens activated, ${Math.round(process.uptime() * 1000)} ms after the extension host started${loadMs}`);
  // first: the processes it starts overlap with the static scan's first use (the views below),
  // which loads TypeScript's compiler on the host's thread (seconds under load)
  warmUp(state, workerPath, output);
  const diagnostics = new DiagnosticsView(state);
  const gutter = new GutterView(state, context.extensionUri);
  const status = new StatusBarView(state);
  const graph = new GraphPanel(context.extensionUri, (doc) => state.viewOf(doc)?.raw ?? null);
  check = new CheckCommand({
    state, diagnostics, gutter, status, output,
    workerPath,
    onReport: (report) => graph.update(report),
  });
  const runner = check;
  const selector: vscode.DocumentSelector = MODEL_LANGUAGES.map((language) => ({ language }));

  // From a lens or the status bar a Uri; from a hover's command link a path (JSON arguments).
  const showGraph = async (target?: vscode.Uri | string, focus?: WebviewFocus) => {
    const uri = typeof target === "string" ? vscode.Uri.file(target) : target;
    const doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    let report = doc ? (state.viewOf(doc)?.raw ?? null) : state.lastReport;
    // No report yet: check first (the check explains itself when it cannot run).
    if (!report && doc) report = await runner.run(doc.uri);
    if (!report) {
      if (!doc) void vscode.window.showInformationMessage("GradLens: run the gradient-flow check on a model file first.");
      return;
    }
    graph.show(report, isWebviewFocus(focus) ? focus : undefined);
  };

  context.subscriptions.push(
    state, output, diagnostics, gutter, status, graph,
    new SideView(state),
    vscode.commands.registerCommand("gradlens.check", (uri?: vscode.Uri) => runner.run(uri)),
    vscode.commands.registerCommand("gradlens.showGraph", showGraph),
    vscode.commands.registerCommand("gradlens.listParameters", (uri: vscode.Uri, title: string, names: string[], focus?: WebviewFocus) =>
      listParameters(state, uri, title, names, focus)),
    vscode.commands.registerCommand("gradlens.openFindingDocs", (code: unknown) => openFindingDocs(context.extensionUri, code)),
    vscode.commands.registerCommand("gradlens.createExample", () => createExample(context.extensionUri, output)),
    vscode.languages.registerCodeLensProvider(selector, new GradLensCodeLensProvider(state)),
    vscode.languages.registerHoverProvider(selector, new GradLensHoverProvider(state)),
    vscode.languages.registerCodeActionsProvider(selector, new GradLensCodeActions(state), { providedCodeActionKinds: GradLensCodeActions.kinds }),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (state.settings.runOnSave === "onSave" && vscode.workspace.isTrusted && state.isModelFile(doc)) void runner.run(doc.uri, { quiet: true });
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      diagnostics.closed(doc);
      state.forget(doc);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration("gradlens")) return;
      state.reloadSettings();
      gutter.refresh();
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      // Marks follow their lines through edits (the report is mapped to the current text).
      if (e.contentChanges.length) gutter.refresh(vscode.window.visibleTextEditors.filter((ed) => ed.document === e.document));
    }),
    vscode.window.onDidChangeVisibleTextEditors((editors) => gutter.refresh(editors)),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      status.refresh(editor);
      updateContext(state, editor);
      warmUp(state, workerPath, output);
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => warmUp(state, workerPath, output)),
    { dispose: () => check?.cancelAll() },
  );
  gutter.refresh();
  updateContext(state, vscode.window.activeTextEditor);
  output.appendLine(`  activation took ${Math.round(performance.now() - activated)} ms`);
  loadGrammar(context.extensionPath).then(
    () => state.grammarLoaded(),
    (e: unknown) => output.appendLine(`GradLens: the Python grammar did not load, .py files get no static CodeLens: ${String(e)}`),
  );
}

/** `gradlens.isModelFile`: the title-bar button shows only on files that use the engine. */
function updateContext(state: GradLensState, editor: vscode.TextEditor | undefined): void {
  const isModel = editor !== undefined && state.isModelFile(editor.document);
  void vscode.commands.executeCommand("setContext", "gradlens.isModelFile", isModel);
}

/**
 * In a trusted workspace with a TypeScript/JavaScript model file open, start what its first check
 * needs in the background: the bundler's service and the check's child process (see runner/warmUp.ts).
 */
let warmedUp = false;

/** A model file, or one that names "gradlens": a text test that does not wait for the static scan (TypeScript's compiler loads at its first use). */
function mayImportGradlens(state: GradLensState, doc: vscode.TextDocument): boolean {
  return /["']gradlens["']/.test(doc.getText()) || state.isModelFile(doc);
}

function warmUp(state: GradLensState, workerPath: string, output: vscode.OutputChannel): void {
  const doc = vscode.window.activeTextEditor?.document;
  if (!vscode.workspace.isTrusted || !doc || doc.languageId === PYTHON_LANGUAGE || !mayImportGradlens(state, doc)) return;
  const started = performance.now();
  const first = !warmedUp;
  warmedUp = true;
  void warmUpCheck(workerPath, state.settings.memoryLimitMb).then(() => {
    if (first) output.appendLine(`[${new Date().toISOString()}] warm-up done in ${Math.round(performance.now() - started)} ms (bundler answering, a rehearsal check run, a child waiting)`);
  });
}

export async function deactivate(): Promise<void> {
  check?.cancelAll();
  check = null;
  await stopEsbuild();
}
