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

// - Defined once, with TypeBox: each `...Schema` constant is a JSON Schema (draft 7 compatible, extra
//   keys allowed so readers tolerate newer producers) and `Static<typeof ...Schema>` its type. To add
//   a field, add it here (new fields: `Type.Optional(...)`, so older traces stay valid).

import { Type, type Static, type TSchema } from "@sinclair/typebox";
import type { RunError, StopInfo } from "../protocol/report";
import { TRACE_VERSION } from "./version";

export { TRACE_VERSION };

const Int = Type.Integer();
const Ints = Type.Array(Type.Integer());
const Num = Type.Number();
const Str = Type.String();
const Bool = Type.Boolean();
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const IdOrNull = Nullable(Type.Integer());

export const SiteSchema = Type.Object({
  file: Str,
  line: Type.Integer({ description: "1-based" }),
  column: Type.Integer({ description: "1-based" }),
});
export type Site = Static<typeof SiteSchema>;
const OptSite = Nullable(SiteSchema);

export const StopInfoSchema = Type.Object({
  reason: Type.Union(
    ["end-of-file", "step-budget", "backward-budget", "error", "timeout", "memory", "cancelled"].map((r) => Type.Literal(r as StopInfo["reason"])),
  ),
  message: Str,
  file: Type.Optional(Str),
  line: Type.Optional(Int),
  column: Type.Optional(Int),
});

export const RunErrorSchema = Type.Object({
  kind: Type.Union(
    ["syntax", "exception", "rejection", "timeout", "memory", "missing-import", "cancelled"].map((k) => Type.Literal(k as RunError["kind"])),
  ),
  message: Str,
  file: Str,
  line: Int,
  column: Int,
  stack: Type.Optional(Str),
});

/** A leaf tensor: made by a factory (tensor, zeros, randn, ...) or an nn.Parameter. */
export const LeafRecordSchema = Type.Object({
  seq: Int,
  id: Type.Integer({ description: "tensor id" }),
  // Parameters and buffers: "<root module path>.<namedParameters name>" ("G.fc1.weight"). A leaf
  // outside any module: the variable it is assigned to at its creation line ("x"); later leaves of
  // the same name get "x#2", "x#3". Fallback: "<factory>@<line>" ("randn@12").
  name: Str,
  kind: Type.Union([Type.Literal("parameter"), Type.Literal("buffer"), Type.Literal("leaf")]),
  factory: Type.String({ description: 'the factory: "tensor", "randn", ..., or "Parameter"' }),
  shape: Ints,
  dtype: Str,
  numel: Int,
  requiresGrad: Type.Boolean({ description: "when created; later changes are in Trace.requiresGradChanges" }),
  requiresGradAtEnd: Type.Boolean({ description: "when the run stopped" }),
  module: Type.Union([Int, Type.Null()], { description: "module id of the owning module (parameters and buffers)" }),
  modulePath: Nullable(Str),
  site: OptSite,
});
export type LeafRecord = Static<typeof LeafRecordSchema>;

/** One input of an op, as it was when the op ran. */
export const OpInputSchema = Type.Object({
  tensor: Int,
  // The op that produced this input's value, or null for a leaf, a detach result or an engine
  // temporary. Follows the tensor's gradFn, so in-place ops resolve right.
  producer: IdOrNull,
  requiresGrad: Type.Boolean({ description: "the input required grad when the op ran" }),
});
export type OpInput = Static<typeof OpInputSchema>;

export const SavedTensorRecordSchema = Type.Object({
  tensor: Int,
  bytes: Num,
  isParameter: Type.Boolean({ description: "a parameter's memory exists anyway: not activation memory" }),
});
export type SavedTensorRecord = Static<typeof SavedTensorRecordSchema>;

/** A forward op (anything that produced a tensor outside backward() and optimizer.step()). */
export const OpRecordSchema = Type.Object({
  seq: Int,
  id: Type.Integer({ description: "op id = index in Trace.ops" }),
  op: Type.String({ description: 'the engine\'s op name: "add", "matmul", "relu_", ...' }),
  gradFn: Type.Union([Str, Type.Null()], { description: 'the gradFn (Node) name, "MulBackward0", or null when no graph was recorded' }),
  inputs: Type.Array(OpInputSchema),
  outputs: Type.Array(Type.Integer(), { description: "tensor ids of the outputs" }),
  shape: Type.Array(Type.Integer(), { description: "shape of outputs[0]" }),
  dtype: Str,
  gradEnabled: Bool,
  savedBytes: Type.Number({ description: "bytes the node keeps for backward (0 when no node)" }),
  saved: Type.Array(SavedTensorRecordSchema),
  inPlace: Type.Boolean({ description: "wrote into outputs[0] in place (x.add_(...))" }),
  module: Type.Union([Int, Type.Null()], { description: "innermost module whose forward() it ran in" }),
  modulePath: Nullable(Str),
  site: OptSite,
});
export type OpRecord = Static<typeof OpRecordSchema>;

export const ModuleRecordSchema = Type.Object({
  seq: Int,
  id: Type.Integer({ description: "module id = index in Trace.modules" }),
  // A root module is named after its variable ("G"); a child is "<parent path>.<attribute>"
  // ("G.fc1"). Fallback "<ClassName>#<n>".
  path: Str,
  className: Str,
  parent: IdOrNull,
  site: OptSite,
  training: Type.Boolean({ description: "module.training when the run stopped" }),
  trainCalls: Type.Array(Type.Object({ seq: Int, mode: Bool, site: OptSite })),
  /** requiresGrad_(flag) calls on this module itself (not inherited from a parent's call) */
  requiresGradCalls: Type.Array(Type.Object({ seq: Int, flag: Bool, site: OptSite })),
  parameters: Type.Array(Type.Integer(), { description: "tensor ids of its own (non-recursive) parameters" }),
  buffers: Ints,
  // The module whose constructor created this one (a field initialiser, a child built in
  // `constructor()`); absent for modules made outside module constructors. A root with it set is
  // registered nowhere (a replaced `fc`, a module kept in a plain array).
  createdInside: Type.Optional(Int),
});
export type ModuleRecord = Static<typeof ModuleRecordSchema>;

export const DetachRecordSchema = Type.Object({
  seq: Int,
  source: Type.Integer({ description: "tensor id; equal to result for detach_()" }),
  result: Int,
  inPlace: Bool,
  sourceProducer: IdOrNull,
  sourceRequiresGrad: Type.Boolean({ description: "the source required grad: this detach cut a gradient path" }),
  module: IdOrNull,
  modulePath: Nullable(Str),
  site: OptSite,
});
export type DetachRecord = Static<typeof DetachRecordSchema>;

export const GradModeKindSchema = Type.Union([
  Type.Literal("no-grad-enter"),
  Type.Literal("no-grad-exit"),
  Type.Literal("enable-grad-enter"),
  Type.Literal("enable-grad-exit"),
  Type.Literal("set-grad-enabled"),
]);
export type GradModeKind = Static<typeof GradModeKindSchema>;

export const GradModeRecordSchema = Type.Object({
  seq: Int,
  kind: GradModeKindSchema,
  enabled: Type.Optional(Type.Boolean({ description: "for set-grad-enabled: the argument" })),
  enabledAfter: Bool,
  site: OptSite,
});
export type GradModeRecord = Static<typeof GradModeRecordSchema>;

export const RequiresGradChangeRecordSchema = Type.Object({
  seq: Int,
  tensor: Int,
  flag: Bool,
  via: Type.Union([Type.Literal("requiresGrad"), Type.Literal("requiresGrad_"), Type.Literal("module")]),
  module: Type.Union([Int, Type.Null()], { description: 'for via "module": the module whose requiresGrad_ caused it' }),
  site: OptSite,
});
export type RequiresGradChangeRecord = Static<typeof RequiresGradChangeRecordSchema>;

export const BackwardRecordSchema = Type.Object({
  seq: Int,
  index: Type.Integer({ description: "0-based index among the run's backward() calls" }),
  root: Type.Integer({ description: "tensor id backward() was called on" }),
  rootProducer: IdOrNull,
  retainGraph: Bool,
  createGraph: Bool,
  /** leaves that received gradient in this call, with the L2 norm of their .grad afterwards (null when not finite) */
  reached: Type.Array(Type.Object({ tensor: Int, gradNorm: Nullable(Num) })),
  error: Type.Union([Str, Type.Null()], { description: "message of the error backward() threw" }),
  site: OptSite,
});
export type BackwardRecord = Static<typeof BackwardRecordSchema>;

export const OptimizerGroupRecordSchema = Type.Object({
  lr: Num,
  momentum: Nullable(Num),
  weightDecay: Nullable(Num),
  params: Ints,
});
export type OptimizerGroupRecord = Static<typeof OptimizerGroupRecordSchema>;

export const OptimizerRecordSchema = Type.Object({
  seq: Int,
  id: Type.Integer({ description: "optimizer id = index in Trace.optimizers" }),
  name: Type.String({ description: 'the variable it is assigned to ("optD"); fallback "<ClassName>#<n>"' }),
  className: Str,
  groups: Type.Array(OptimizerGroupRecordSchema, { description: "param groups when the run stopped" }),
  site: OptSite,
});
export type OptimizerRecord = Static<typeof OptimizerRecordSchema>;

export const StepRecordSchema = Type.Object({
  seq: Int,
  optimizer: Int,
  index: Type.Integer({ description: "0-based position among this optimizer's step records, skipped ones included" }),
  lrs: Type.Array(Num, { description: "lr of each group at this step" }),
  // every parameter in the optimizer's groups: whether the step changed some element's value (−0 = +0;
  // a NaN or ±∞ before or after counts as changed, as |new − old| is then not finite) and whether it
  // held a .grad when the step began. Version 1 had maxAbsChange instead: only "changed" was ever read,
  // and measuring the amount took a copy of every parameter
  changes: Type.Array(Type.Object({ tensor: Int, changed: Bool, hadGrad: Bool })),
  site: OptSite,
  // GradScaler.step found inf/NaN gradients and did not call the optimizer's step (mixed precision's
  // first iterations): the call read the gradients but applied nothing, so every change is false.
  // Absent on a step that ran; only the PyTorch backend writes it
  skipped: Type.Optional(Type.Literal(true)),
});
export type StepRecord = Static<typeof StepRecordSchema>;

/**
 * A clearing of gradients: `opt.zeroGrad()` / `module.zeroGrad()`, or one written by hand (owner kind
 * "assignment"): `p.grad = null` (setToNone true), `p.grad = zerosLike(p)` or any other assigned
 * tensor (setToNone false), or `p.grad.zero_()` (setToNone false). Consecutive hand-written clears at
 * one site with no backward, step or zeroGrad in between are one record.
 */
export const ZeroGradRecordSchema = Type.Object({
  seq: Int,
  owner: Type.Union([
    Type.Object({ kind: Type.Literal("optimizer"), optimizer: Int }),
    Type.Object({ kind: Type.Literal("module"), module: Int }),
    Type.Object({ kind: Type.Literal("assignment"), tensors: Type.Array(Type.Integer(), { description: "leaves whose .grad it cleared" }) }),
    Type.Object({ kind: Type.Literal("other") }),
  ]),
  setToNone: Bool,
  site: OptSite,
});
export type ZeroGradRecord = Static<typeof ZeroGradRecordSchema>;

export const BufferUpdateRecordSchema = Type.Object({
  seq: Int,
  module: Int,
  modulePath: Str,
  name: Type.String({ description: 'buffer\'s local name ("runningMean")' }),
  tensor: Int,
  site: OptSite,
});
export type BufferUpdateRecord = Static<typeof BufferUpdateRecordSchema>;

export const InplaceRecordSchema = Type.Object({
  seq: Int,
  tensor: Type.Integer({ description: "tensor id written to" }),
  op: Str,
  producer: Type.Union([Int, Type.Null()], { description: "the op record that computed the new value" }),
  site: OptSite,
  // `tensor` is not a recorded leaf but shares one's memory (`p.data`, `p.detach()`, a state-dict
  // value, a view of it): the write changed that leaf's values. MoCo's `pk.data.mul_(m).add_(...)`
  // and timm's `ema_v.copy_(...)` over state_dict() values write a parameter only through such an
  // alias. Absent when `tensor` is the leaf itself or no leaf's memory
  aliasOf: Type.Optional(Type.Integer({ description: "tensor id of the leaf whose memory was written" })),
});
export type InplaceRecord = Static<typeof InplaceRecordSchema>;

/**
 * A parameter changed outside autograd with its own gradient: a hand-written update
 * (`noGrad(() => p.sub_(p.grad.mul(lr)))`, `p.data.add_(p.grad, { alpha: -lr })`, `p.data = ...`).
 */
export const ManualUpdateRecordSchema = Type.Object({
  seq: Int,
  tensor: Type.Integer({ description: "tensor id of the parameter" }),
  op: Type.String({ description: '"sub_", "add_", ..., or "data=" for an assignment to .data' }),
  site: OptSite,
});
export type ManualUpdateRecord = Static<typeof ManualUpdateRecordSchema>;

/** `p.grad = g` with a tensor that is not all zeros: a gradient set by hand (gradient surgery, restoring). */
export const GradAssignmentRecordSchema = Type.Object({
  seq: Int,
  tensor: Type.Integer({ description: "tensor id of the leaf" }),
  site: OptSite,
});
export type GradAssignmentRecord = Static<typeof GradAssignmentRecordSchema>;

export const TraceLimitsSchema = Type.Object({
  maxOps: Type.Integer({ description: "ops beyond this were not recorded" }),
  opsDropped: Int,
  maxLeaves: Int,
  leavesDropped: Int,
  repeatsDropped: Type.Optional(Type.Integer({ minimum: 0, description: "records left out as repeats that cannot change the analysis (src/trace/repeats.ts)" })),
});
export type TraceLimits = Static<typeof TraceLimitsSchema>;

export const TraceSchema = Type.Object(
  {
    version: Type.Literal(TRACE_VERSION),
    file: Type.String({ description: "the checked file, as given" }),
    leaves: Type.Array(LeafRecordSchema),
    ops: Type.Array(OpRecordSchema),
    modules: Type.Array(ModuleRecordSchema),
    detaches: Type.Array(DetachRecordSchema),
    gradModes: Type.Array(GradModeRecordSchema),
    requiresGradChanges: Type.Array(RequiresGradChangeRecordSchema),
    inplaces: Type.Array(InplaceRecordSchema),
    backwards: Type.Array(BackwardRecordSchema),
    optimizers: Type.Array(OptimizerRecordSchema),
    steps: Type.Array(StepRecordSchema),
    zeroGrads: Type.Array(ZeroGradRecordSchema),
    bufferUpdates: Type.Array(BufferUpdateRecordSchema),
    /** hand-written parameter updates (absent in traces of older recorders) */
    manualUpdates: Type.Optional(Type.Array(ManualUpdateRecordSchema)),
    /** gradients assigned by hand */
    gradAssignments: Type.Optional(Type.Array(GradAssignmentRecordSchema)),
    /** where and why the run stopped (src/runner/stopRule.ts) */
    stopped: StopInfoSchema,
    error: Type.Union([RunErrorSchema, Type.Null()], { description: "the error that ended the run; null for a clean stop" }),
    console: Type.Array(Str, { description: "the file's console output, one entry per console call" }),
    limits: TraceLimitsSchema,
    durationMs: Num,
  },
  { $id: "https://gradlens.invalid/trace.schema.json", title: "GradLens Trace" },
);
export type Trace = Static<typeof TraceSchema>;

// The protocol's RunError and StopInfo (src/protocol/report.ts) and these schemas must not drift:
// a compile error here means one of them changed without the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameStop: Same<Static<typeof StopInfoSchema>, StopInfo> = true;
const sameError: Same<Static<typeof RunErrorSchema>, RunError> = true;
void sameStop;
void sameError;

export type { RunError, StopInfo };
export { validateTrace, isTrace, siteShape, stopInfoShape, runErrorShape } from "./validate";
