// The code a grad-mode region covers: a callback's body for `noGrad(() => ...)`, or a run of
// statements for `setGradEnabled(false); ...; setGradEnabled(true)`.
import ts from "typescript";
import { skipWrappers } from "./engineBindings";
import { rangeBetween, rangeOfNode } from "./positions";
import type { SourceRange } from "./types";

/** Finds a function declared in the file by name (for `noGrad(evaluate)`). */
export type FunctionLookup = (name: string) => ts.FunctionLikeDeclaration | undefined;

/** The body of the callback given to noGrad/enableGrad, or null when it is not in this file. */
export function callbackBodyRange(
  sourceFile: ts.SourceFile,
  callback: ts.Expression | undefined,
  lookup: FunctionLookup,
): SourceRange | null {
  if (!callback) return null;
  const inner = skipWrappers(callback);
  let fn: ts.FunctionLikeDeclaration | undefined;
  if (ts.isArrowFunction(inner) || ts.isFunctionExpression(inner)) fn = inner;
  else if (ts.isIdentifier(inner)) fn = lookup(inner.text);
  return fn?.body ? rangeOfNode(sourceFile, fn.body) : null;
}

/**
 * From the statement holding `setGradEnabled(false)` to the next sibling statement that restores
 * grad (a direct `setGradEnabled(...)` call, or a `try` whose `finally` makes one), else to the
 * block's last statement. Nested blocks are not searched: the rule is "same block".
 */
export function disabledStatementsRange(
  sourceFile: ts.SourceFile,
  call: ts.CallExpression,
  isRestore: (call: ts.CallExpression) => boolean,
): SourceRange {
  const statement = enclosingStatement(call);
  const siblings = statement && statementListOf(statement.parent);
  if (!statement || !siblings) return rangeOfNode(sourceFile, statement ?? call);
  const start = statement.getStart(sourceFile);
  const index = siblings.indexOf(statement);
  for (const sibling of siblings.slice(index + 1)) {
    if (restoresGrad(sibling, isRestore)) return rangeBetween(sourceFile, start, sibling.getEnd());
  }
  return rangeBetween(sourceFile, start, siblings[siblings.length - 1]!.getEnd());
}

function restoresGrad(statement: ts.Statement, isRestore: (call: ts.CallExpression) => boolean): boolean {
  const call = statementCall(statement);
  if (call) return isRestore(call);
  if (ts.isTryStatement(statement) && statement.finallyBlock) {
    return statement.finallyBlock.statements.some((s) => {
      const inner = statementCall(s);
      return !!inner && isRestore(inner);
    });
  }
  return false;
}

/** The call an expression statement makes (`f(x);`, `await f(x);`), if any. */
function statementCall(statement: ts.Statement): ts.CallExpression | null {
  if (!ts.isExpressionStatement(statement)) return null;
  let e: ts.Expression = statement.expression;
  while (ts.isAwaitExpression(e) || ts.isVoidExpression(e) || ts.isParenthesizedExpression(e)) e = e.expression;
  return ts.isCallExpression(e) ? e : null;
}

function enclosingStatement(node: ts.Node): ts.Statement | null {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isExpressionStatement(n)) return n;
    if (!ts.isExpression(n)) return null; // e.g. `const x = setGradEnabled(false)`: no statement run
  }
  return null;
}

function statementListOf(node: ts.Node): readonly ts.Statement[] | null {
  if (ts.isBlock(node) || ts.isSourceFile(node) || ts.isModuleBlock(node) || ts.isCaseClause(node) || ts.isDefaultClause(node)) {
    return node.statements;
  }
  return null;
}
