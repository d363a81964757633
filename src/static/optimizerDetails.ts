// What can be read off an optimizer construction without running it: the variable it is assigned
// to, its literal default lr, and its parameter groups with their literal lr (lr: 0 is a cut).
import ts from "typescript";
import { skipWrappers } from "./engineBindings";
import { positionAt } from "./positions";
import { expressionText } from "./receiverText";
import type { OptimizerGroupSite } from "./types";

export interface OptimizerDetails {
  variable: string | null;
  lr: number | null;
  groups: OptimizerGroupSite[];
}

export function optimizerDetails(sourceFile: ts.SourceFile, construction: ts.NewExpression): OptimizerDetails {
  const [params, options] = construction.arguments ?? [];
  return {
    variable: assignedTo(sourceFile, construction),
    lr: options ? literalProperty(options, "lr") : null,
    groups: params ? groupsOf(sourceFile, params) : [],
  };
}

/** `const opt = new ...` → "opt"; class field `opt = new ...` → "this.opt"; `this.opt = new ...` → "this.opt". */
function assignedTo(sourceFile: ts.SourceFile, node: ts.Expression): string | null {
  let outer: ts.Node = node;
  while (ts.isParenthesizedExpression(outer.parent) || ts.isAsExpression(outer.parent) || ts.isSatisfiesExpression(outer.parent)) {
    outer = outer.parent;
  }
  const parent = outer.parent;
  if (ts.isVariableDeclaration(parent) && parent.initializer === outer) return expressionText(sourceFile, parent.name);
  if (ts.isPropertyDeclaration(parent) && parent.initializer === outer) return `this.${parent.name.getText(sourceFile)}`;
  if (ts.isPropertyAssignment(parent) && parent.initializer === outer) return parent.name.getText(sourceFile);
  if (ts.isBinaryExpression(parent) && parent.right === outer && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    return expressionText(sourceFile, parent.left);
  }
  return null;
}

/** `[{ params: a }, { params: b, lr: 0 }]` → two groups; anything else (`model.parameters()`) → one. */
function groupsOf(sourceFile: ts.SourceFile, params: ts.Expression): OptimizerGroupSite[] {
  const inner = skipWrappers(params);
  const isGroupList =
    ts.isArrayLiteralExpression(inner) &&
    inner.elements.length > 0 &&
    inner.elements.every((e) => ts.isObjectLiteralExpression(skipWrappers(e)) && propertyNamed(skipWrappers(e), "params"));
  const groupNodes = isGroupList ? (inner as ts.ArrayLiteralExpression).elements : [inner];
  return groupNodes.map((node) => {
    const paramsNode = isGroupList ? propertyNamed(skipWrappers(node), "params")! : node;
    return {
      params: expressionText(sourceFile, paramsNode),
      lr: isGroupList ? literalProperty(node, "lr") : null,
      ...positionAt(sourceFile, node.getStart(sourceFile)),
    };
  });
}

function propertyNamed(objectLiteral: ts.Expression, name: string): ts.Expression | undefined {
  if (!ts.isObjectLiteralExpression(objectLiteral)) return undefined;
  for (const property of objectLiteral.properties) {
    if (ts.isPropertyAssignment(property) && propertyKey(property.name) === name) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) return property.name;
  }
  return undefined;
}

function propertyKey(name: ts.PropertyName): string | null {
  return ts.isIdentifier(name) || ts.isStringLiteralLike(name) ? name.text : null;
}

function literalProperty(objectLiteral: ts.Expression, name: string): number | null {
  const value = propertyNamed(skipWrappers(objectLiteral), name);
  return value ? numericLiteralValue(value) : null;
}

/** `0.01`, `1e-3`, `-1`, `1_000` → numbers; anything computed → null. */
export function numericLiteralValue(node: ts.Expression): number | null {
  const inner = skipWrappers(node);
  if (ts.isNumericLiteral(inner)) {
    const value = Number(inner.text.replace(/_/g, ""));
    return Number.isFinite(value) ? value : null;
  }
  if (ts.isPrefixUnaryExpression(inner) && (inner.operator === ts.SyntaxKind.MinusToken || inner.operator === ts.SyntaxKind.PlusToken)) {
    const value = numericLiteralValue(inner.operand);
    if (value === null) return null;
    return inner.operator === ts.SyntaxKind.MinusToken ? -value : value;
  }
  return null;
}
