// Public types of the static scan: what a parse-only look at the user's file finds before any run.
// Positions are 1-based (lines and columns, columns in UTF-16 code units like the editor's);
// end positions are exclusive (the column just past the last character).

export type StaticSiteKind =
  | "detach"
  | "detach_"
  | "no-grad"
  | "set-grad-enabled-false"
  | "enable-grad"
  | "requires-grad-false"
  | "backward"
  | "optimizer"
  | "step"
  | "zero-grad";

/** The kinds that can stop a gradient (mirrors CutKind of the run report, plus the setGradEnabled form). */
export type StaticCutKind = "detach" | "detach_" | "no-grad" | "set-grad-enabled-false" | "requires-grad-false";

export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

interface SiteBase extends SourceRange {
  kind: StaticSiteKind;
  /**
   * Where a V8 stack trace points for this site, so runtime sites can be matched exactly:
   * the method name for `x.detach()`, `new` for constructions, the callee for `noGrad(...)`,
   * the `=` for `w.requiresGrad = false`.
   */
  anchorLine: number;
  anchorColumn: number;
  /** Source text of the object the method is called on (`fake` for `fake.detach()`), whitespace-trimmed; null for free functions. */
  receiver: string | null;
  /** The site lies in code that trains (see src/static/trainingCode.ts for the rule). */
  inTrainingCode: boolean;
}

export interface MethodCallSite extends SiteBase {
  kind: "detach" | "detach_" | "step" | "zero-grad";
}

export interface BackwardSite extends SiteBase {
  kind: "backward";
  /** `backward({ retainGraph: true })` */
  retainGraph: boolean;
}

export interface RegionSite extends SiteBase {
  kind: "no-grad" | "set-grad-enabled-false" | "enable-grad";
  /**
   * The code the region covers: the callback body for `noGrad(() => {...})` / `enableGrad(...)`;
   * from the `setGradEnabled(false)` statement to the next `setGradEnabled(true)` in the same block
   * (or the block's last statement). Null when it cannot be seen (callback not in this file).
   */
  region: SourceRange | null;
}

export interface RequiresGradFalseSite extends SiteBase {
  kind: "requires-grad-false";
  /** `w.requiresGrad = false` vs `m.requiresGrad_(false)` */
  form: "assignment" | "method";
  /**
   * When the receiver is a loop or callback variable, the expression it iterates:
   * `backbone.parameters()` for `for (const p of backbone.parameters()) p.requiresGrad = false`.
   */
  iterates: string | null;
}

export interface OptimizerGroupSite {
  /** Source text of the group's `params` (or the whole first argument when it is not a group list). */
  params: string;
  /** The group's literal `lr`, or null when it has none or it is not a literal. */
  lr: number | null;
  line: number;
  column: number;
}

export interface OptimizerSite extends SiteBase {
  kind: "optimizer";
  /** "SGD", "Adam", ... */
  className: string;
  /** What the optimizer is assigned to: `opt`, `this.opt`; null when not assigned. Also in `receiver`. */
  variable: string | null;
  /** The default literal `lr` from the options argument, or null. */
  lr: number | null;
  groups: OptimizerGroupSite[];
}

export type StaticSite = MethodCallSite | BackwardSite | RegionSite | RequiresGradFalseSite | OptimizerSite;

/** A function (or the top-level script) judged to be training code. */
export interface TrainingUnit extends SourceRange {
  /** Function or method name; "<top level>" for the script itself; "new X" for class X's constructor/field initializers. */
  name: string;
  /** It calls `.backward(`/`.step(` itself (false: reached only through calls). */
  direct: boolean;
}

export interface SyntaxProblem {
  message: string;
  line: number;
  column: number;
}

export interface StaticScan {
  fileName: string;
  /** In source order (by start position). */
  sites: StaticSite[];
  trainingUnits: TrainingUnit[];
  /** Local names that resolved to the engine's API, for display and debugging: local → canonical ("ng" → "noGrad"). */
  imports: Record<string, string>;
  /** Parse errors; the scan still reports what the tolerant parser recovered. */
  syntaxErrors: SyntaxProblem[];
}

export interface ScanOptions {
  /**
   * Module specifiers that count as the engine, besides "gradlens" and "gradlens/*"
   * (e.g. a relative path to the engine inside this repository's examples).
   */
  engineModules?: string[];
}
