// GL004: trainable parameters no optimizer holds. Adds their module's parameters (or the free tensor
// itself) to the optimizer the finding names — only when that module is a name declared in this file.
import ts from "typescript";
import type { OptimizerSite } from "../../../static/types";
import { callStartingAt, declarationBefore, offsetOf, replaceNode } from "./ast";
import type { FixBuilder, FixContext } from "./context";

const IDENTIFIER_PATH = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

/** What to add: `model1.parameters()` for parameters of one module, `x` for one free tensor. */
function addition(ctx: FixContext): { expr: string; root: string } | null {
  const params = ctx.finding.parameters.map((n) => ctx.report?.parameters.find((p) => p.name === n));
  if (params.length === 0 || params.some((p) => p === undefined)) return null;
  const modules = new Set(params.map((p) => p!.module));
  if (modules.size !== 1) return null;
  const module = params[0]!.module;
  if (module === null) {
    const name = params[0]!.name;
    return params.length === 1 && IDENTIFIER_PATH.test(name) && !name.includes(".") ? { expr: name, root: name } : null;
  }
  // All of the module's parameters are missing (else adding the module would add some twice).
  const all = ctx.report!.parameters.filter((p) => p.module === module || p.module?.startsWith(`${module}.`));
  if (all.some((p) => !ctx.finding.parameters.includes(p.name)) || !IDENTIFIER_PATH.test(module)) return null;
  return { expr: `${module}.parameters()`, root: module.split(".")[0]! };
}

export const addToOptimizer: FixBuilder = (ctx) => {
  const site = ctx.scan.sites.find((s): s is OptimizerSite => s.kind === "optimizer" && (s.line === ctx.finding.line || s.anchorLine === ctx.finding.line));
  if (!site) return null;
  const call = callStartingAt(ctx.source, offsetOf(ctx.source, site.line, site.column));
  const arg = call && ts.isNewExpression(call) ? call.arguments?.[0] : undefined;
  const add = addition(ctx);
  if (!arg || !add || !declarationBefore(ctx.source, add.root, arg.getStart(ctx.source.sf))) return null;
  const text = arg.getText(ctx.source.sf);
  let replacement: string;
  if (ts.isArrayLiteralExpression(arg)) {
    const groups = arg.elements.some((e) => ts.isObjectLiteralExpression(e));
    const element = groups ? `{ params: ${add.expr} }` : add.expr.endsWith(")") ? `...${add.expr}` : add.expr;
    const inner = arg.elements.map((e) => e.getText(ctx.source.sf));
    replacement = `[${[...inner, element].join(", ")}]`;
  } else {
    replacement = add.expr.endsWith(")") ? `[...${text}, ...${add.expr}]` : `[...${text}, ${add.expr}]`;
  }
  return { title: `Add \`${add.expr}\` to the optimizer`, edits: [replaceNode(ctx.source, arg, replacement)] };
};
