// The end-to-end scenarios of test/e2e/scenarios.mjs, run inside VS Code's extension host through
// the VS Code API (test/electron/runTests.mjs launches it). The scenario list (names, titles, trust,
// settings) and every expected text, code and position come from test/e2e; only the way of looking
// differs: CodeLens, diagnostics and code actions through the API instead of the DOM. What only the
// DOM shows (the status bar's text, the graph's colours, a double-click in the webview) is checked
// through the data behind it: the report the check command returns.
// No test framework: run() runs the scenario named by $GRADLENS_ELECTRON_SCENARIO (runTests.mjs
// launches VS Code once per scenario), or else every scenario of this launch's trust that matches
// $GRADLENS_ELECTRON_FILTER; prints PASS/FAIL and "N passed, N failed", writes the counts to
// $GRADLENS_ELECTRON_RESULTS, and rejects when one failed (VS Code then exits non-zero).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { pathToFileURL } = require("node:url");
const vscode = require("vscode");

const EXTENSION_ID = "gradlens.gradlens";
const SOURCE = "GradLens";
const e2e = path.resolve(__dirname, "../../e2e");
const trusted = (process.env.GRADLENS_ELECTRON_TRUST ?? "trusted") === "trusted";
const only = process.env.GRADLENS_ELECTRON_SCENARIO ?? "";
const filter = process.env.GRADLENS_ELECTRON_FILTER ?? "";

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something truthy; the error names what was awaited and the last value. */
async function waitFor(what, probe, timeout = 90_000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}; last: ${JSON.stringify(last)}`);
    await sleep(250);
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function fileUri(name) {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error("no workspace folder is open");
  return vscode.Uri.joinPath(folder.uri, name);
}

async function openFile(name) {
  const doc = await vscode.workspace.openTextDocument(fileUri(name));
  await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
  return doc;
}

/** The CodeLens of a file as { line (1-based), title }, ours only (titles of the gradlens commands). */
async function lenses(uri) {
  const list = (await vscode.commands.executeCommand("vscode.executeCodeLensProvider", uri, 100)) ?? [];
  return list
    .filter((l) => l.command && l.command.command.startsWith("gradlens."))
    .map((l) => ({ line: l.range.start.line + 1, title: l.command.title }));
}

function waitForLens(uri, what, test, timeout) {
  return waitFor(what, async () => (await lenses(uri)).find(test), timeout);
}

function codeOf(d) {
  return d.code !== null && typeof d.code === "object" ? String(d.code.value) : String(d.code);
}

const SEVERITY = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, info: vscode.DiagnosticSeverity.Information };

/** Our diagnostics on a file, with 1-based positions as the Problems panel prints them. */
function diagnostics(uri) {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === SOURCE)
    .map((d) => ({ code: codeOf(d), line: d.range.start.line + 1, column: d.range.start.character + 1, severity: d.severity, message: d.message, diagnostic: d }));
}

const describe = (list) => list.map((d) => `${d.code} ${d.line}:${d.column}`).join(", ") || "none";

function findingMatches(d, f) {
  return d.code === f.code && d.line === f.line && d.column === f.column && d.severity === SEVERITY[f.severity];
}

async function waitForFindings(uri, findings) {
  await waitFor(`diagnostics ${findings.map((f) => `${f.code} ${f.line}:${f.column}`).join(", ")}`, () =>
    findings.every((f) => diagnostics(uri).some((d) => findingMatches(d, f))),
  ).catch((e) => {
    throw new Error(`${e.message.split(";")[0]}; diagnostics: ${describe(diagnostics(uri))}`);
  });
}

/** Runs the check; with no uri on the active editor, as the palette does. Resolves to the Report, or null. */
function check(uri) {
  const run = uri ? vscode.commands.executeCommand("gradlens.check", uri) : vscode.commands.executeCommand("gradlens.check");
  return withTimeout(Promise.resolve(run), 180_000, "the gradient-flow check");
}

/** Applies a scenario's settings (workspace scope) and returns how to restore them. */
async function applySettings(settings = {}) {
  const config = vscode.workspace.getConfiguration();
  const previous = Object.keys(settings).map((key) => [key, config.inspect(key)?.workspaceValue]);
  for (const [key, value] of Object.entries(settings)) await config.update(key, value, vscode.ConfigurationTarget.Workspace);
  // the extension reloads its settings on the change event, which arrives with the new values
  await waitFor(`settings ${JSON.stringify(settings)}`, () =>
    Object.entries(settings).every(([key, value]) => JSON.stringify(vscode.workspace.getConfiguration().get(key)) === JSON.stringify(value)),
  10_000);
  return async () => {
    for (const [key, value] of previous) await vscode.workspace.getConfiguration().update(key, value, vscode.ConfigurationTarget.Workspace);
  };
}

/** The scenarios of scenarios.mjs by name, through the API. `E` is expectations.mjs's `expectations`. */
const implementations = {
  async "1-static-codelens"(E) {
    const x = E.staticCodeLens;
    const doc = await openFile(x.file);
    const lens = await waitForLens(doc.uri, `the lens "${x.lens.title}"`, (l) => l.title === x.lens.title);
    expect(lens.line === x.lens.line, `the detach lens is on line ${lens.line}, expected ${x.lens.line}`);
  },

  async "2-check-from-palette"(E) {
    const x = E.checkFromPalette;
    const doc = await openFile(x.file);
    await waitForLens(doc.uri, "a static lens", (l) => l.title.includes("run the gradient-flow check"));
    const report = await check();
    expect(report && !report.error, `the check returned ${report ? `the error ${JSON.stringify(report.error)}` : "no report"}`);
    const lens = await waitForLens(doc.uri, `the lens "${x.lensAfter.includes}…"`, (l) => l.title.includes(x.lensAfter.includes));
    expect(lens.line === x.lensAfter.line, `lens after the check on line ${lens.line}, expected ${x.lensAfter.line}`);
    expect(x.lensAfter.pattern.test(lens.title) && lens.title.includes(x.lensAfter.mark), `lens after the check: ${lens.title}`);
    await waitForFindings(doc.uri, x.findings);
    // the status bar counts parameters by status ("GradLens: 4 not applied"); the API cannot read it
    const statuses = report.parameters.map((p) => p.status);
    expect(statuses.includes(x.parameterStatus), `parameter statuses: ${statuses.join(",")}`);
  },

  async "3-buggy-gan-quick-fix"(E) {
    const x = E.ganQuickFix;
    const doc = await openFile(x.file);
    const report = await check();
    expect(report && !report.error, `the check returned ${report ? `the error ${JSON.stringify(report.error)}` : "no report"}`);
    await waitForFindings(doc.uri, x.findings);
    const target = x.findings.find((f) => f.code === x.fixFor);
    const diagnostic = diagnostics(doc.uri).find((d) => findingMatches(d, target)).diagnostic;
    const actions = (await vscode.commands.executeCommand("vscode.executeCodeActionProvider", doc.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
    const action = actions.find((a) => x.quickFixTitle.test(a.title));
    expect(action && action.edit, `quick fixes on ${x.fixFor}: ${actions.map((a) => a.title).join(" | ") || "none"}`);
    expect(await vscode.workspace.applyEdit(action.edit), "the quick fix's edit was not applied");
    expect(doc.getText().includes(x.fixedText), `after the quick fix the file has no "${x.fixedText}"`);
    expect(await doc.save(), "saving the fixed file failed");
    const after = await check();
    expect(after && !after.error, `the re-run ${after ? `failed: ${JSON.stringify(after.error)}` : "returned no report (run failed)"}`);
    const left = after.findings.filter((f) => x.goneAfterFix.includes(f.code));
    expect(left.length === 0, `findings after the fix: ${left.map((f) => `${f.code} ${f.line}`).join(", ")}`);
    await waitFor(`no ${x.goneAfterFix.join("/")} diagnostics`, () => !diagnostics(doc.uri).some((d) => x.goneAfterFix.includes(d.code)), 30_000);
  },

  async "4-graph-panel"(E) {
    const x = E.graphPanel;
    await openFile(x.file);
    const report = await check();
    expect(report && !report.error, `the check returned ${report ? `the error ${JSON.stringify(report.error)}` : "no report"}`);
    // the graph colours parameters by these statuses and reveals a parameter's site on double-click
    const statuses = report.parameters.map((p) => p.status);
    expect(x.statuses.every((s) => statuses.includes(s)), `statuses: ${statuses.join(",")}`);
    const frozen = report.parameters.filter((p) => p.status === "frozen");
    expect(JSON.stringify(frozen.map((p) => p.name).sort()) === JSON.stringify([...x.frozenParameters].sort()), `frozen: ${frozen.map((p) => p.name).join(",")}`);
    expect(frozen.every((p) => p.site && p.site.line === x.frozenDefinedOnLine), `frozen sites: ${JSON.stringify(frozen.map((p) => p.site))}`);
    await vscode.commands.executeCommand("gradlens.showGraph");
    const tab = await waitFor("the graph panel's tab", () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(x.viewType)),
    30_000);
    expect(tab.label === x.panelTitle, `graph tab title: ${tab.label}`);
  },

  async "5-never-ends-timeout"(E) {
    const x = E.neverEndsTimeout;
    const doc = await openFile(x.file);
    const report = await check();
    expect(!report || report.error?.kind === "timeout", `the check ended with ${JSON.stringify(report?.error ?? report?.stopped)}`);
    const failure = await waitFor(`a ${x.code} diagnostic`, () => diagnostics(doc.uri).find((d) => d.code === x.code), 30_000);
    expect(x.message.test(failure.message), `the ${x.code} diagnostic says: ${failure.message}`);
    // still responsive: another file opens and its lenses show
    const next = await openFile(x.thenFile);
    await waitForLens(next.uri, `the lens "${x.thenLens}…"`, (l) => l.title.includes(x.thenLens));
  },

  async "6-untrusted-workspace"(E) {
    const x = E.untrustedWorkspace;
    expect(!vscode.workspace.isTrusted, "the workspace is trusted: this launch must open it in restricted mode");
    const doc = await openFile(x.file);
    const lens = await waitForLens(doc.uri, `the lens "${x.lens.title}"`, (l) => l.title === x.lens.title);
    expect(lens.line === x.lens.line, `the detach lens is on line ${lens.line}, expected ${x.lens.line}`);
    // This file lies in the extension's folder, so `vscode` here is GradLens's own API object: a
    // spy on showWarningMessage sees the warning and answers it as if dismissed.
    const shown = [];
    const original = vscode.window.showWarningMessage;
    try {
      vscode.window.showWarningMessage = (message) => {
        shown.push(String(message));
        return Promise.resolve(undefined);
      };
    } catch {
      // a frozen API object: the notification stays real and is cleared below
    }
    try {
      const pending = Promise.resolve(vscode.commands.executeCommand("gradlens.check"));
      const settled = await Promise.race([pending.then(() => true), sleep(15_000).then(() => false)]);
      if (!settled) {
        // the spy did not reach the extension: dismiss the real notification so the command returns
        await vscode.commands.executeCommand("notifications.clearAll");
      }
      const result = await withTimeout(pending, 30_000, "the refused check");
      expect(result == null, `the check returned a report in an untrusted workspace: ${JSON.stringify(result).slice(0, 200)}`);
      if (shown.length > 0) expect(shown.some((m) => x.message.test(m)), `the warning says: ${shown.join(" | ")}`);
      else console.log(`      (the warning's text was not observable here; the check refused to run: ${x.messageText})`);
      expect(diagnostics(doc.uri).length === 0, `diagnostics in an untrusted workspace: ${describe(diagnostics(doc.uri))}`);
    } finally {
      if (vscode.window.showWarningMessage !== original) vscode.window.showWarningMessage = original;
    }
  },
};

async function run() {
  const { scenarios } = await import(pathToFileURL(path.join(e2e, "scenarios.mjs")).href);
  const { expectations } = await import(pathToFileURL(path.join(e2e, "expectations.mjs")).href);
  const selected = only
    ? scenarios.filter((s) => s.name === only)
    : scenarios.filter((s) => (s.trusted ?? true) === trusted && s.name.includes(filter));
  if (selected.length === 0) throw new Error(`no scenario named "${only || filter}" for a${trusted ? " trusted" : "n untrusted"} workspace`);
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  let passed = 0, failed = 0;
  const setup = extension ? null : `the extension ${EXTENSION_ID} is not loaded`;
  if (extension) await extension.activate();
  for (const scenario of selected) {
    const started = Date.now();
    let error = setup ? new Error(setup) : null;
    if (!error && trusted && !vscode.workspace.isTrusted) error = new Error("the workspace is not trusted in the trusted launch");
    const implementation = implementations[scenario.name];
    if (!error && !implementation) error = new Error(`no electron implementation of ${scenario.name}`);
    if (!error) {
      let restore = null;
      try {
        restore = await applySettings(scenario.settings);
        await withTimeout(implementation(expectations), 300_000, scenario.name);
      } catch (e) {
        error = e;
      } finally {
        await restore?.().catch((e) => (error ??= e));
        await vscode.commands.executeCommand("workbench.action.closeAllEditors").then(undefined, () => {});
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (error) {
      failed++;
      console.log(`FAIL ${scenario.name} (${seconds} s): ${scenario.title}\n     ${String(error?.message ?? error).split("\n").slice(0, 3).join("\n     ")}`);
    } else {
      passed++;
      console.log(`PASS ${scenario.name} (${seconds} s): ${scenario.title}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed (${trusted ? "trusted" : "untrusted"} workspace)`);
  if (process.env.GRADLENS_ELECTRON_RESULTS) fs.writeFileSync(process.env.GRADLENS_ELECTRON_RESULTS, JSON.stringify({ passed, failed }));
  if (failed > 0 || passed === 0) throw new Error(`${failed} of ${passed + failed} scenarios failed`);
}

module.exports = { run };
