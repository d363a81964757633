// Quick fixes keyed by finding code, in one table. A code can have several fixes; each builder returns
// null when it does not apply to the code at hand (so offering a fix never guesses an edit).
import type { RuleCode } from "../../../analysis/rules";
import type { Finding, RunError } from "../../../protocol/report";
import type { FixBuilder, FixContext, QuickFixSpec } from "./context";
import { addToOptimizer } from "./addToOptimizer";
import { detachOtherModuleInput } from "./detachInput";
import { evalFrozen } from "./evalFrozen";
import { wrapInNoGrad } from "./noGradWrap";
import { filterTrainable, lrZeroToFrozen } from "./optimizerArgs";
import { removeDetach } from "./removeCut";
import { zeroGradBeforeBackward } from "./zeroGrad";

export type { QuickFixSpec, FixContext } from "./context";
export type { TextEditSpec } from "./ast";
export { parseWithParents } from "./ast";
export { ignoreOnLine, IGNORE_COMMENT, type CommentSyntax } from "./ignoreLine";

interface FixEntry {
  build: FixBuilder;
  /** Only when the message matches (for run failures, whose code is coarse). */
  when?: RegExp;
}

/** A run failure's diagnostic code ("run-exception"). */
export type RunFailureCode = `run-${RunError["kind"]}`;

/** The table: finding code → fixes, the first applicable one preferred. Codes: src/analysis/rules.ts (a key that is not one does not compile). */
export const QUICK_FIXES: Readonly<Partial<Record<RuleCode | RunFailureCode, readonly FixEntry[]>>> = {
  GL001: [{ build: removeDetach }],
  GL002: [{ build: lrZeroToFrozen }],
  GL003: [{ build: filterTrainable }],
  GL004: [{ build: addToOptimizer }],
  GL005: [{ build: zeroGradBeforeBackward }],
  GL006: [{ build: detachOtherModuleInput }, { build: zeroGradBeforeBackward }],
  GL007: [{ build: removeDetach }],
  GL008: [{ build: evalFrozen }],
  GL011: [{ build: detachOtherModuleInput }],
  "run-exception": [{ build: wrapInNoGrad, when: /leaf Variable that requires grad .*in-place/i }],
};

export function buildQuickFixes(ctx: FixContext): QuickFixSpec[] {
  const fixes: QuickFixSpec[] = [];
  for (const entry of QUICK_FIXES[ctx.finding.code as RuleCode | RunFailureCode] ?? []) {
    if (entry.when && !entry.when.test(ctx.finding.message)) continue;
    const fix = entry.build(ctx);
    if (fix && fix.edits.length) fixes.push({ ...fix, code: ctx.finding.code, preferred: fixes.length === 0 });
  }
  return fixes;
}

/** A run failure shaped like a finding, so it can go through the same table. */
export function failureAsFinding(file: string, line: number, column: number, code: string, message: string): FixContext["finding"] {
  return { file, line, column, code, message, parameters: [], related: [] } satisfies Omit<Finding, "severity">;
}
