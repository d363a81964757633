// How a receiver is shown: its source text with line breaks of method chains folded away,
// and, for loop/callback variables, what they iterate (so `p.requiresGrad = false` can say
// it freezes `backbone.parameters()`).
import ts from "typescript";
import { skipWrappers } from "./engineBindings";

export function expressionText(sourceFile: ts.SourceFile, node: ts.Node): string {
  return node.getText(sourceFile).replace(/\s*\n\s*/g, "");
}

const ITERATING_METHODS: ReadonlySet<string> = new Set(["forEach", "map", "filter", "some", "every", "flatMap"]);

/**
 * For an identifier bound by `for (const p of X)` or by `X.forEach((p) => ...)`, the text of X.
 * Null for anything else (including identifiers bound some other way). The search goes up from
 * `site` (the call or assignment using the receiver), whose ancestors walkTree has already linked.
 */
export function iterationSourceOf(sourceFile: ts.SourceFile, receiver: ts.Expression, site: ts.Node): string | null {
  const inner = skipWrappers(receiver);
  if (!ts.isIdentifier(inner)) return null;
  const name = inner.text;
  for (let node: ts.Node | undefined = site; node; node = node.parent) {
    if (ts.isForOfStatement(node) && declaresName(node.initializer, name)) {
      return expressionText(sourceFile, node.expression);
    }
    if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && node.parameters.some((p) => bindsName(p.name, name))) {
      const call = node.parent;
      if (
        ts.isCallExpression(call) &&
        ts.isPropertyAccessExpression(call.expression) &&
        ITERATING_METHODS.has(call.expression.name.text)
      ) {
        return expressionText(sourceFile, call.expression.expression);
      }
      return null;
    }
    if (ts.isFunctionLike(node) && node.parameters?.some((p) => bindsName(p.name, name))) return null;
  }
  return null;
}

function declaresName(initializer: ts.ForInitializer, name: string): boolean {
  if (ts.isVariableDeclarationList(initializer)) return initializer.declarations.some((d) => bindsName(d.name, name));
  return ts.isIdentifier(initializer) && initializer.text === name;
}

function bindsName(binding: ts.BindingName, name: string): boolean {
  if (ts.isIdentifier(binding)) return binding.text === name;
  return binding.elements.some((e) => !ts.isOmittedExpression(e) && bindsName(e.name, name));
}
