// Parse only: no program, no type checker, so a scan of a 2,000-line file stays in milliseconds.
import ts from "typescript";
import { positionAt } from "./positions";
import type { SyntaxProblem } from "./types";

export function scriptKindOf(fileName: string): ts.ScriptKind {
  const lower = fileName.toLowerCase();
  if (/\.(js|mjs|cjs)$/.test(lower)) return ts.ScriptKind.JS;
  if (lower.endsWith(".jsx")) return ts.ScriptKind.JSX;
  if (lower.endsWith(".tsx")) return ts.ScriptKind.TSX;
  return ts.ScriptKind.TS;
}

export function parseSource(text: string, fileName: string): ts.SourceFile {
  // No parent pointers here: walkTree sets them during the scan's single traversal.
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, scriptKindOf(fileName));
}

/**
 * The parser's own syntax errors. `parseDiagnostics` is internal to the compiler API but has been
 * there since TypeScript 1.x; read it defensively so a future change only loses the list.
 */
export function syntaxErrorsOf(sourceFile: ts.SourceFile): SyntaxProblem[] {
  const diagnostics = (sourceFile as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics;
  if (!Array.isArray(diagnostics)) return [];
  return diagnostics.map((d) => ({
    message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
    ...positionAt(sourceFile, Math.min(d.start ?? 0, sourceFile.text.length)),
  }));
}
