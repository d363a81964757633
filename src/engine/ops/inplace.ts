import { Tensor } from "../tensor";
import { isGradEnabled } from "../gradMode";
import { LEAF_INPLACE, NO_GRAD_VIEW_INPLACE, VIEW_OF_LEAF_INPLACE } from "../errors";
import { observer } from "../observer";
import { broadcastShapes, shapesEqual, formatShape, numelOf, contiguousStrides } from "../shape";
import { allocate } from "../dtype";
import { record } from "../autograd/record";
import { Node } from "../autograd/node";
import { contiguousData, scatterStrided } from "./kernel";
import { expandRaw } from "./elementwise";
import { unbroadcast } from "./broadcast";
import { mul, where } from "./binary";
import { regionMask, stridedGather, stridedScatter, type Geometry } from "./strided";
import { randomNormal, randomUniform } from "../random";
import { registerOp } from "./registry";
import { addInto } from "../kernels/optim";
import type { FloatArray } from "../kernels/matmulRef";

// In-place ops compute out of place, then write the result into the tensor's own storage and bump its
// version (so autograd notices saved tensors that changed). When a graph is recorded, the op reads a
// snapshot of the old values carrying the old gradFn, and the tensor takes the new node as its gradFn.

registerOp({ name: "copySlices", gradFns: ["CopySlices"] });
registerOp({ name: "asStrided", gradFns: ["AsStridedBackward0"] });
registerOp({ name: "copy_", gradFns: ["CopyBackwards"] });
registerOp({ name: "fill_", gradFns: ["FillBackward2"] });
registerOp({ name: "zero_", gradFns: ["ZeroBackward0"] });
registerOp({ name: "uniform_", gradFns: ["UniformBackward0"] });
registerOp({ name: "normal_", gradFns: ["NormalBackward0"] });

function checkLeaf(t: Tensor, overlapOk = false): void {
  checkLeafOnly(t);
  if (!overlapOk) checkNoOverlap(t);
}

/** PyTorch's handle_view_on_rebase: a split/unbind output or a view made under noGrad, `indirect` when
 * its base or another view of the base was the one modified in place. */
export function viewRebaseMessage(t: Tensor, indirect: boolean): string {
  const modified = indirect ? "its base or another view of its base has been" : "is being";
  const multi = t._multiOutputView;
  const node = multi?.gradFn ?? t._recordedGradFn?.name ?? null;
  const head = node !== null
    ? `Output ${multi?.index ?? 0} of ${node} is a view and ${modified} modified inplace.`
    : `A view was created in no_grad mode and ${modified} modified inplace with grad mode enabled.`;
  return multi !== null
    ? `${head} This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.`
    : `${head} Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).`;
}

/** PyTorch's check_inplace, in its order: the view's own restrictions, a view of a leaf, a leaf. */
function checkLeafOnly(t: Tensor): void {
  if (!isGradEnabled() || !t.requiresGrad) return;
  const base = t.base;
  if (t._differentiableView && base !== null) {
    if (t._noGradView) throw new Error(NO_GRAD_VIEW_INPLACE);
    const multi = t._multiOutputView;
    if (multi !== null) {
      throw new Error(
        `Output ${multi.index} of ${multi.gradFn ?? t.gradFn?.name} is a view and is being modified inplace. This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.`,
      );
    }
    if (base.isLeaf) throw new Error(VIEW_OF_LEAF_INPLACE);
  }
  if (t.isLeaf) throw new Error(LEAF_INPLACE);
}

/** PyTorch refuses to write into memory that several elements share (an expanded tensor). */
function checkNoOverlap(t: { shape: readonly number[]; strides: readonly number[] }): void {
  if (t.shape.some((size, d) => size > 1 && t.strides[d] === 0)) {
    throw new Error(
      "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.",
    );
  }
}

function writeInto(t: Tensor, values: Tensor): void {
  if (!shapesEqual(values.shape, t.shape)) {
    throw new Error(`output with shape ${formatShape(t.shape)} doesn't match the broadcast shape ${formatShape(values.shape)}`);
  }
  scatterStrided(contiguousData(values), t.storage.data, t.offset, t.shape, t.strides);
  t._versionCounter.version++;
}

function snapshot(t: Tensor): Tensor {
  const copy = Tensor.fromArray(contiguousData(t).slice(), t.shape, t.dtype);
  copy.gradFn = t.gradFn;
  copy._initRequiresGrad(t.requiresGrad);
  return copy;
}

/** `overlapOk`: copy_ of a tensor into itself, which PyTorch returns early from (no overlap check). */
export function applyInPlace<T extends Tensor>(t: T, op: string, compute: (self: Tensor) => Tensor, overlapOk = false): T {
  checkLeaf(t, overlapOk);
  const recording = isGradEnabled();
  const result = compute(recording ? snapshot(t) : t);
  if (result.dtype !== t.dtype && !(t.isFloatingPoint() || !result.isFloatingPoint())) {
    throw new Error(`result type ${result.dtype} can't be cast to the desired output type ${t.dtype}`);
  }
  writeInto(t, result);
  // a node that saved its output (relu_, sqrt_) saved t itself, so a later in-place op on t is caught
  result.gradFn?.replaceSavedOutput(result, t);
  if (result.gradFn !== null) rebaseHistory(t, result);
  if (observer !== null) observer.onInplace?.(t, op);
  return t;
}

/**
 * Makes `result` (the recorded op on the old values) the history of `t`. When t is a view of a graph
 * tensor, its base takes a CopySlices node (gradient outside the view goes to the base's old history,
 * inside it through the op) and t becomes a view of the new base, as PyTorch does.
 */
function rebaseHistory(t: Tensor, result: Tensor): void {
  const base = t.base;
  if (!t._differentiableView || base === null) {
    t._setGradFn(result.gradFn);
    return;
  }
  const geometry = logicalGeometry(t, base);
  if (geometry === null) throw new Error("in-place operation on a view of a non-contiguous tensor is not supported");
  const oldBase = new Tensor(base.storage, base.shape, base.strides, base.offset, base.dtype)._sameCounterAs(base);
  oldBase.gradFn = base.gradFn;
  if (base.isLeaf) oldBase._initRequiresGrad(base.requiresGrad);
  else oldBase._setGradFn(base.gradFn);
  const baseShape = [...base.shape];
  const inRegion = regionMask(baseShape, geometry);
  // outside the view the gradient goes to the old history; inside, through the op (both differentiable)
  // PyTorch's CopySlices drops its fn when the graph is freed: a second pass raises even with nothing
  // saved; it copies the op's gradient into the view's region, which fails for expanded memory (fill_)
  record("copySlices", "CopySlices", [oldBase, result], base, (g, node) => (node.checkNotFreed(), checkNoOverlap(geometry), [
    node.needsInputGrad[0] ? where(inRegion, 0, g) : null,
    node.needsInputGrad[1] ? stridedGather(g, geometry) : null,
  ]));
  base._keepRetainHookOn(oldBase.gradFn);
  record("asStrided", "AsStridedBackward0", [base], t, (g) => [stridedScatter(g, baseShape, geometry)]);
  t._viewVersion = base.version;
}

/**
 * The view's place in its base as a geometry over the base's row-major index (what regionMask and the
 * strided gather/scatter read). For a contiguous base that is its storage geometry; a base laid out in
 * another dimension order (an elementwise result of a transposed input) maps each storage step to a
 * row-major one, checked element by element; null if the view is not such a map.
 */
function logicalGeometry(t: Tensor, base: Tensor): Geometry | null {
  const geometry = { shape: [...t.shape], strides: [...t.strides], offset: t.offset - base.offset };
  if (base.isContiguous()) return geometry;
  const rowMajor = contiguousStrides(base.shape);
  const order = base.shape.map((_, d) => d).filter((d) => base.shape[d] > 1).sort((a, b) => base.strides[b] - base.strides[a]);
  if (order.some((d) => base.strides[d] <= 0)) return null;
  const toRowMajor = (p: number) => {
    let l = 0;
    for (const d of order) {
      const i = Math.floor(p / base.strides[d]);
      if (i >= base.shape[d]) return NaN;
      p -= i * base.strides[d];
      l += i * rowMajor[d];
    }
    return p === 0 ? l : NaN;
  };
  const out = { shape: geometry.shape, strides: geometry.strides.map(toRowMajor), offset: toRowMajor(geometry.offset) };
  if (Number.isNaN(out.offset) || out.strides.some(Number.isNaN)) return null;
  const n = numelOf(geometry.shape), index = new Array<number>(geometry.shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let p = geometry.offset, l = out.offset;
    for (let d = 0; d < index.length; d++) {
      p += index[d] * geometry.strides[d];
      l += index[d] * out.strides[d];
    }
    if (toRowMajor(p) !== l) return null;
    for (let d = index.length - 1; d >= 0 && ++index[d] === geometry.shape[d]; d--) index[d] = 0;
  }
  return out;
}

/** A view's history made again from its base's current one (PyTorch's AsStridedBackward0 over CopySlices). */
export function regenerateView(t: Tensor): void {
  const base = t.base!;
  if (t._multiOutputView !== null || t._noGradView) {
    // PyTorch's grad_fn() refuses to regenerate these (handle_view_on_rebase); the engine raises only
    // with grad mode on, where an op reads it, so that observers reading it under noGrad do not raise
    if (isGradEnabled()) throw new Error(viewRebaseMessage(t, true));
    return;
  }
  t._viewVersion = base.version;
  const geometry = base.gradFn === null ? null : logicalGeometry(t, base);
  if (geometry === null) return; // a leaf base: the old chain reaches it the same way
  const baseShape = [...base.shape];
  t._setGradFn(new Node("AsStridedBackward0", [base], (g) => [stridedScatter(g, baseShape, geometry)]));
}

/** fill_/zero_/uniform_/normal_: values from `next()`, no graph (the old values no longer matter). */
export function fillInPlace<T extends Tensor>(t: T, op: string, next: () => number): T {
  checkLeaf(t, op === "fill_" || op === "zero_"); // PyTorch: "fill is idempotent, so overlap is okay"
  const values = contiguousData(t).slice();
  for (let i = 0; i < values.length; i++) values[i] = next();
  let result = Tensor.fromArray(values, t.shape, t.dtype);
  if (isGradEnabled() && t.requiresGrad) {
    // a non-leaf keeps a node whose gradient to the old values is zero (PyTorch's FillBackward0 etc.)
    result = record(op, fillNodeName[op] ?? "FillBackward0", [snapshot(t)], result, (g) => [mul(g, 0)]);
  }
  writeInto(t, result);
  if (result.gradFn !== null) rebaseHistory(t, result);
  if (observer !== null) observer.onInplace?.(t, op);
  return t;
}

const fillNodeName: Record<string, string> = {
  fill_: "FillBackward2",
  zero_: "ZeroBackward0",
  uniform_: "UniformBackward0",
  normal_: "NormalBackward0",
};

export function uniformSampler(low: number, high: number): () => number {
  return () => low + (high - low) * randomUniform();
}

export function normalSampler(mean: number, std: number): () => number {
  return () => mean + std * randomNormal();
}

/** copy_: src broadcast to self's shape and cast to its dtype; the gradient flows to src only. */
export function copyFrom(self: Tensor, src: Tensor): Tensor {
  const shape = broadcastShapes(self.shape, src.shape, "copy_");
  if (!shapesEqual(shape, self.shape)) {
    throw new Error(`output with shape ${formatShape(self.shape)} doesn't match the broadcast shape ${formatShape(shape)}`);
  }
  const values = Tensor.fromArray(contiguousData(expandRaw(src, self.shape)).slice(), self.shape, self.dtype);
  const from = [...src.shape];
  // the overwritten history gets zeros, not nothing: its nodes still run (and check their versions)
  return record("copy_", "CopyBackwards", [self, src], values, (g, node) => [
    node.needsInputGrad[0] ? mul(g, 0) : null,
    node.needsInputGrad[1] ? unbroadcast(g, from) : null,
  ]);
}

/** Adds other's values into t (same shape), no autograd: used to accumulate `.grad`. */
export function addRaw(t: Tensor, other: Tensor): void {
  const src = contiguousData(other);
  if (t.isContiguous()) {
    const d = t.storage.data, o = t.offset;
    // float32 in the wasm vector kernel (~5× the JS loop on a 512×784 gradient)
    if (addInto(d as FloatArray, o, src as FloatArray, src.length)) {
      t._versionCounter.version++;
      return;
    }
    for (let i = 0; i < src.length; i++) d[o + i] += src[i];
  } else {
    const cur = contiguousData(t);
    for (let i = 0; i < src.length; i++) cur[i] += src[i];
    scatterStrided(cur, t.storage.data, t.offset, t.shape, t.strides);
  }
  t._versionCounter.version++;
}
