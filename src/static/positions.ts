// 1-based positions and ranges from TypeScript nodes. The compiler API counts from 0; the
// editor-facing types count from 1 like stack traces and the run report do.
import ts from "typescript";
import type { SourceRange } from "./types";

export interface Position {
  line: number;
  column: number;
}

export function positionAt(sourceFile: ts.SourceFile, offset: number): Position {
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(offset);
  return { line: line + 1, column: character + 1 };
}

/** Range from the node's first token (trivia skipped) to its end. */
export function rangeOfNode(sourceFile: ts.SourceFile, node: ts.Node): SourceRange {
  return rangeBetween(sourceFile, node.getStart(sourceFile), node.getEnd());
}

export function rangeBetween(sourceFile: ts.SourceFile, start: number, end: number): SourceRange {
  const from = positionAt(sourceFile, start);
  const to = positionAt(sourceFile, end);
  return { line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
}

/** Is (line, column) inside the range? The end is exclusive. */
export function rangeContains(range: SourceRange, line: number, column: number): boolean {
  if (line < range.line || line > range.endLine) return false;
  if (line === range.line && column < range.column) return false;
  if (line === range.endLine && column >= range.endColumn) return false;
  return true;
}

/** Does `outer` contain all of `inner`? */
export function rangeEncloses(outer: SourceRange, inner: SourceRange): boolean {
  const startsAfter = inner.line > outer.line || (inner.line === outer.line && inner.column >= outer.column);
  const endsBefore =
    inner.endLine < outer.endLine || (inner.endLine === outer.endLine && inner.endColumn <= outer.endColumn);
  return startsAfter && endsBefore;
}
