// "Add opt.zeroGrad() before backward()": clears what an earlier backward() left in .grad, so the
// step after this backward() applies this loss's gradient only.
import type { BackwardSite, StaticSite } from "../../../static/types";
import { parametersByName } from "../reportQueries";
import { indentAt, insertAt, lineStartOf, offsetOf, statementAt } from "./ast";
import type { FixBuilder, FixContext } from "./context";

function siteOnLine(ctx: FixContext, kind: StaticSite["kind"], line: number): StaticSite | null {
  return ctx.scan.sites.find((x) => x.kind === kind && (x.line === line || x.anchorLine === line)) ?? null;
}

/** The optimizer to clear: the one stepping at the primary site, else the one holding the parameters. */
function optimizerName(ctx: FixContext): string | null {
  const step = siteOnLine(ctx, "step", ctx.finding.line);
  if (step?.receiver) return step.receiver;
  if (!ctx.report) return null;
  const params = parametersByName(ctx.report);
  for (const name of ctx.finding.parameters) {
    const opt = params.get(name)?.optimizers[0];
    if (opt) return opt;
  }
  return null;
}

/** The backward() to clear before: the primary site when it is one, else the last one before it. */
function targetBackward(ctx: FixContext): BackwardSite | null {
  const own = siteOnLine(ctx, "backward", ctx.finding.line);
  if (own) return own as BackwardSite;
  const before = ctx.scan.sites.filter((s): s is BackwardSite => s.kind === "backward" && s.line < ctx.finding.line);
  return before.at(-1) ?? null;
}

export const zeroGradBeforeBackward: FixBuilder = (ctx) => {
  const opt = optimizerName(ctx);
  const backward = targetBackward(ctx);
  if (!opt || !backward) return null;
  // Nothing to add when this optimizer is already cleared between the previous backward() and this one.
  const previous = ctx.scan.sites.filter((s) => s.kind === "backward" && s.line < backward.line).at(-1);
  const cleared = ctx.scan.sites.some(
    (s) => s.kind === "zero-grad" && s.receiver === opt && s.line < backward.line && (!previous || s.line > previous.line),
  );
  if (cleared) return null;
  const src = ctx.source;
  const statement = statementAt(src, offsetOf(src, backward.anchorLine, backward.anchorColumn));
  if (!statement) return null;
  const start = statement.getStart(src.sf);
  const indent = indentAt(src, start);
  const loss = backward.receiver ? `${backward.receiver}.backward()` : "backward()";
  return {
    title: `Add \`${opt}.zeroGrad()\` before \`${loss}\``,
    edits: [insertAt(src, lineStartOf(src, start), `${indent}${opt}.zeroGrad();\n`)],
  };
};
