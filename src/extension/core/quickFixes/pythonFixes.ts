// Quick fixes in Python form for PyTorch scripts, keyed by finding code like the TypeScript table:
// `.detach()` on the other model's output in a loss, `opt.zero_grad()` before `backward()`, and an
// optimizer built from `filter(lambda p: p.requires_grad, ...)`. They work from the static scan and
// the source lines (single-line statements; anything else gets no fix rather than a guessed edit).
import type { Finding, Report } from "../../../protocol/report";
import type { BackwardSite, OptimizerSite, StaticScan, StaticSite } from "../../../static/types";
import { parametersByName, topLevelModuleOf, topLevelModules, unique } from "../reportQueries";
import type { TextEditSpec } from "./ast";
import type { QuickFixSpec } from "./context";

export interface PythonFixContext {
  finding: Pick<Finding, "file" | "line" | "column" | "code" | "message" | "parameters" | "related">;
  /** the document's lines */
  lines: readonly string[];
  scan: StaticScan;
  report: Report | null;
}

type PythonFixBuilder = (ctx: PythonFixContext) => Omit<QuickFixSpec, "code" | "preferred"> | null;

const insert = (line: number, column: number, newText: string): TextEditSpec => ({ range: { line, column, endLine: line, endColumn: column }, newText });
const indentOf = (text: string) => /^\s*/.exec(text)![0];
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function siteOnLine(ctx: PythonFixContext, kind: StaticSite["kind"], line: number): StaticSite | null {
  return ctx.scan.sites.find((x) => x.kind === kind && (x.line === line || x.anchorLine === line)) ?? null;
}

/** `optG.zero_grad()` before the backward() whose gradient the step mixes in. */
export const pyZeroGradBeforeBackward: PythonFixBuilder = (ctx) => {
  let opt = siteOnLine(ctx, "step", ctx.finding.line)?.receiver ?? null;
  if (opt === null && ctx.report) {
    const params = parametersByName(ctx.report);
    opt = ctx.finding.parameters.map((n) => params.get(n)?.optimizers[0]).find((o) => o !== undefined) ?? null;
  }
  const own = siteOnLine(ctx, "backward", ctx.finding.line);
  const backward = own ?? ctx.scan.sites.filter((s) => s.kind === "backward" && s.line < ctx.finding.line).at(-1) ?? null;
  if (opt === null || backward === null) return null;
  const previous = ctx.scan.sites.filter((s) => s.kind === "backward" && s.line < backward.line).at(-1);
  const cleared = ctx.scan.sites.some((s) => s.kind === "zero-grad" && s.receiver === opt && s.line < backward.line && (!previous || s.line > previous.line));
  if (cleared) return null;
  const indent = indentOf(ctx.lines[backward.line - 1] ?? "");
  const loss = backward.receiver ? `${backward.receiver}.backward()` : "backward()";
  return { title: `Add \`${opt}.zero_grad()\` before \`${loss}\``, edits: [insert(backward.line, 1, `${indent}${opt}.zero_grad()\n`)] };
};

/** `.detach()` on the output of the other model (`fake = G(z)`) where the loss uses it. */
export const pyDetachOtherModuleInput: PythonFixBuilder = (ctx) => {
  const known = ctx.report ? topLevelModules(ctx.report) : [];
  const modules = unique(ctx.finding.parameters.map((n) => (known.length ? topLevelModuleOf(n, known) : null) ?? n.split(".")[0]!));
  if (modules.length === 0) return null;
  const callsModule = new RegExp(`(?:^|[^\\w.])(?:self\\.)?(?:${modules.map(escape).join("|")})(?:\\.forward)?\\(`);
  const lines = new Set([ctx.finding.line, ...ctx.finding.related.map((r) => r.line)]);
  const backwards = ctx.scan.sites.filter((s): s is BackwardSite => s.kind === "backward" && lines.has(s.line));
  const edits: TextEditSpec[] = [];
  const used: string[] = [];
  for (const b of backwards) {
    if (!b.receiver || !/^[A-Za-z_]\w*$/.test(b.receiver)) continue;
    // the loss's assignment: the last `loss = ...` line before backward()
    let lossLine = -1;
    for (let i = b.line - 2; i >= 0; i--) {
      if (new RegExp(`^\\s*${escape(b.receiver)}\\s*=(?!=)`).test(ctx.lines[i])) {
        lossLine = i;
        break;
      }
    }
    if (lossLine < 0) continue;
    // the variables holding the modules' outputs before it (`fake = G(z)`)
    const outputs = new Set<string>();
    for (let i = 0; i < lossLine; i++) {
      const m = /^\s*([A-Za-z_]\w*)\s*=(?!=)(.*)$/.exec(ctx.lines[i]);
      if (m && callsModule.test(m[2]) && !modules.includes(m[1])) outputs.add(m[1]);
    }
    const text = ctx.lines[lossLine];
    const rhsStart = text.indexOf("=") + 1;
    for (const name of outputs) {
      const use = new RegExp(`(?<![\\w.])${escape(name)}(?![\\w(])(?!\\.detach)`, "g");
      for (let m = use.exec(text); m !== null; m = use.exec(text)) {
        if (m.index < rhsStart) continue;
        edits.push(insert(lossLine + 1, m.index + name.length + 1, ".detach()"));
        used.push(name);
      }
    }
  }
  if (edits.length === 0) return null;
  return {
    title: `Add .detach() to ${unique(used).map((w) => `\`${w}\``).join(", ")} so this loss stops before ${modules.join(", ")}`,
    edits: edits.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column),
  };
};

/** GL003: build the optimizer from `filter(lambda p: p.requires_grad, ...)`. */
export const pyFilterTrainable: PythonFixBuilder = (ctx) => {
  const site = ctx.scan.sites.find((s): s is OptimizerSite => s.kind === "optimizer" && (s.line === ctx.finding.line || s.anchorLine === ctx.finding.line));
  if (!site || site.groups.length !== 1) return null;
  const group = site.groups[0];
  const line = ctx.lines[group.line - 1] ?? "";
  const start = group.column - 1;
  // a list of param groups, or an argument spread over several lines: no guessed edit
  if (line.slice(start, start + group.params.length) !== group.params || group.params.startsWith("[{") || group.params.startsWith("filter(")) return null;
  const replacement = `filter(lambda p: p.requires_grad, ${group.params})`;
  return {
    title: `Hand the optimizer only trainable parameters: \`${replacement}\``,
    edits: [{ range: { line: group.line, column: group.column, endLine: group.line, endColumn: group.column + group.params.length }, newText: replacement }],
  };
};

export const PYTHON_QUICK_FIXES: Readonly<Record<string, readonly PythonFixBuilder[]>> = {
  GL003: [pyFilterTrainable],
  GL005: [pyZeroGradBeforeBackward],
  GL006: [pyDetachOtherModuleInput, pyZeroGradBeforeBackward],
  GL011: [pyDetachOtherModuleInput],
};

export function buildPythonQuickFixes(ctx: PythonFixContext): QuickFixSpec[] {
  const fixes: QuickFixSpec[] = [];
  for (const build of PYTHON_QUICK_FIXES[ctx.finding.code] ?? []) {
    const fix = build(ctx);
    if (fix && fix.edits.length) fixes.push({ ...fix, code: ctx.finding.code, preferred: fixes.length === 0 });
  }
  return fixes;
}
