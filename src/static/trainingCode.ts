// Which code trains. The rule (pragmatic, parse-only, by name):
//
// 1. Code is split into units: named functions (function declarations, methods, accessors, and
//    arrows/function expressions assigned to a variable, property or class field, named after it),
//    constructors with class field initializers (unit "new X" for class X), and the top-level script.
//    Anonymous inline functions (callbacks such as `noGrad(() => ...)`, `forEach(...)`, IIFEs) are
//    part of the unit they are written in, since they run as part of it. Loop bodies are part of
//    their unit too, so "a loop that calls backward" makes its whole function (or the script) train.
// 2. A unit trains directly when it calls `.backward(` or `.step(` (as a method: `loss.backward()`,
//    `opt.step()`, also schedulers' step).
// 3. Training spreads to every unit it calls, transitively, matched by name only: `train()` reaches
//    functions named `train`; `this.trainStep()` / `G.forward(z)` reach every method or function
//    named `trainStep` / `forward` in the file; `new Net()` reaches class Net's constructor and field
//    initializers. A function handed over by name counts as called: `noGrad(evaluate)` reaches
//    functions (not methods) named `evaluate`, so a tensor variable that happens to share a method's
//    name does not; `forEach(this.clip)` reaches methods named `clip`.
// 4. A site is in training code when the unit it lies in trains. Named functions nested in a training
//    unit are their own units: they train only if called (a callback-style arrow does not need to be).
import ts from "typescript";
import { rangeBetween, rangeOfNode } from "./positions";
import type { SourceRange, TrainingUnit } from "./types";
import type { TreeVisitor } from "./walkTree";

export const TOP_LEVEL = "<top level>";

export interface TrainingCode {
  /** Is the node inside code that trains? */
  contains(node: ts.Node): boolean;
  /** The training units, in source order. */
  units: TrainingUnit[];
}

interface Unit {
  node: ts.Node;
  name: string;
  /** A plain function (declaration or named arrow/function expression), as opposed to a method. */
  isFunction: boolean;
  direct: boolean;
  calls: Set<string>;
  /** Bare identifiers passed as arguments: calls only if they name a plain function. */
  references: Set<string>;
}

const TRAINING_METHODS: ReadonlySet<string> = new Set(["backward", "step"]);

export interface TrainingCodeRecorder extends TreeVisitor {
  /** Call after the walk. */
  result(): TrainingCode;
}

/** Records units and their calls during walkTree; the verdict comes once the whole file is seen. */
export function recordTrainingCode(sourceFile: ts.SourceFile): TrainingCodeRecorder {
  const topLevel = newUnit(sourceFile, TOP_LEVEL);
  const units: Unit[] = [topLevel];
  const byNode = new Map<ts.Node, Unit>([[sourceFile, topLevel]]);
  const stack: Unit[] = [topLevel];

  return {
    enter(node) {
      const name = unitNameOf(node);
      if (name !== null) {
        const unit = newUnit(node, name);
        units.push(unit);
        byNode.set(node, unit);
        stack.push(unit);
      }
      const current = stack[stack.length - 1]!;
      if (ts.isCallExpression(node)) recordCall(node, current);
      else if (ts.isNewExpression(node)) recordNew(node, current);
    },
    leave(node) {
      if (stack.length > 1 && stack[stack.length - 1]!.node === node) stack.pop();
    },
    result() {
      const training = spreadTraining(units);
      return {
        contains: (node) => training.has(byNode.get(owningUnitNode(node))!),
        units: units
          .filter((u) => training.has(u))
          .map((u) => ({ name: u.name, direct: u.direct, ...unitRange(sourceFile, u.node) })),
      };
    },
  };
}

/** A function's own range; for the script, from its first statement to its last. */
function unitRange(sourceFile: ts.SourceFile, node: ts.Node): SourceRange {
  if (node !== sourceFile || sourceFile.statements.length === 0) return rangeOfNode(sourceFile, node);
  const statements = sourceFile.statements;
  return rangeBetween(sourceFile, statements[0]!.getStart(sourceFile), statements[statements.length - 1]!.getEnd());
}

function newUnit(node: ts.Node, name: string): Unit {
  const isFunction = ts.isFunctionDeclaration(node) || isFunctionExpression(node);
  return { node, name, isFunction, direct: false, calls: new Set(), references: new Set() };
}

function spreadTraining(units: readonly Unit[]): Set<Unit> {
  const byName = new Map<string, Unit[]>();
  for (const unit of units) {
    const list = byName.get(unit.name);
    if (list) list.push(unit);
    else byName.set(unit.name, [unit]);
  }
  const training = new Set(units.filter((u) => u.direct));
  const queue = [...training];
  while (queue.length > 0) {
    const unit = queue.pop()!;
    const reach = (callee: Unit) => {
      if (callee.name === TOP_LEVEL || training.has(callee)) return;
      training.add(callee);
      queue.push(callee);
    };
    for (const called of unit.calls) for (const callee of byName.get(called) ?? []) reach(callee);
    for (const referenced of unit.references) {
      for (const callee of byName.get(referenced) ?? []) if (callee.isFunction) reach(callee);
    }
  }
  return training;
}

function recordCall(call: ts.CallExpression, unit: Unit): void {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) unit.calls.add(callee.text);
  else if (ts.isPropertyAccessExpression(callee)) {
    unit.calls.add(callee.name.text);
    if (TRAINING_METHODS.has(callee.name.text)) unit.direct = true;
  } else if (ts.isElementAccessExpression(callee) && ts.isStringLiteralLike(callee.argumentExpression)) {
    unit.calls.add(callee.argumentExpression.text);
  }
  // Functions handed over by name are (most likely) called by the receiver.
  for (const arg of call.arguments) {
    if (ts.isIdentifier(arg)) unit.references.add(arg.text);
    else if (ts.isPropertyAccessExpression(arg) && arg.expression.kind === ts.SyntaxKind.ThisKeyword) {
      unit.calls.add(arg.name.text);
    }
  }
}

function recordNew(expression: ts.NewExpression, unit: Unit): void {
  const callee = expression.expression;
  if (ts.isIdentifier(callee)) unit.calls.add(`new ${callee.text}`);
  else if (ts.isPropertyAccessExpression(callee)) unit.calls.add(`new ${callee.name.text}`);
}

/** The node of the unit that `node` lies in (the source file for top-level code). */
function owningUnitNode(node: ts.Node): ts.Node {
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    if (ts.isSourceFile(n) || unitNameOf(n) !== null) return n;
  }
  return node.getSourceFile();
}

/** The unit name when `node` starts a unit of its own, else null. */
function unitNameOf(node: ts.Node): string | null {
  if (ts.isFunctionDeclaration(node)) return node.name?.text ?? "default";
  if (ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) {
    return propertyNameText(node.name);
  }
  if (ts.isConstructorDeclaration(node)) return `new ${classNameOf(node.parent)}`;
  if (ts.isPropertyDeclaration(node) && node.initializer && !isFunctionExpression(node.initializer)) {
    return `new ${classNameOf(node.parent)}`;
  }
  if (isFunctionExpression(node)) return assignedNameOf(node);
  return null;
}

function isFunctionExpression(node: ts.Node): node is ts.ArrowFunction | ts.FunctionExpression {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}

/** `const f = () => ...`, `{ f: () => ... }`, class field `f = () => ...`, `x.f = function () {}` → "f". */
function assignedNameOf(fn: ts.ArrowFunction | ts.FunctionExpression): string | null {
  const parent = fn.parent;
  if (ts.isVariableDeclaration(parent) && parent.initializer === fn && ts.isIdentifier(parent.name)) return parent.name.text;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.initializer === fn) {
    return propertyNameText(parent.name);
  }
  if (ts.isBinaryExpression(parent) && parent.right === fn && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    if (ts.isIdentifier(parent.left)) return parent.left.text;
    if (ts.isPropertyAccessExpression(parent.left)) return parent.left.name.text;
  }
  return null;
}

function propertyNameText(name: ts.PropertyName): string {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) {
    return name.text;
  }
  return "<computed>";
}

function classNameOf(node: ts.Node): string {
  return (ts.isClassDeclaration(node) || ts.isClassExpression(node)) && node.name ? node.name.text : "<anonymous>";
}
