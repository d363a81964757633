// Syntax-tree helpers for quick fixes: positions, the statement at a line, declarations, indentation.
// Parse-only (no type checker), like the static scan; positions are 1-based with exclusive ends.
import ts from "typescript";
import { scriptKindOf } from "../../../static/parseSource";
import type { SourceRange } from "../../../static/types";

export interface TextEditSpec {
  range: SourceRange;
  newText: string;
}

export interface ParsedSource {
  sf: ts.SourceFile;
  text: string;
}

export function parseWithParents(text: string, fileName: string): ParsedSource {
  return { sf: ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKindOf(fileName)), text };
}

export function offsetOf(src: ParsedSource, line: number, column: number): number {
  const lines = src.sf.getLineStarts();
  const start = lines[Math.min(Math.max(line - 1, 0), lines.length - 1)]!;
  return Math.min(start + Math.max(column - 1, 0), src.text.length);
}

export function positionOf(src: ParsedSource, offset: number): { line: number; column: number } {
  const { line, character } = src.sf.getLineAndCharacterOfPosition(offset);
  return { line: line + 1, column: character + 1 };
}

export function rangeOf(src: ParsedSource, start: number, end: number): SourceRange {
  const a = positionOf(src, start);
  const b = positionOf(src, end);
  return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}

export function insertAt(src: ParsedSource, offset: number, newText: string): TextEditSpec {
  return { range: rangeOf(src, offset, offset), newText };
}

export function replaceNode(src: ParsedSource, node: ts.Node, newText: string): TextEditSpec {
  return { range: rangeOf(src, node.getStart(src.sf), node.getEnd()), newText };
}

/** The innermost node of a kind that contains the offset. */
export function innermost<T extends ts.Node>(src: ParsedSource, offset: number, test: (n: ts.Node) => n is T): T | null {
  let found: T | null = null;
  const visit = (node: ts.Node): void => {
    if (offset < node.getStart(src.sf) || offset >= node.getEnd()) return;
    if (test(node)) found = node;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(src.sf, visit);
  return found;
}

function isListedStatement(node: ts.Node): node is ts.Statement {
  const p = node.parent;
  return !!p && (ts.isBlock(p) || ts.isSourceFile(p) || ts.isCaseClause(p) || ts.isDefaultClause(p) || ts.isModuleBlock(p));
}

/** The statement (in a block or at top level) that holds the offset. */
export function statementAt(src: ParsedSource, offset: number): ts.Statement | null {
  return innermost(src, offset, isListedStatement);
}

export function indentAt(src: ParsedSource, offset: number): string {
  const { line } = positionOf(src, offset);
  const lineStart = src.sf.getLineStarts()[line - 1]!;
  return /^[ \t]*/.exec(src.text.slice(lineStart))![0];
}

export function lineStartOf(src: ParsedSource, offset: number): number {
  return src.sf.getLineStarts()[positionOf(src, offset).line - 1]!;
}

/** The last `const|let|var name = ...` declared before the offset. */
export function declarationBefore(src: ParsedSource, name: string, offset: number): ts.VariableDeclaration | null {
  let found: ts.VariableDeclaration | null = null;
  const visit = (node: ts.Node): void => {
    if (node.getStart(src.sf) >= offset) return;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name && node.initializer) found = node;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(src.sf, visit);
  return found;
}

/** The leftmost identifier of `a.b.c(...)`, skipping `this.`: `G` for `this.G.forward(z)`. */
export function rootName(expr: ts.Expression): string | null {
  let e: ts.Expression = expr;
  for (;;) {
    if (ts.isCallExpression(e) || ts.isNonNullExpression(e) || ts.isParenthesizedExpression(e)) e = e.expression;
    else if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      if (e.expression.kind === ts.SyntaxKind.ThisKeyword) return ts.isPropertyAccessExpression(e) ? e.name.text : null;
      e = e.expression;
    } else break;
  }
  return ts.isIdentifier(e) ? e.text : null;
}

/** The call or `new` whose start is at the offset. */
export function callStartingAt(src: ParsedSource, offset: number): ts.CallExpression | ts.NewExpression | null {
  let found: ts.CallExpression | ts.NewExpression | null = null;
  const visit = (node: ts.Node): void => {
    if (offset < node.getStart(src.sf) || offset >= node.getEnd()) return;
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.getStart(src.sf) === offset && !found) found = node;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(src.sf, visit);
  return found;
}

export function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (c) => walk(c, visit));
}
