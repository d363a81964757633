// Fixes that rewrite an optimizer's construction: keep only trainable parameters (GL003), and turn
// an `lr: 0` group into an explicit freeze (GL002).
import ts from "typescript";
import type { OptimizerSite } from "../../../static/types";
import { callStartingAt, indentAt, insertAt, lineStartOf, offsetOf, rangeOf, replaceNode, statementAt, type ParsedSource } from "./ast";
import type { FixBuilder, FixContext } from "./context";

function optimizerAt(ctx: FixContext): { site: OptimizerSite; call: ts.NewExpression } | null {
  const site = ctx.scan.sites.find((s): s is OptimizerSite => s.kind === "optimizer" && (s.line === ctx.finding.line || s.anchorLine === ctx.finding.line));
  if (!site) return null;
  const call = callStartingAt(ctx.source, offsetOf(ctx.source, site.line, site.column));
  return call && ts.isNewExpression(call) ? { site, call } : null;
}

const TRAINABLE = ".filter((p) => p.requiresGrad)";

export const filterTrainable: FixBuilder = (ctx) => {
  const found = optimizerAt(ctx);
  const arg = found?.call.arguments?.[0];
  if (!arg) return null;
  const text = arg.getText(ctx.source.sf);
  if (text.includes(TRAINABLE)) return null;
  let replacement: string;
  if (ts.isArrayLiteralExpression(arg)) {
    // A list of groups needs its filter inside each group; leave that to the user.
    if (arg.elements.some((e) => ts.isObjectLiteralExpression(e))) return null;
    replacement = `${text}${TRAINABLE}`;
  } else {
    // parameters() is an iterable, not an array: spread it first.
    replacement = `[...${text}]${TRAINABLE}`;
  }
  return { title: `Hand the optimizer only trainable parameters: \`${replacement}\``, edits: [replaceNode(ctx.source, arg, replacement)] };
};

function lrOf(group: ts.ObjectLiteralExpression): ts.Expression | null {
  for (const p of group.properties) {
    if (ts.isPropertyAssignment(p) && p.name.getText() === "lr") return p.initializer;
  }
  return null;
}

function paramsOf(group: ts.ObjectLiteralExpression): ts.Expression | null {
  for (const p of group.properties) {
    if (ts.isPropertyAssignment(p) && p.name.getText() === "params") return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === "params") return p.name;
  }
  return null;
}

/** `backbone.requiresGrad_(false)` for `backbone.parameters()`, else a loop over the parameters. */
function freezeStatement(src: ParsedSource, params: ts.Expression): string {
  if (ts.isCallExpression(params) && params.arguments.length === 0 && ts.isPropertyAccessExpression(params.expression) && params.expression.name.text === "parameters") {
    return `${params.expression.expression.getText(src.sf)}.requiresGrad_(false);`;
  }
  return `for (const p of ${params.getText(src.sf)}) p.requiresGrad_(false);`;
}

/** The element's text range plus the separator to remove with it (the following comma, or the preceding one for the last). */
function elementRemoval(src: ParsedSource, list: ts.ArrayLiteralExpression, index: number): { start: number; end: number } {
  const el = list.elements[index]!;
  if (index < list.elements.length - 1) {
    return { start: el.getStart(src.sf), end: list.elements[index + 1]!.getStart(src.sf) };
  }
  return { start: list.elements[index - 1]!.getEnd(), end: el.getEnd() };
}

export const lrZeroToFrozen: FixBuilder = (ctx) => {
  const found = optimizerAt(ctx);
  const arg = found?.call.arguments?.[0];
  if (!arg || !ts.isArrayLiteralExpression(arg) || arg.elements.length < 2) return null;
  const index = arg.elements.findIndex((e) => {
    if (!ts.isObjectLiteralExpression(e)) return false;
    const lr = lrOf(e);
    return !!lr && ts.isNumericLiteral(lr) && Number(lr.text) === 0;
  });
  if (index < 0) return null;
  const group = arg.elements[index] as ts.ObjectLiteralExpression;
  const params = paramsOf(group);
  if (!params) return null;
  const src = ctx.source;
  const statement = statementAt(src, found!.call.getStart(src.sf));
  if (!statement) return null;
  const at = lineStartOf(src, statement.getStart(src.sf));
  const freeze = freezeStatement(src, params);
  const removal = elementRemoval(src, arg, index);
  return {
    title: `Freeze with \`${freeze.replace(/;$/, "")}\` instead of an lr-0 group`,
    edits: [
      insertAt(src, at, `${indentAt(src, at)}${freeze}\n`),
      { range: rangeOf(src, removal.start, removal.end), newText: "" },
    ],
  };
};
