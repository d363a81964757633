// Quick fixes for our diagnostics: the finding (or run failure) behind each one goes through the
// table in core/quickFixes; every finding can also be ignored on its line. `source.fixAll.gradlens`
// (for editor.codeActionsOnSave) applies each diagnostic's preferred fix whose edits do not overlap.
import * as vscode from "vscode";
import type { Report } from "../../protocol/report";
import { siteInFile } from "../core/files";
import { buildQuickFixes, failureAsFinding, ignoreOnLine, parseWithParents, type FixContext, type QuickFixSpec } from "../core/quickFixes";
import { buildPythonQuickFixes } from "../core/quickFixes/pythonFixes";
import { codeOf, toRange } from "./convert";
import type { GradLensState } from "./state";

function findingFor(report: Report, code: string, diagnostic: vscode.Diagnostic, path: string): FixContext["finding"] | null {
  const line = diagnostic.range.start.line + 1;
  const f = report.findings.find((x) => x.code === code && x.line === line && siteInFile(x, report, path));
  if (f) return f;
  const e = report.error;
  if (e && code === `run-${e.kind}`) return failureAsFinding(path, Math.max(e.line, 1), Math.max(e.column, 1), code, e.message);
  return null;
}

export class GradLensCodeActions implements vscode.CodeActionProvider {
  static readonly fixAllKind = vscode.CodeActionKind.SourceFixAll.append("gradlens");
  static readonly kinds = [vscode.CodeActionKind.QuickFix, GradLensCodeActions.fixAllKind];

  constructor(private readonly state: GradLensState) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const report = this.state.reportTouching(doc);
    if (!report) return [];
    const wanted = context.only;
    // `only` is a kind and its sub-kinds: "source.fixAll" asks for ours too.
    if (wanted && wanted.contains(GradLensCodeActions.fixAllKind)) return this.fixAll(doc, report);
    if (wanted && !wanted.contains(vscode.CodeActionKind.QuickFix)) return [];
    const actions: vscode.CodeAction[] = [];
    for (const { diagnostic, fixes, ignore } of this.fixesOf(doc, report, context.diagnostics)) {
      for (const fix of fixes) actions.push(this.action(doc, fix.title, fix.edits, diagnostic, fix.preferred));
      if (ignore) actions.push(this.action(doc, ignore.title, ignore.edits, diagnostic, false));
    }
    return actions;
  }

  private fixesOf(doc: vscode.TextDocument, report: Report, diagnostics: readonly vscode.Diagnostic[]) {
    let source: ReturnType<typeof parseWithParents> | null = null;
    const out: Array<{ diagnostic: vscode.Diagnostic; fixes: QuickFixSpec[]; ignore: ReturnType<typeof ignoreOnLine> }> = [];
    for (const diagnostic of diagnostics) {
      const code = codeOf(diagnostic);
      if (!code) continue;
      const finding = findingFor(report, code, diagnostic, doc.uri.fsPath);
      if (!finding) continue;
      if (doc.languageId === "python") {
        // Python's fixes in Python form, and its comment syntax for the ignore
        const text = doc.getText();
        const fixes = buildPythonQuickFixes({ finding, lines: text.split(/\r?\n/), scan: this.state.scanOf(doc), report });
        out.push({ diagnostic, fixes, ignore: ignoreOnLine(text, diagnostic.range.start.line + 1, code, "#") });
        continue;
      }
      source ??= parseWithParents(doc.getText(), doc.uri.fsPath);
      const fixes = buildQuickFixes({ finding, source, scan: this.state.scanOf(doc), report });
      out.push({ diagnostic, fixes, ignore: ignoreOnLine(source.text, diagnostic.range.start.line + 1, code) });
    }
    return out;
  }

  /** One action with every diagnostic's preferred fix (never an ignore), skipping edits that overlap one already taken. */
  private fixAll(doc: vscode.TextDocument, report: Report): vscode.CodeAction[] {
    const ours = vscode.languages.getDiagnostics(doc.uri).filter((d) => codeOf(d) !== null);
    const taken: vscode.Range[] = [];
    const edit = new vscode.WorkspaceEdit();
    let count = 0;
    for (const { fixes } of this.fixesOf(doc, report, ours)) {
      const fix = fixes.find((f) => f.preferred);
      if (!fix) continue;
      const ranges = fix.edits.map((e) => toRange(e.range));
      if (ranges.some((r) => taken.some((t) => t.intersection(r) !== undefined))) continue;
      taken.push(...ranges);
      fix.edits.forEach((e, i) => edit.replace(doc.uri, ranges[i]!, e.newText));
      count++;
    }
    if (count === 0) return [];
    const action = new vscode.CodeAction(`GradLens: fix ${count === 1 ? "1 problem" : `${count} problems`}`, GradLensCodeActions.fixAllKind);
    action.edit = edit;
    return [action];
  }

  private action(doc: vscode.TextDocument, title: string, edits: QuickFixSpec["edits"], diagnostic: vscode.Diagnostic, preferred: boolean): vscode.CodeAction {
    const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
    action.edit = new vscode.WorkspaceEdit();
    for (const e of edits) action.edit.replace(doc.uri, toRange(e.range), e.newText);
    action.diagnostics = [diagnostic];
    action.isPreferred = preferred;
    return action;
  }
}
