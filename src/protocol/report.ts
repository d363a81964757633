// The Report: what a gradient-flow check found. Produced by src/analysis, consumed by the CLI, the
// extension and the webview (media/). Fields marked "stable" are relied on by tests and by users of
// `gradlens check --json`; everything else may grow. Lines and columns are 1-based, in the user's
// TypeScript source.

export const REPORT_VERSION = 1 as const;

export type ParamStatus = "updated" | "grad-not-applied" | "frozen" | "cut" | "unused";
export type CauseKind =
  | "detach"
  | "no-grad"
  | "requires-grad-false"
  | "not-in-optimizer"
  | "lr-zero"
  /** it is in an optimizer with a non-zero lr, but that optimizer never stepped while it held a gradient */
  | "not-stepped"
  | "unreachable";
export type Severity = "error" | "warning" | "info";
export type CutKind = "detach" | "no-grad" | "requires-grad-false";

export interface SourceSite {
  file: string;
  line: number;
  column: number;
}

export interface Cause extends SourceSite {
  kind: CauseKind;
  /** One sentence for people, e.g. "x2.detach() at model.ts:14 stops every gradient to lin0.weight". */
  message: string;
  /**
   * Other cuts on the same path that must also go for the gradient to arrive (when cuts sit one
   * after the other); absent when removing this cause alone is enough.
   */
  alsoNeeded?: Array<SourceSite & { kind: CauseKind }>;
}

export interface OptimizerMembership {
  optimizer: string;
  group: number;
  /** the lr its last step used (a scheduler may have changed it since), or the group's lr when it never stepped */
  lr: number;
}

export interface ParameterReport {
  /** stable */ name: string;
  /** stable */ shape: number[];
  numel: number;
  dtype: string;
  /** stable */ requiresGrad: boolean;
  /** stable: a backward() accumulated a gradient into it */ gotGrad: boolean;
  /** L2 norm of the last gradient it held, or null */ gradNorm: number | null;
  /** stable: names of the optimizers that hold it */ optimizers: string[];
  groups: OptimizerMembership[];
  /**
   * stable: an optimizer step applied a gradient to it (non-null .grad, lr ≠ 0), or a hand-written
   * update did; `status` is "updated" exactly when this is true
   */
  updated: boolean;
  /**
   * where a hand-written update changed it, when one did: from its gradient (`p.data.add_(p.grad,
   * { alpha: -lr })`), or, for a parameter that gets no gradient, a write outside autograd during
   * training (an EMA target's `pt.mul_(m).add_(po, { alpha: 1 - m })`)
   */
  updatedByHand?: SourceSite;
  /** a remark on an `updated` parameter, e.g. that its applied gradient was exactly zero */
  note?: string;
  /** stable */ status: ParamStatus;
  /** stable: why it was not updated; null when updated */ cause: Cause | null;
  /** qualified module path it belongs to ("G.fc1"), or null for a free leaf */ module: string | null;
  /** where it was created */ site: SourceSite | null;
  /** indices into Report.backwards of the backward() calls that sent it gradient */ reachedBy: number[];
}

/**
 * Tensors outside any module that require grad but that the program does not train: no optimizer
 * holds them and nothing updates them (an adversarial example's image whose gradient is read). One
 * entry per line that makes them; not rows of the parameter table.
 */
export interface InputReport {
  /** the first one's name ("data"; later ones are "data#2", ...) */ name: string;
  shape: number[];
  numel: number;
  dtype: string;
  /** how many such tensors that line made */ count: number;
  /** some backward() sent gradient to one of them */ gotGrad: boolean;
  /** indices into Report.backwards that reached one of them */ reachedBy: number[];
  /** where they were made */ site: SourceSite | null;
}

export interface RelatedSite extends SourceSite {
  message: string;
}

export interface Finding extends SourceSite {
  /** stable, e.g. "GL001"; documented in docs/findings.md */ code: string;
  severity: Severity;
  message: string;
  parameters: string[];
  related: RelatedSite[];
}

export interface BackwardReport extends SourceSite {
  index: number;
  /** stable: parameters it sent gradient to */ reached: string[];
  /** reached parameter counts by top-level module ("D": 4, "G": 0) */
  byModule: Record<string, number>;
}

export interface CutReport extends SourceSite {
  /** stable */ kind: CutKind;
  /** stable: parameters whose gradient this site blocked */ blocked: string[];
  /** of those, the ones that got gradient another way */ gotGradElsewhere: string[];
  /** for regions (noGrad), the last line of the region */ endLine?: number;
}

export interface OptimizerGroupReport {
  index: number;
  lr: number;
  params: string[];
}

export interface OptimizerReport extends SourceSite {
  name: string;
  /** "SGD", "Adam", ... */ type: string;
  groups: OptimizerGroupReport[];
  steps: number;
  /** per step, the lr of each group that step used */
  stepLrs?: number[][];
  /** of the parameters it holds, those reported `updated`, and the others (one fact for every view) */
  updated?: string[];
  notUpdated?: string[];
}

export interface StopInfo {
  reason:
    | "end-of-file"
    | "step-budget"
    | "backward-budget"
    | "error"
    | "timeout"
    | "memory"
    | "cancelled";
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

export interface RunError extends SourceSite {
  kind: "syntax" | "exception" | "rejection" | "timeout" | "memory" | "missing-import" | "cancelled";
  message: string;
  stack?: string;
}

export interface MemoryReport {
  /** bytes held for backward by the whole graph, counted once per tensor */
  totalSavedBytes: number;
  byModule: Array<{ module: string; savedBytes: number }>;
  /** of totalSavedBytes, the part that is not parameter storage (activations) */
  activationBytes?: number;
  /** what freezing each top-level module would save */
  freezingSaves: Array<{ module: string; bytes: number }>;
}

export type GraphNodeKind = "param" | "leaf" | "op";

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  /** parameter or leaf name, or the op's gradFn name ("MulBackward0"), or the op name when no grad was recorded */
  label: string;
  shape: number[];
  dtype: string;
  /** qualified module path the op ran in or the parameter belongs to */
  module: string | null;
  site: SourceSite | null;
  savedBytes: number;
  gradNorm: number | null;
  /** for parameters */
  status?: ParamStatus;
  requiresGrad: boolean;
  /** false when computed with grad disabled (inside noGrad) */
  gradEnabled: boolean;
  /** indices into Report.backwards that reached this node */
  backwards: number[];
}

export interface GraphEdge {
  from: string;
  to: string;
  /** "detach": the value flowed on but the gradient was cut here */
  kind: "data" | "detach";
  site?: SourceSite;
}

export interface GraphModule {
  /** qualified path, "G.fc1" */ path: string;
  /** class name, "Linear" */ type: string;
  parent: string | null;
}

export interface GraphReport {
  nodes: GraphNode[];
  edges: GraphEdge[];
  modules: GraphModule[];
  /** set when the graph was truncated to keep the report small */
  truncated?: boolean;
}

export interface Report {
  /** stable */ version: typeof REPORT_VERSION;
  /** the checked file, as given */ file: string;
  /** stable */ parameters: ParameterReport[];
  /** inputs that require grad, apart from the parameters (see InputReport); absent when none */
  inputs?: InputReport[];
  /** stable */ findings: Finding[];
  /** stable */ backwards: BackwardReport[];
  /** stable */ cuts: CutReport[];
  optimizers: OptimizerReport[];
  memory: MemoryReport;
  graph: GraphReport;
  /** stable */ stopped: StopInfo;
  /**
   * The run reached a full iteration (every optimizer it made stepped; without optimizers, a
   * backward() ran). When an error or timeout ended it before that, findings are left out: they
   * would describe where the run stopped, not the gradient flow.
   */
  complete?: boolean;
  /** parameters no root module or optimizer holds (a replaced layer, an unregistered module): not rows */
  orphans?: string[];
  /** findings silenced by a `// gradlens-ignore GLxxx` comment, with the comment's line */
  suppressed?: Array<Finding & { by: SourceSite }>;
  error: RunError | null;
  console: string[];
  durationMs: number;
}
