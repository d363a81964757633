// One walk over the syntax tree that recognizes every site the scan reports. Method-style sites
// (`x.detach()`, `loss.backward()`, `opt.step()`, `w.requiresGrad = false`) are matched by method
// or property name on any receiver; free functions and optimizer classes only when they resolve
// to the engine (see engineBindings.ts). Runs as a visitor of walkTree, so only ancestors of the
// node being entered have parents. `inTrainingCode` is left false here and set by the caller.
import ts from "typescript";
import { enginePathOf, optimizerClassOf, skipWrappers, type EngineBindings } from "./engineBindings";
import { optimizerDetails } from "./optimizerDetails";
import { positionAt, rangeOfNode } from "./positions";
import { expressionText, iterationSourceOf } from "./receiverText";
import { callbackBodyRange, disabledStatementsRange, type FunctionLookup } from "./regions";
import type { StaticSite } from "./types";
import type { TreeVisitor } from "./walkTree";

export interface RecognizedSite {
  site: StaticSite;
  /** The call, construction or assignment, to place the site in training code. */
  node: ts.Node;
}

const METHOD_KINDS: ReadonlyMap<string, "detach" | "detach_" | "step" | "zero-grad"> = new Map([
  ["detach", "detach"],
  ["detach_", "detach_"],
  ["step", "step"],
  ["zeroGrad", "zero-grad"],
]);

export interface SiteRecognizer extends TreeVisitor {
  /** Call after the walk. */
  sites(): RecognizedSite[];
}

export function recognizeSites(sourceFile: ts.SourceFile, bindings: EngineBindings): SiteRecognizer {
  const found: RecognizedSite[] = [];
  const lookup = functionLookup(sourceFile);

  const base = (node: ts.Node, anchor: ts.Node, receiver: ts.Expression | null) => {
    const at = positionAt(sourceFile, anchor.getStart(sourceFile));
    return {
      ...rangeOfNode(sourceFile, node),
      anchorLine: at.line,
      anchorColumn: at.column,
      receiver: receiver ? expressionText(sourceFile, receiver) : null,
      inTrainingCode: false,
    };
  };
  const engineFunctionOf = (call: ts.CallExpression): string | null => {
    const path = enginePathOf(call.expression, bindings);
    return path && path.length > 0 ? path[path.length - 1]! : null;
  };
  const isRestore = (call: ts.CallExpression): boolean =>
    engineFunctionOf(call) === "setGradEnabled" && !isFalse(call.arguments[0]);

  const visitCall = (call: ts.CallExpression): void => {
    const callee = call.expression;
    const anchor = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
    const engineFunction = engineFunctionOf(call);
    if (engineFunction === "noGrad" || engineFunction === "enableGrad") {
      const kind = engineFunction === "noGrad" ? "no-grad" : "enable-grad";
      const region = callbackBodyRange(sourceFile, call.arguments[0], lookup);
      found.push({ node: call, site: { kind, ...base(call, anchor, null), region } });
      return;
    }
    if (engineFunction === "setGradEnabled") {
      if (!isFalse(call.arguments[0])) return;
      const region = disabledStatementsRange(sourceFile, call, isRestore);
      found.push({ node: call, site: { kind: "set-grad-enabled-false", ...base(call, anchor, null), region } });
      return;
    }
    if (!ts.isPropertyAccessExpression(callee)) return;
    const method = callee.name.text;
    const receiver = callee.expression;
    const kind = METHOD_KINDS.get(method);
    if (kind) {
      found.push({ node: call, site: { kind, ...base(call, anchor, receiver) } });
    } else if (method === "backward") {
      found.push({ node: call, site: { kind: "backward", ...base(call, anchor, receiver), retainGraph: retainsGraph(call) } });
    } else if (method === "requiresGrad_" && isFalse(call.arguments[0])) {
      const iterates = iterationSourceOf(sourceFile, receiver, call);
      found.push({ node: call, site: { kind: "requires-grad-false", ...base(call, anchor, receiver), form: "method", iterates } });
    }
  };

  const visitNew = (construction: ts.NewExpression): void => {
    const path = enginePathOf(construction.expression, bindings);
    const className = path && optimizerClassOf(path);
    if (!className) return;
    const details = optimizerDetails(sourceFile, construction);
    const site = base(construction, construction, null);
    found.push({ node: construction, site: { kind: "optimizer", ...site, receiver: details.variable, className, ...details } });
  };

  const visitAssignment = (assignment: ts.BinaryExpression): void => {
    const target = skipWrappers(assignment.left);
    if (!ts.isPropertyAccessExpression(target) || target.name.text !== "requiresGrad" || !isFalse(assignment.right)) return;
    const receiver = target.expression;
    const iterates = iterationSourceOf(sourceFile, receiver, assignment);
    const site = base(assignment, assignment.operatorToken, receiver);
    found.push({ node: assignment, site: { kind: "requires-grad-false", ...site, form: "assignment", iterates } });
  };

  return {
    enter(node) {
      if (ts.isCallExpression(node)) visitCall(node);
      else if (ts.isNewExpression(node)) visitNew(node);
      else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) visitAssignment(node);
    },
    sites: () => found,
  };
}

function isFalse(node: ts.Expression | undefined): boolean {
  return !!node && skipWrappers(node).kind === ts.SyntaxKind.FalseKeyword;
}

/** `backward({ retainGraph: true })`, in any argument position (`backward(grad, { retainGraph: true })`). */
function retainsGraph(call: ts.CallExpression): boolean {
  return call.arguments.some((arg) => {
    const inner = skipWrappers(arg);
    return (
      ts.isObjectLiteralExpression(inner) &&
      inner.properties.some(
        (p) =>
          ts.isPropertyAssignment(p) &&
          ts.isIdentifier(p.name) &&
          p.name.text === "retainGraph" &&
          skipWrappers(p.initializer).kind === ts.SyntaxKind.TrueKeyword,
      )
    );
  });
}

/** Functions declared in the file by name, indexed on first use (only `noGrad(fnName)` needs it). */
function functionLookup(sourceFile: ts.SourceFile): FunctionLookup {
  let index: Map<string, ts.FunctionLikeDeclaration> | null = null;
  const build = (): Map<string, ts.FunctionLikeDeclaration> => {
    const map = new Map<string, ts.FunctionLikeDeclaration>();
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionDeclaration(node) && node.name && !map.has(node.name.text)) map.set(node.name.text, node);
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
        const init = skipWrappers(node.initializer);
        if ((ts.isArrowFunction(init) || ts.isFunctionExpression(init)) && !map.has(node.name.text)) map.set(node.name.text, init);
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    return map;
  };
  return (name) => (index ??= build()).get(name);
}
