// GL008: a frozen module in train mode keeps updating its BatchNorm statistics. Puts it in eval mode
// right after the call that put it in train mode (so a `model.train()` each epoch cannot undo it),
// else right after the freeze.
import ts from "typescript";
import { siteInFile } from "../files";
import { indentAt, insertAt, lineStartOf, offsetOf, statementAt } from "./ast";
import type { FixBuilder } from "./context";

const IDENTIFIER_PATH = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

/**
 * The module to put in eval mode, written as code: the finding's module, or for one the code cannot
 * name (`backbone.1` in a Sequential) the nearest enclosing one — only when all of its parameters are frozen.
 */
function nameable(path: string, ctx: Parameters<FixBuilder>[0]): string | null {
  const parts = path.split(".");
  for (let n = parts.length; n >= 1; n--) {
    const prefix = parts.slice(0, n).join(".");
    if (!IDENTIFIER_PATH.test(prefix)) continue;
    if (n === parts.length) return prefix;
    const inside = ctx.report?.parameters.filter((p) => p.name.startsWith(`${prefix}.`)) ?? [];
    return inside.length > 0 && inside.every((p) => !p.requiresGrad) ? prefix : null;
  }
  return null;
}

export const evalFrozen: FixBuilder = (ctx) => {
  const path = /call ([\w$.]+)\.eval\(\)/.exec(ctx.finding.message)?.[1];
  const module = path ? nameable(path, ctx) : null;
  if (!module) return null;
  const file = ctx.source.sf.fileName;
  const train = ctx.finding.related.find((r) => r.message === "put in train mode here" && siteInFile(r, { file }, file));
  const anchor = train ?? ctx.finding;
  const statement = statementAt(ctx.source, offsetOf(ctx.source, anchor.line, anchor.column));
  if (!statement || ts.isIterationStatement(statement, false) || ts.isIfStatement(statement)) return null;
  const end = statement.getEnd();
  const lineEnd = ctx.source.text.indexOf("\n", end);
  const at = lineEnd < 0 ? ctx.source.text.length : lineEnd;
  const indent = indentAt(ctx.source, lineStartOf(ctx.source, statement.getStart(ctx.source.sf)));
  return { title: `Put the frozen \`${module}\` in eval mode: \`${module}.eval()\``, edits: [insertAt(ctx.source, at, `\n${indent}${module}.eval();`)] };
};
