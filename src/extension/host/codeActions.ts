// Quick fixes for our diagnostics: the finding (or run failure) behind each one goes through the
// table in core/quickFixes.
import * as vscode from "vscode";
import type { Report } from "../../protocol/report";
import { siteInFile } from "../core/files";
import { buildQuickFixes, failureAsFinding, parseWithParents, type FixContext } from "../core/quickFixes";
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
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly state: GradLensState) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const report = this.state.reportTouching(doc) ?? this.state.lastReport;
    if (!report) return [];
    const actions: vscode.CodeAction[] = [];
    let source: ReturnType<typeof parseWithParents> | null = null;
    for (const diagnostic of context.diagnostics) {
      const code = codeOf(diagnostic);
      if (!code) continue;
      const finding = findingFor(report, code, diagnostic, doc.uri.fsPath);
      if (!finding) continue;
      const fixes =
        doc.languageId === "python"
          ? buildPythonQuickFixes({ finding, lines: doc.getText().split(/\r?\n/), scan: this.state.scanOf(doc), report })
          : buildQuickFixes({ finding, source: (source ??= parseWithParents(doc.getText(), doc.uri.fsPath)), scan: this.state.scanOf(doc), report });
      for (const fix of fixes) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) action.edit.replace(doc.uri, toRange(e.range), e.newText);
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.preferred;
        actions.push(action);
      }
    }
    return actions;
  }
}
