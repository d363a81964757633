// "Add .detach()" where the loss of one part uses the output of another part (the GAN's D loss using
// G's output `fake`): the backward() of that loss then stops at the detach instead of running into G.
import ts from "typescript";
import type { BackwardSite } from "../../../static/types";
import { topLevelModuleOf, topLevelModules, unique } from "../reportQueries";
import { declarationBefore, insertAt, offsetOf, rootName, walk, type ParsedSource } from "./ast";
import type { FixBuilder, FixContext } from "./context";

/** The top-level modules the finding's parameters belong to ("G"). */
function otherModules(ctx: FixContext): string[] {
  const known = ctx.report ? topLevelModules(ctx.report) : [];
  return unique(
    ctx.finding.parameters.map((name) => (known.length ? topLevelModuleOf(name, known) : null) ?? name.split(".")[0]!),
  );
}

/** The backward() sites the finding points at (primary or related), in source order. */
function backwardsOf(ctx: FixContext): BackwardSite[] {
  const lines = new Set([ctx.finding.line, ...ctx.finding.related.map((r) => r.line)]);
  return ctx.scan.sites.filter((s): s is BackwardSite => s.kind === "backward" && (lines.has(s.line) || lines.has(s.anchorLine)));
}

/** The expression the loss was computed by: the initializer of `lossD` for `lossD.backward()`. */
function lossExpression(src: ParsedSource, site: BackwardSite): ts.Expression | null {
  const offset = offsetOf(src, site.anchorLine, site.anchorColumn);
  let access: ts.PropertyAccessExpression | null = null;
  walk(src.sf, (n) => {
    if (ts.isPropertyAccessExpression(n) && n.name.getStart(src.sf) === offset) access = n;
  });
  if (!access) return null;
  const receiver = (access as ts.PropertyAccessExpression).expression;
  if (ts.isIdentifier(receiver)) return declarationBefore(src, receiver.text, offset)?.initializer ?? null;
  return receiver;
}

/** Does the expression call a method of one of the modules (`G.forward(z)`, `G(z)`, `this.G.forward(z)`)? */
function callsModule(expr: ts.Node, modules: readonly string[]): ts.CallExpression | null {
  let found: ts.CallExpression | null = null;
  walk(expr, (n) => {
    if (!found && ts.isCallExpression(n)) {
      const root = rootName(n.expression);
      if (root && modules.includes(root)) found = n;
    }
  });
  return found;
}

/** `G(z)`, `G.forward(z)`, `this.G.forward(z)`; not `G.forward(z).relu()` (that is the inner call's job). */
function isDirectModuleCall(call: ts.CallExpression, modules: readonly string[]): boolean {
  const callee = call.expression;
  const isModule = (e: ts.Expression) =>
    (ts.isIdentifier(e) && modules.includes(e.text)) ||
    (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword && modules.includes(e.name.text));
  return isModule(callee) || (ts.isPropertyAccessExpression(callee) && isModule(callee.expression));
}

function isDetached(node: ts.Expression): boolean {
  const p = node.parent;
  return ts.isPropertyAccessExpression(p) && p.expression === node && (p.name.text === "detach" || p.name.text === "detach_");
}

/** Variables declared from a call into the modules before the offset (`const fake = G.forward(z)`). */
function outputsOf(src: ParsedSource, modules: readonly string[], before: number): Set<string> {
  const names = new Set<string>();
  walk(src.sf, (n) => {
    if (ts.isVariableDeclaration(n) && n.getStart(src.sf) < before && ts.isIdentifier(n.name) && n.initializer) {
      const call = callsModule(n.initializer, modules);
      // `const x = G.forward(z)` or `G.forward(z).something()`: the value comes out of the module.
      if (call && !modules.includes(n.name.text)) names.add(n.name.text);
    }
  });
  return names;
}

export const detachOtherModuleInput: FixBuilder = (ctx) => {
  const modules = otherModules(ctx);
  if (!modules.length) return null;
  const src = ctx.source;
  const inserts = new Map<number, string>();
  const used: string[] = [];
  for (const site of backwardsOf(ctx)) {
    const loss = lossExpression(src, site);
    if (!loss) continue;
    const outputs = outputsOf(src, modules, loss.getStart(src.sf));
    walk(loss, (n) => {
      const p = n.parent;
      const isValueUse = !ts.isPropertyAccessExpression(p) || p.expression === n;
      if (ts.isIdentifier(n) && outputs.has(n.text) && isValueUse && !ts.isShorthandPropertyAssignment(p) && !isDetached(n)) {
        inserts.set(n.getEnd(), ".detach()");
        used.push(n.text);
      } else if (ts.isCallExpression(n) && isDirectModuleCall(n, modules) && !isDetached(n)) {
        // The module is called inside the loss itself: `D(G(z))`.
        inserts.set(n.getEnd(), ".detach()");
        used.push(n.getText(src.sf));
      }
    });
  }
  if (!inserts.size) return null;
  const what = unique(used);
  return {
    title: `Add .detach() to ${what.map((w) => `\`${w}\``).join(", ")} so this loss stops before ${modules.join(", ")}`,
    edits: [...inserts].sort((a, b) => a[0] - b[0]).map(([offset, text]) => insertAt(src, offset, text)),
  };
};
