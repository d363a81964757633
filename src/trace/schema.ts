// The Trace: everything one observed run of a user's model file did that matters for gradient flow.
// Produced by src/trace (the recorder, inside the runner's worker), consumed by src/analysis
// (Trace → Report). Plain JSON: no Maps, no class instances, no cycles.
//
// Conventions
// - Sites are 1-based `{file, line, column}` in the user's TypeScript source (after source mapping).
//   `file` has the form the checked file was given in: relative to the working directory when the
//   file was given relative, absolute otherwise. A site is null when no user frame was on the stack
//   (e.g. a noGrad region restored after an awaited promise).
// - Ids: `tensor ids` are the engine's Tensor.id. `op ids` are indices into Trace.ops, `module ids`
//   indices into Trace.modules, `optimizer ids` indices into Trace.optimizers.
// - `seq` is one counter shared by every record kind, so records of different kinds can be put in
//   the order they happened (e.g. "the requiresGrad change came before this op").
// - Ops run by the engine on behalf of backward() and of optimizer.step() are not recorded (they are
//   the machinery, not the model); their effects are summarised in BackwardRecord and StepRecord.
// - Tensor ids that are neither a leaf, an op output nor a detach result can appear among op inputs:
//   engine-internal temporaries (a scalar operand, the snapshot an in-place op reads). Treat them as
//   constants.

import type { RunError, StopInfo } from "../protocol/report";
import { arrayOf, bool, check, int, literal, nullable, num, object, oneOf, str, type Shape } from "./jsonShape";

export const TRACE_VERSION = 1 as const;

export interface Site {
  file: string;
  /** 1-based */ line: number;
  /** 1-based */ column: number;
}

/** A leaf tensor: made by a factory (tensor, zeros, randn, ...) or an nn.Parameter. */
export interface LeafRecord {
  seq: number;
  /** tensor id */ id: number;
  /**
   * Qualified name. Parameters and buffers: "<root module path>.<namedParameters name>", e.g.
   * "G.fc1.weight". A leaf outside any module: the variable it is assigned to at its creation line
   * ("x", "q"); when several leaves share that name (a loop), the first keeps it and later ones get
   * "x#2", "x#3". Fallback when no variable is visible: "<factory>@<line>" (e.g. "randn@12").
   */
  name: string;
  kind: "parameter" | "buffer" | "leaf";
  /** the factory: "tensor", "randn", ..., or "Parameter" */
  factory: string;
  shape: number[];
  dtype: string;
  numel: number;
  /** requiresGrad when created; later changes are in Trace.requiresGradChanges */
  requiresGrad: boolean;
  /** requiresGrad when the run stopped */
  requiresGradAtEnd: boolean;
  /** module id of the module that owns it (parameters and buffers), else null */
  module: number | null;
  /** qualified path of that module ("G.fc1"), else null */
  modulePath: string | null;
  site: Site | null;
}

/** One input of an op, as it was when the op ran. */
export interface OpInput {
  /** tensor id */ tensor: number;
  /**
   * The op that produced this input's value (op id), or null for a leaf, a detach result, or an
   * engine temporary. Follows the tensor's gradFn when it has one, so in-place ops resolve right.
   */
  producer: number | null;
  /** the input required grad when the op ran */
  requiresGrad: boolean;
}

export interface SavedTensorRecord {
  /** tensor id */ tensor: number;
  bytes: number;
  /** the saved tensor is a parameter (its memory exists anyway; do not count it as activation memory) */
  isParameter: boolean;
}

/** A forward op (anything that produced a tensor outside backward() and optimizer.step()). */
export interface OpRecord {
  seq: number;
  /** op id = index in Trace.ops */ id: number;
  /** the engine's op name: "add", "matmul", "relu_", ... */
  op: string;
  /** the gradFn (Node) name, "MulBackward0", or null when no graph was recorded */
  gradFn: string | null;
  inputs: OpInput[];
  /** tensor ids of the outputs (one for most ops) */
  outputs: number[];
  /** shape of outputs[0] */
  shape: number[];
  dtype: string;
  /** grad mode was on when it ran */
  gradEnabled: boolean;
  /** bytes the node keeps for backward (0 when no node) */
  savedBytes: number;
  saved: SavedTensorRecord[];
  /** the op wrote into outputs[0] in place (x.add_(...)); the in-place target's id is outputs[0] */
  inPlace: boolean;
  /** innermost module whose forward() it ran in (module id), or null */
  module: number | null;
  modulePath: string | null;
  site: Site | null;
}

export interface ModuleRecord {
  seq: number;
  /** module id = index in Trace.modules */ id: number;
  /**
   * Qualified path: a root module is named after the variable it is assigned to ("G", "model");
   * a child is "<parent path>.<attribute>" ("G.fc1"). Fallback "<ClassName>#<n>".
   */
  path: string;
  className: string;
  /** module id of the parent, or null for a root */
  parent: number | null;
  /** where it was constructed (the `new` expression) */
  site: Site | null;
  /** module.training when the run stopped */
  training: boolean;
  /** train(mode) / eval() calls on this module, in order */
  trainCalls: Array<{ seq: number; mode: boolean; site: Site | null }>;
  /** requiresGrad_(flag) calls on this module itself (not inherited from a parent's call) */
  requiresGradCalls: Array<{ seq: number; flag: boolean; site: Site | null }>;
  /** tensor ids of its own (non-recursive) parameters and buffers */
  parameters: number[];
  buffers: number[];
  /**
   * Module id of the module whose constructor created it (a field initialiser, a child built in
   * `constructor()`), absent for modules made by user code outside module constructors. A root with
   * this set is not registered anywhere (a replaced `fc`, a module kept in a plain array).
   */
  createdInside?: number;
}

export interface DetachRecord {
  seq: number;
  /** tensor ids; equal for detach_() */
  source: number;
  result: number;
  inPlace: boolean;
  /** the op that produced the source (null when the source is a leaf) */
  sourceProducer: number | null;
  /** the source required grad, i.e. this detach cut a gradient path */
  sourceRequiresGrad: boolean;
  module: number | null;
  modulePath: string | null;
  site: Site | null;
}

export type GradModeKind =
  | "no-grad-enter"
  | "no-grad-exit"
  | "enable-grad-enter"
  | "enable-grad-exit"
  | "set-grad-enabled";

export interface GradModeRecord {
  seq: number;
  kind: GradModeKind;
  /** for set-grad-enabled: the argument */
  enabled?: boolean;
  /** grad mode after the change */
  enabledAfter: boolean;
  site: Site | null;
}

export interface RequiresGradChangeRecord {
  seq: number;
  /** tensor id */ tensor: number;
  flag: boolean;
  via: "requiresGrad" | "requiresGrad_" | "module";
  /** for via "module": the module whose requiresGrad_ caused it */
  module: number | null;
  site: Site | null;
}

export interface BackwardRecord {
  seq: number;
  /** 0-based index among the run's backward() calls */
  index: number;
  /** tensor id of the tensor backward() was called on */
  root: number;
  /** op id that produced the root, or null */
  rootProducer: number | null;
  retainGraph: boolean;
  createGraph: boolean;
  /** leaves that received gradient in this call, with the L2 norm of their .grad afterwards (null when not finite) */
  reached: Array<{ tensor: number; gradNorm: number | null }>;
  /** message of the error backward() threw, or null */
  error: string | null;
  site: Site | null;
}

export interface OptimizerGroupRecord {
  lr: number;
  momentum: number | null;
  weightDecay: number | null;
  /** tensor ids */
  params: number[];
}

export interface OptimizerRecord {
  seq: number;
  /** optimizer id = index in Trace.optimizers */ id: number;
  /** the variable it is assigned to ("opt", "optD"); fallback "<ClassName>#<n>" */
  name: string;
  className: string;
  /** param groups when the run stopped (group order as in paramGroups) */
  groups: OptimizerGroupRecord[];
  site: Site | null;
}

export interface StepRecord {
  seq: number;
  /** optimizer id */ optimizer: number;
  /** 0-based count of this optimizer's steps */
  index: number;
  /** lr of each group at this step */
  lrs: number[];
  /**
   * every parameter in the optimizer's groups, with the max |new - old| over its elements (null when
   * not finite: the step wrote NaN or Infinity) and whether it held a .grad when the step began
   */
  changes: Array<{ tensor: number; maxAbsChange: number | null; hadGrad: boolean }>;
  site: Site | null;
}

/**
 * A clearing of gradients: `opt.zeroGrad()` / `module.zeroGrad()`, or one written by hand (owner kind
 * "assignment"): `p.grad = null` (setToNone true), `p.grad = zerosLike(p)` or any other assigned
 * tensor (setToNone false: what backward() had accumulated is gone), or `p.grad.zero_()` on a leaf's
 * current gradient (setToNone false). Consecutive hand-written clears at one site with no backward,
 * step or zeroGrad in between (`for (const p of model.parameters()) p.grad = null;`) are one record.
 */
export interface ZeroGradRecord {
  seq: number;
  owner:
    | { kind: "optimizer"; optimizer: number }
    | { kind: "module"; module: number }
    | { kind: "assignment"; /** tensor ids of the leaves whose .grad it cleared */ tensors: number[] }
    | { kind: "other" };
  setToNone: boolean;
  site: Site | null;
}

export interface BufferUpdateRecord {
  seq: number;
  module: number;
  modulePath: string;
  /** buffer's local name ("runningMean") */
  name: string;
  /** tensor id */ tensor: number;
  site: Site | null;
}

export interface InplaceRecord {
  seq: number;
  /** tensor id written to */ tensor: number;
  op: string;
  /** the op record that computed the new value, when one was recorded */
  producer: number | null;
  site: Site | null;
}

/**
 * A parameter changed outside autograd with its own gradient: a hand-written update
 * (`noGrad(() => p.sub_(p.grad.mul(lr)))`, `p.data.add_(p.grad, { alpha: -lr })`, `p.data = ...`).
 */
export interface ManualUpdateRecord {
  seq: number;
  /** tensor id of the parameter */ tensor: number;
  /** "sub_", "add_", ..., or "data=" for an assignment to .data */
  op: string;
  site: Site | null;
}

/** `p.grad = g` with a tensor that is not all zeros: a gradient set by hand (gradient surgery, restoring). */
export interface GradAssignmentRecord {
  seq: number;
  /** tensor id of the leaf */ tensor: number;
  site: Site | null;
}

export interface TraceLimits {
  /** ops beyond Trace.limits.maxOps were not recorded */
  maxOps: number;
  opsDropped: number;
  maxLeaves: number;
  leavesDropped: number;
}

export interface Trace {
  version: typeof TRACE_VERSION;
  /** the checked file, as given */
  file: string;
  leaves: LeafRecord[];
  ops: OpRecord[];
  modules: ModuleRecord[];
  detaches: DetachRecord[];
  gradModes: GradModeRecord[];
  requiresGradChanges: RequiresGradChangeRecord[];
  inplaces: InplaceRecord[];
  backwards: BackwardRecord[];
  optimizers: OptimizerRecord[];
  steps: StepRecord[];
  zeroGrads: ZeroGradRecord[];
  bufferUpdates: BufferUpdateRecord[];
  /** hand-written parameter updates (optional: absent in traces of older recorders) */
  manualUpdates?: ManualUpdateRecord[];
  /** gradients assigned by hand (optional) */
  gradAssignments?: GradAssignmentRecord[];
  /** where and why the run stopped (see src/runner/stopRule.ts for the early-stop rule) */
  stopped: StopInfo;
  /** the error that ended the run, or null (a clean stop, including an early stop, is not an error) */
  error: RunError | null;
  /** console output of the user's file, one entry per console call, formatted like Node's console */
  console: string[];
  limits: TraceLimits;
  durationMs: number;
}

export type { RunError, StopInfo };

// ---- runtime validation ------------------------------------------------------------------------

const site: Shape = object({ file: str, line: int, column: int });
const optSite = nullable(site);
const ints = arrayOf(int);
const idOrNull = nullable(int);

export const siteShape = site;

export const stopInfoShape: Shape = object({
  reason: literal("end-of-file", "step-budget", "backward-budget", "error", "timeout", "memory", "cancelled"),
  message: str,
  "file?": str,
  "line?": int,
  "column?": int,
});

export const runErrorShape: Shape = object({
  kind: literal("syntax", "exception", "rejection", "timeout", "memory", "missing-import", "cancelled"),
  message: str,
  file: str,
  line: int,
  column: int,
  "stack?": str,
});

const traceShape: Shape = object({
  version: literal(TRACE_VERSION),
  file: str,
  leaves: arrayOf(object({
    seq: int, id: int, name: str, kind: literal("parameter", "buffer", "leaf"), factory: str, shape: ints, dtype: str,
    numel: int, requiresGrad: bool, requiresGradAtEnd: bool, module: idOrNull, modulePath: nullable(str), site: optSite,
  })),
  ops: arrayOf(object({
    seq: int, id: int, op: str, gradFn: nullable(str),
    inputs: arrayOf(object({ tensor: int, producer: idOrNull, requiresGrad: bool })),
    outputs: ints, shape: ints, dtype: str, gradEnabled: bool, savedBytes: num,
    saved: arrayOf(object({ tensor: int, bytes: num, isParameter: bool })),
    inPlace: bool, module: idOrNull, modulePath: nullable(str), site: optSite,
  })),
  modules: arrayOf(object({
    seq: int, id: int, path: str, className: str, parent: idOrNull, site: optSite, training: bool,
    trainCalls: arrayOf(object({ seq: int, mode: bool, site: optSite })),
    requiresGradCalls: arrayOf(object({ seq: int, flag: bool, site: optSite })),
    parameters: ints, buffers: ints, "createdInside?": int,
  })),
  detaches: arrayOf(object({
    seq: int, source: int, result: int, inPlace: bool, sourceProducer: idOrNull, sourceRequiresGrad: bool,
    module: idOrNull, modulePath: nullable(str), site: optSite,
  })),
  gradModes: arrayOf(object({
    seq: int, kind: literal("no-grad-enter", "no-grad-exit", "enable-grad-enter", "enable-grad-exit", "set-grad-enabled"),
    "enabled?": bool, enabledAfter: bool, site: optSite,
  })),
  requiresGradChanges: arrayOf(object({
    seq: int, tensor: int, flag: bool, via: literal("requiresGrad", "requiresGrad_", "module"), module: idOrNull, site: optSite,
  })),
  inplaces: arrayOf(object({ seq: int, tensor: int, op: str, producer: idOrNull, site: optSite })),
  backwards: arrayOf(object({
    seq: int, index: int, root: int, rootProducer: idOrNull, retainGraph: bool, createGraph: bool,
    reached: arrayOf(object({ tensor: int, gradNorm: nullable(num) })), error: nullable(str), site: optSite,
  })),
  optimizers: arrayOf(object({
    seq: int, id: int, name: str, className: str, site: optSite,
    groups: arrayOf(object({ lr: num, momentum: nullable(num), weightDecay: nullable(num), params: ints })),
  })),
  steps: arrayOf(object({
    seq: int, optimizer: int, index: int, lrs: arrayOf(num), site: optSite,
    changes: arrayOf(object({ tensor: int, maxAbsChange: nullable(num), hadGrad: bool })),
  })),
  zeroGrads: arrayOf(object({
    seq: int, setToNone: bool, site: optSite,
    owner: oneOf(
      object({ kind: literal("optimizer"), optimizer: int }),
      object({ kind: literal("module"), module: int }),
      object({ kind: literal("assignment"), tensors: ints }),
      object({ kind: literal("other") }),
    ),
  })),
  bufferUpdates: arrayOf(object({ seq: int, module: int, modulePath: str, name: str, tensor: int, site: optSite })),
  "manualUpdates?": arrayOf(object({ seq: int, tensor: int, op: str, site: optSite })),
  "gradAssignments?": arrayOf(object({ seq: int, tensor: int, site: optSite })),
  stopped: stopInfoShape,
  error: nullable(runErrorShape),
  console: arrayOf(str),
  limits: object({ maxOps: int, opsDropped: int, maxLeaves: int, leavesDropped: int }),
  durationMs: num,
});

/** Checks that `value` is a Trace of this version; returns the mismatches (empty when valid). */
export function validateTrace(value: unknown): string[] {
  return check(traceShape, value);
}

export function isTrace(value: unknown): value is Trace {
  return validateTrace(value).length === 0;
}
